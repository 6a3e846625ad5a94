"""Write README.md's three quick starts, unmodified, to DIR/<extra>.py (core, langchain,
llama-index), for scripts/check_dist.sh to run in a clean environment per extra.

Sybil finds the code blocks (as in tests/docs); each is named by the "## Quick start: ..."
heading it sits under.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from sybil import Sybil
from sybil.parsers.markdown import PythonCodeBlockParser

ROOT = Path(__file__).resolve().parents[1]
EXTRAS = {"the core": "core", "LangChain": "langchain", "LlamaIndex": "llama-index"}
HEADING = re.compile(r"^## (.+)$", re.MULTILINE)


def main(out: Path) -> None:
    readme = ROOT / "README.md"
    text = readme.read_text()
    headings = [(m.start(), m.group(1)) for m in HEADING.finditer(text)]
    written: list[str] = []
    for example in Sybil([PythonCodeBlockParser()]).parse(readme).examples():
        title = [h for at, h in headings if at < example.start][-1]
        if title.startswith("Quick start: "):
            extra = EXTRAS[title.removeprefix("Quick start: ")]
            (out / f"{extra}.py").write_text(str(example.parsed))
            written.append(extra)
    if sorted(written) != sorted(EXTRAS.values()):
        sys.exit(f"README.md quick starts found: {written}; expected one for each of {EXTRAS}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
