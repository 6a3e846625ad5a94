"""Which tools a prompt asks for: by name, or by what the tool's name says it does."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ovh_responses.testing.brain.text import content_words, name_words, stem, words

if TYPE_CHECKING:
    from ovh_responses.testing.brain.conversation import ToolSpec

_GENERIC_TEXT = """
get set fetch retrieve tool tools function fn func run do make call my the a an
current info information data lookup look up query by for of to and from with api
util utils value result compute calculate
"""
_GENERIC = frozenset(_GENERIC_TEXT.split())
_SYNONYMS: dict[str, frozenset[str]] = {
    "add": frozenset({"add", "plus", "sum", "+"}),
    "adder": frozenset({"add", "plus", "sum", "+"}),
    "sum": frozenset({"add", "plus", "sum", "+"}),
    "multiply": frozenset({"multiply", "times", "product", "*", "\u00d7"}),
    "multiplier": frozenset({"multiply", "times", "product", "*", "\u00d7"}),
    "subtract": frozenset({"subtract", "minus", "difference", "\u2212"}),
    "divide": frozenset({"divide", "divided", "quotient", "\u00f7"}),
}
# Frameworks ask for a structured answer through a tool named after its class (LangChain's
# ``ToolStrategy(Weather)``, LlamaIndex's ``SingleSelection``) or ``final_result`` (pydantic-ai),
# and hand a conversation to another agent through ``handoff`` (LlamaIndex) or ``transfer_to_x``.
_OUTPUT_TOOL = re.compile(r"[A-Z][A-Za-z0-9]*|final_result\w*")
_HANDOFF_TOOL = re.compile(r"handoff|transfer_to_\w+")
_USE_A_TOOL = re.compile(r"\b(?:use|using|call|with)\s+(?:the|a|your)\s+tools?\b", re.IGNORECASE)


def keywords(tool: ToolSpec) -> set[str]:
    """The distinctive words of a tool's name (and, when its name has none, its description)."""
    keys = [w for w in name_words(tool.name) if w not in _GENERIC and not w.isdigit()]
    if not keys:
        keys = content_words(tool.description)[:3]
    found: set[str] = set()
    for key in keys:
        found |= _SYNONYMS.get(key, frozenset()) | {key, stem(key)}
    return found


def _prompt_keys(text: str) -> list[str]:
    keys = [k for w in words(text) for k in (w, stem(w))]
    keys += [c for c in text if c in "+*\u00d7\u00f7"]
    return keys


def tools_named(text: str, tools: list[ToolSpec]) -> list[ToolSpec]:
    """The tools the text asks for, in the order the text mentions them."""
    lowered = text.lower()
    found: list[tuple[int, int, ToolSpec]] = []
    prompt_keys = _prompt_keys(text)
    for order, tool in enumerate(tools):
        at = _position(lowered, tool.name.lower())
        if at < 0:
            spaced = " ".join(name_words(tool.name))
            at = _position(lowered, spaced) if spaced else -1
        if at < 0:
            hits = [i for i, key in enumerate(prompt_keys) if key in keywords(tool)]
            at = len(lowered) + hits[0] if hits else -1
        if at >= 0:
            found.append((at, order, tool))
    if not found and len(tools) == 1 and _USE_A_TOOL.search(text):
        return [tools[0]]
    return [tool for _, _, tool in sorted(found, key=lambda f: (f[0], f[1]))]


def best_tool(text: str, tools: list[ToolSpec]) -> ToolSpec:
    """The tool to call when one must be called: the first the text names, else the first."""
    named = tools_named(text, tools)
    return named[0] if named else tools[0]


def _position(haystack: str, needle: str) -> int:
    match = re.search(rf"(?<![\w]){re.escape(needle)}(?![\w])", haystack)
    return match.start() if match else -1


def is_output_tool(tool: ToolSpec) -> bool:
    """A tool that gives the final answer a shape rather than fetching data."""
    return _OUTPUT_TOOL.fullmatch(tool.name) is not None


def is_handoff(name: str) -> bool:
    """A tool that hands the conversation to another agent."""
    return _HANDOFF_TOOL.fullmatch(name) is not None
