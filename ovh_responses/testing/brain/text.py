"""Crude tokens and words: the local endpoint's whole notion of language.

One token is one run of non-space characters with the spaces before it, so text splits into
tokens and joins back unchanged. Words are lower-cased runs of letters and digits.
"""

from __future__ import annotations

import re

_TOKEN = re.compile(r"\s*\S+\s*$|\s*\S+")
_WORD = re.compile(r"\w+", re.UNICODE)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")

_STOPWORDS_TEXT = """
a an the and or but if then else of to in on at by for with from as is are was were
be been being do does did done have has had having i me my you your we our us he
she it its they them their this that these those what which who whom whose when
where why how all any some no not only just very can could should would will shall
may might must about into over under than so such too there here please tell give
show let use using make also more most other each up out off again once same both
few own nor s t
"""
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())


def tokens(text: str) -> list[str]:
    """Split ``text`` into tokens; ``"".join(tokens(text)) == text``."""
    parts = _TOKEN.findall(text)
    if not parts:
        return [text] if text else []
    joined = "".join(parts)
    if len(joined) < len(text):  # leading/trailing spaces only text
        parts[-1] += text[len(joined) :]
    return parts


def count_tokens(text: str) -> int:
    return len(text.split())


def words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def stem(word: str) -> str:
    """A light stemmer for word-overlap scoring: a plural ending, then an ``-ing``/``-ed``
    ending, then a final ``e`` go, so that "variables" ~ "variable", "keys" ~ "key" and
    "cached" ~ "caching" ~ "cache". Word families mostly meet; stems need not be words."""
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("sses"):
        word = word[:-2]
    elif word.endswith("s") and len(word) > 3 and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    if word.endswith("ied") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("ing") and len(word) > 5:
        word = word[:-3]
    elif word.endswith("ed") and len(word) > 3:
        word = word[:-2]
    if word.endswith("e") and len(word) >= 3:
        word = word[:-1]
    return word


def content_words(text: str) -> list[str]:
    """Words that are not stop words, in order, without repeats."""
    seen: dict[str, None] = {}
    for word in words(text):
        if word not in STOPWORDS and word not in seen:
            seen[word] = None
    return list(seen)


def stems(text: str) -> set[str]:
    return {stem(w) for w in content_words(text)}


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text) if s and s.strip()]


def name_words(name: str) -> list[str]:
    """``get_current_weather`` / ``getWeather`` -> ``["get", "current", "weather"]``."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name)
    return [w.lower() for w in re.split(r"[^A-Za-z0-9]+", spaced) if w]
