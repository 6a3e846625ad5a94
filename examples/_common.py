"""What every example shares: its command line, where it connects, and small terminal output.

``--endpoint local`` (the default) starts the local endpoint in this process, so an example runs
offline with no key; ``--endpoint ovh`` talks to OVHcloud AI Endpoints with the key found in the
environment (``AI_ENDPOINT_API_KEY``...), or on the anonymous tier without one.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import importlib.util
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO, TypeVar

from ovh_responses.settings import resolve_api_key, resolve_base_url

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

EXAMPLES_DIR = Path(__file__).resolve().parent
DOCS_DIR = EXAMPLES_DIR.parent / "docs"
DEFAULT_EMBEDDING_MODEL = "bge-m3"
INDEX_DIR_VARIABLE = "OVH_RESPONSES_EXAMPLES_INDEX"
"""Where the RAG examples keep their vector index (default: ~/.cache/ovh-responses-examples)."""

T = TypeVar("T")


@dataclass(frozen=True)
class Connection:
    """Where the example's models send their requests. ``base_url`` ``None`` means the
    library's own choice (``OVH_AI_ENDPOINTS_BASE_URL``, else OVHcloud's public endpoint)."""

    base_url: str | None
    local: bool


def make_parser(doc: str | None, *, model: str) -> argparse.ArgumentParser:
    """The options every example takes; ``doc`` (the module docstring) is the help text."""
    lines = (doc or "").strip().splitlines()
    parser = argparse.ArgumentParser(
        description=lines[0] if lines else None,
        epilog="\n".join(lines[1:]).strip() or None,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--endpoint",
        choices=["local", "ovh"],
        default="local",
        help="local: an offline endpoint started in this process (default); "
        "ovh: OVHcloud AI Endpoints, with AI_ENDPOINT_API_KEY or the anonymous tier",
    )
    parser.add_argument("--model", default=model, help=f"chat model id (default: {model})")
    # Points the example at an endpoint that is already running (used by the test suite).
    parser.add_argument("--base-url", default=None, help=argparse.SUPPRESS)
    return parser


@contextlib.contextmanager
def connect(args: argparse.Namespace, *, err: TextIO | None = None) -> Iterator[Connection]:
    """The connection the options ask for; a local endpoint started here is stopped after."""
    err = err or sys.stderr
    if args.base_url:
        yield Connection(args.base_url, local=args.endpoint == "local")
        return
    if args.endpoint == "ovh":
        tier = "anonymous tier" if resolve_api_key() is None else "API key from the environment"
        print(f"[OVHcloud AI Endpoints at {resolve_base_url()}, {tier}]", file=err)
        yield Connection(None, local=False)
        return
    from ovh_responses.testing import LocalEndpoint

    with LocalEndpoint() as endpoint:
        print(f"[local endpoint at {endpoint.base_url}, offline]", file=err)
        yield Connection(endpoint.base_url, local=True)


FRAMEWORK_MODULES = {"langchain": "langchain_core", "llama-index": "llama_index.core"}


def installed_frameworks() -> list[str]:
    """The frameworks whose adapter can be imported here (an example runs on those)."""
    return [name for name, module in FRAMEWORK_MODULES.items() if _importable(module)]


def _importable(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:  # the parent package is missing
        return False


def add_framework_option(parser: argparse.ArgumentParser) -> None:
    """``--framework``: one framework, or ``both``; by default every one that is installed."""
    found = installed_frameworks()
    parser.add_argument(
        "--framework",
        choices=[*FRAMEWORK_MODULES, "both"],
        default="both" if len(found) == len(FRAMEWORK_MODULES) else (found or ["both"])[0],
        help="(default: every installed framework)",
    )


def chosen_frameworks(choice: str) -> list[str]:
    return list(FRAMEWORK_MODULES) if choice == "both" else [choice]


def index_dir() -> Path:
    """The folder of the RAG examples' persistent vector index."""
    chosen = os.environ.get(INDEX_DIR_VARIABLE)
    if chosen:
        return Path(chosen)
    cache = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(cache) / "ovh-responses-examples"


def index_location(framework: str, conn: Connection, texts: Sequence[str]) -> tuple[str, str]:
    """The folder of ``framework``'s vector store, and the collection for this corpus: one per
    embedding model, endpoint kind and corpus version, so that a changed guide or another
    endpoint gets an index of its own and the same ones reuse theirs."""
    digest = hashlib.sha256("\x00".join(texts).encode()).hexdigest()[:12]
    where = "local" if conn.local else "ovh"
    name = f"{framework}-{DEFAULT_EMBEDDING_MODEL}-{where}-{digest}"
    return str(index_dir() / framework), name


def batched(items: Sequence[T], size: int) -> Iterator[list[T]]:
    """``items`` in lists of ``size`` (the last one shorter)."""
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


def say(text: str = "", *, end: str = "\n") -> None:
    """Print to the terminal at once (answers are streamed piece by piece)."""
    print(text, end=end, flush=True)


# ----- the docs/ corpus --------------------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    """One ``##`` section of a guide in docs/."""

    source: str
    """The guide's path relative to the repository, e.g. ``docs/streaming.md``."""
    heading: str
    body: str
    """The section's text, its paragraphs unwrapped (code blocks kept as they are)."""

    @property
    def text(self) -> str:
        """What is indexed: the heading, then the body."""
        return f"{self.heading}\n\n{self.body}"


def guide_sections(docs_dir: Path = DOCS_DIR, *, max_chars: int = 1500) -> list[Section]:
    """Every guide in ``docs_dir`` split at its headings; a section longer than ``max_chars``
    is split again between paragraphs."""
    sections: list[Section] = []
    for path in sorted(docs_dir.glob("*.md")):
        source = f"{docs_dir.name}/{path.name}"
        for heading, lines in _split_headings(path.read_text(encoding="utf-8")):
            paragraphs = [_paragraph(block) for block in _blocks(lines)]
            sections.extend(
                Section(source, heading, "\n\n".join(group))
                for group in _group(paragraphs, max_chars)
            )
    return sections


def _split_headings(markdown: str) -> list[tuple[str, list[str]]]:
    """(heading, lines) of each section; the text before the first ``##`` goes under the
    guide's ``#`` title. Headings inside fenced code are code."""
    parts: list[tuple[str, list[str]]] = [("", [])]
    fenced = False
    for line in markdown.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        if not fenced and line.startswith(("# ", "## ")):
            parts.append((line.lstrip("#").strip(), []))
        else:
            parts[-1][1].append(line)
    return [(heading, lines) for heading, lines in parts if any(line.strip() for line in lines)]


def _blocks(lines: list[str]) -> Iterator[list[str]]:
    """Runs of lines separated by blank lines; a fenced code block is one run."""
    block: list[str] = []
    fenced = False
    for line in lines:
        if line.startswith("```"):
            fenced = not fenced
        if line.strip() or fenced:
            block.append(line)
        elif block:
            yield block
            block = []
    if block:
        yield block


def _paragraph(block: list[str]) -> str:
    """A paragraph on one line, so that no sentence is cut by a line break; fenced code, list
    items and table rows keep their lines."""
    if block[0].startswith(("```", "- ", "|")):
        return "\n".join(block)
    return " ".join(line.strip() for line in block)


def _group(paragraphs: list[str], max_chars: int) -> list[list[str]]:
    """Consecutive paragraphs in groups of at most ``max_chars`` (a longer paragraph alone)."""
    groups: list[list[str]] = []
    size = 0
    for paragraph in paragraphs:
        if groups and size + len(paragraph) <= max_chars:
            groups[-1].append(paragraph)
            size += len(paragraph) + 2
        else:
            groups.append([paragraph])
            size = len(paragraph)
    return groups
