"""Selector prompts: a numbered list of choices and a question; the choice that fits it best."""

from __future__ import annotations

import re

from ovh_responses.testing.brain.text import stems

_CHOICE = re.compile(r"^\s*\((\d+)\)\s*(\S[^\n]*)$", re.MULTILINE)
_ASKED = re.compile(r"\bquestion\s*:\s*(?P<q>[^\n]+?)\s*$", re.IGNORECASE | re.MULTILINE)


def best_choice(text: str) -> int | None:
    """In a prompt listing choices as ``(1) ...``, ``(2) ...``, the number of the choice whose
    words overlap most with the question (the first on a tie); ``None`` without such a list."""
    choices = [(int(number), described) for number, described in _CHOICE.findall(text)]
    if len(choices) < 2:
        return None
    wanted = stems(_question(text))
    number, _ = max(choices, key=lambda c: (len(wanted & stems(c[1])), -c[0]))
    return number


def _question(text: str) -> str:
    asked = list(_ASKED.finditer(text))
    if asked:
        return asked[-1]["q"].strip("'\"“”")
    return _CHOICE.sub(" ", text)
