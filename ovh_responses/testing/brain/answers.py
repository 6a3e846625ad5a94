"""Text answers of the rule-based model: exact replies, RAG by word overlap, tool results."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ovh_responses.testing.brain.text import content_words, sentences, stems

if TYPE_CHECKING:
    from ovh_responses.testing.brain.conversation import Ask, Turn

_QUOTED = r"\"[^\"\n]+\"|'[^'\n]+'|“[^”\n]+”"
_EXACT = (
    re.compile(
        r"\b(?:say|reply|respond|answer|output|return|print|write)(?:\s+with)?\s+"
        r"(?:exactly|only|just|verbatim)(?:\s+with)?"
        r"(?:\s+the\s+(?:word|words|phrase|text|string|number))?\s*:?\s*"
        rf"(?P<x>{_QUOTED}|[^\n]+?)\s*[.!]?\s*(?:\n|$)",
        re.IGNORECASE,
    ),
    re.compile(
        r"\b(?:just|only)\s+(?:say|reply|answer|respond)(?:\s+with)?\s*:?\s*"
        rf"(?P<x>{_QUOTED}|[^\n]+?)\s*[.!]?\s*(?:\n|$)",
        re.IGNORECASE,
    ),
    re.compile(rf"\brepeat after me\s*:?\s*(?P<x>{_QUOTED}|[^\n]+?)\s*(?:\n|$)", re.IGNORECASE),
    re.compile(rf"^\s*say\s+(?P<x>{_QUOTED})", re.IGNORECASE),
)
_GREETINGS = frozenset({"hi", "hello", "hey", "hiya", "howdy", "greetings", "morning", "thanks"})
_QUESTION = re.compile(r"(?:^|\n)\s*(?:query|question)\s*:\s*(?P<q>[^\n]+)", re.IGNORECASE)
_RAG_MARKER = re.compile(
    r"\bcontext\b|\bpassages?\b|\bdocuments?\b|\bexcerpts?\b|-{5,}", re.IGNORECASE
)
# Lines of a retrieved chunk that are not its text: frameworks' metadata (``file_path: ...``,
# ``last_modified_date: ...``) and Markdown headings.
_NOT_TEXT = re.compile(r"^(?:[a-z]+(?:_[a-z]+)+\s*:\s*\S.*|#{1,6}\s.*)$")
_MARKER_PREFIX = re.compile(
    r"^\s*(?:context(?: information)?|documents?|passages?|sources?|answer)\s*:\s*",
    re.IGNORECASE,
)


def exact_reply(text: str) -> str | None:
    """``Reply with exactly: OK`` -> ``OK``; ``Say 'hello'`` -> ``hello``."""
    for pattern in _EXACT:
        match = pattern.search(text)
        if match:
            value = match["x"].strip()
            if len(value) >= 2 and value[0] in "\"'“" and value[-1] in "\"'”":
                value = value[1:-1]
            if value:
                return value
    return None


_FOLLOW_UP = re.compile(
    r"Follow Up Input:\s*(?P<q>.+?)\s*Standalone question:", re.IGNORECASE | re.DOTALL
)


def standalone_question(ask: Ask) -> str | None:
    """Condense prompts ("rephrase the follow up question to be a standalone question"): the
    follow-up question itself."""
    joined = "\n".join(ask.texts("system", "user"))
    match = _FOLLOW_UP.search(joined)
    if match:
        return match["q"].strip()
    if "standalone question" in joined.lower():
        return ask.last_user_text.strip() or None
    return None


def default_reply(question: str) -> str:
    """A short answer naming the question's content words."""
    keys = [w for w in content_words(question) if "no_think" not in w]
    if not keys or set(keys) <= _GREETINGS:
        return "Hello! How can I help you today?"
    return f"You asked about {' '.join(keys[:12])}."


def tool_result_reply(ask: Ask, outputs: list[Turn]) -> str:
    """The answer after function outputs: each output, named after its function."""
    parts: list[str] = []
    for turn in outputs:
        name = turn.tool_name or ask.call_name(turn.call_id) or "the tool"
        output = turn.text.strip() or "empty"
        if output.lower().startswith("error"):
            parts.append(f"The call to {name} failed: {output}")
        else:
            end = "" if output[-1] in ".!?" else "."
            parts.append(f"The result of {name} is {output}{end}")
    return " ".join(parts)


def rag_reply(ask: Ask) -> str | None:
    """When the request carries a context, the sentence(s) sharing most words with the question."""
    texts = ask.texts("system", "user")
    joined = "\n".join(texts)
    if not _RAG_MARKER.search(joined):
        return None
    question = _question(joined, ask.last_user_text)
    wanted = stems(question)
    if not wanted:
        return None
    corpus = joined.replace(question, "\n")
    candidates = [
        _MARKER_PREFIX.sub("", s)
        for s in sentences(corpus)
        if not _QUESTION.match("\n" + s) and not _NOT_TEXT.match(s)
    ]
    candidates = [c for c in candidates if c]
    if len(candidates) < 2:
        return None
    scored = [(len(wanted & stems(c)), i, c) for i, c in enumerate(candidates)]
    best = max(score for score, _, _ in scored)
    if best == 0:
        return None
    # The best sentence, and the runner-up when it shares at least half as many words
    # (answers often span two sentences: "The tower ... . It is 330 metres tall."), in text order.
    ranked = sorted(scored, key=lambda s: (-s[0], s[1]))[:2]
    kept = [entry for entry in ranked if entry[0] * 2 >= best]
    return " ".join(c for _, _, c in sorted(kept, key=lambda s: s[1]))


def _question(joined: str, last_user: str) -> str:
    found = [m["q"] for m in _QUESTION.finditer(joined)]
    if found:
        return re.split(r"\bAnswer\s*:", found[-1])[0].strip()
    asked = [s for s in sentences(last_user) if s.endswith("?")]
    return asked[-1] if asked else last_user.strip()
