"""The examples' shared command line, and the docs corpus they read."""

from __future__ import annotations

import inspect
import re

import langchain_agent
import langchain_rag
import llama_index_agent
import llama_index_rag
import pytest
import structured_extraction
import vision
from _common import DOCS_DIR as DOCS
from _common import guide_sections

from ovh_responses import errors

EXAMPLES = [
    langchain_rag,
    llama_index_rag,
    langchain_agent,
    llama_index_agent,
    structured_extraction,
    vision,
]


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda m: m.__name__)
def test_help_explains_the_options(example, capsys):
    with pytest.raises(SystemExit) as exit_info:
        example.main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert "--endpoint {local,ovh}" in out
    assert "--model" in out
    assert "--base-url" not in out  # for tests only


def test_every_typed_error_has_a_troubleshooting_entry():
    text = (DOCS / "troubleshooting.md").read_text(encoding="utf-8")
    public = [
        name
        for name, cls in inspect.getmembers(errors, inspect.isclass)
        if issubclass(cls, errors.OVHError | errors.OVHCompatibilityWarning)
        and not name.startswith("_")
    ]
    missing = [name for name in public if f"`{name}`" not in text and name not in {"OVHError"}]
    assert not missing


def test_guides_split_into_sections_that_keep_sentences_whole():
    sections = guide_sections()
    guides = {s.source for s in sections}
    assert guides == {f"docs/{p.name}" for p in DOCS.glob("*.md")}
    assert len(guides) >= 8
    for section in sections:
        assert section.heading
        assert section.body
        assert not section.body.startswith("#")
        assert section.body.count("```") % 2 == 0, section.heading  # code blocks stay whole
        outside_code = re.sub(r"```.*?```", "", section.body, flags=re.DOTALL)
        for paragraph in outside_code.split("\n\n"):
            if not paragraph.strip().startswith(("- ", "|")):
                assert "\n" not in paragraph.strip(), section.heading


def test_docs_name_only_settings_the_library_reads():
    from ovh_responses.settings import API_KEY_ENV_VARS, BASE_URL_ENV_VAR

    text = " ".join(p.read_text(encoding="utf-8") for p in DOCS.glob("*.md"))
    variables = set(re.findall(r"\b(?:AI_ENDPOINT|OVH|OVHCLOUD)_[A-Z_]+\b", text))
    assert variables <= {*API_KEY_ENV_VARS, BASE_URL_ENV_VAR}
