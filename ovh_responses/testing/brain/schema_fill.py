"""Values valid against a JSON schema, taken from the prompt where it offers them.

Numbers, quoted strings and capitalised phrases of the prompt are handed out, in order, to the
properties that fit them; a property named in the prompt (``city: Paris``, ``name is Ada``) gets
the value written after it. What the prompt does not give becomes a type-correct placeholder that
respects ``enum``, ``const``, bounds, lengths, ``required`` and nesting.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ovh_responses.testing.brain.text import STOPWORDS, content_words, name_words, words

_NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?(?![\w])")
_QUOTED = re.compile(r"(?<!\w)(?:'([^'\n]+?)'|\"([^\"\n]+?)\"|“([^”\n]+?)”)(?!\w)")
_PROPER = re.compile(r"[A-Z][\w'-]*(?:(?:[ \t]+|,[ \t]*)[A-Z][\w'-]*)*")  # within a line
_NOT_PROPER = STOPWORDS | {
    "create", "find", "get", "tell", "write", "generate", "return", "calculate", "compute",
    "call", "hello", "hi", "hey", "thanks", "ok", "yes", "json", "answer", "reply", "say",
    "don", "doesn", "didn", "isn", "aren", "won",
}  # fmt: skip
_NAMEISH = frozenset({"name", "title", "customer", "person", "company", "user", "author"})
_PLACEISH = frozenset({"location", "city", "place", "country", "address", "destination", "origin"})
_FORMATS = {
    "date": "2024-01-01",
    "date-time": "2024-01-01T00:00:00Z",
    "time": "00:00:00",
    "email": "user@example.com",
    "uri": "https://example.com",
    "url": "https://example.com",
    "uuid": "00000000-0000-4000-8000-000000000000",
}
_MAX_DEPTH = 6
_STRING_VALUE = r"\"[^\"\n]+\"|'[^'\n]+'|[^\s,.;!?]+(?:\s+[A-Z][^\s,.;!?]*)*"


@dataclass(slots=True)
class Source:
    """What a prompt offers; values are consumed as they are given out."""

    text: str
    numbers: list[str] = field(default_factory=list)
    quoted: list[str] = field(default_factory=list)
    proper: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, text: str) -> Source:
        quoted = [next(g for g in m.groups() if g) for m in _QUOTED.finditer(text)]
        unquoted = _QUOTED.sub(" ", text)
        return cls(text, _NUMBER.findall(unquoted), quoted, _proper_phrases(unquoted))


def _proper_phrases(text: str) -> list[str]:
    found: list[str] = []
    for match in _PROPER.finditer(text):
        parts = [p for p in re.split(r"(\s+|,\s*)", match.group(0)) if p]
        while parts and (parts[0].strip(", ") == "" or _common(parts[0])):
            parts.pop(0)
        phrase = "".join(parts).strip(" ,")
        if phrase and not _common(phrase):
            found.append(phrase)
    return found


def _common(word: str) -> bool:
    """A capitalised word that names nothing: a stop word or verb, also in a contraction
    (``What's``, ``Don't``, ``It's``) as at the start of a question."""
    return word.lower().split("'")[0].split("\u2019")[0] in _NOT_PROPER


def fill(schema: dict[str, Any], source: Source) -> Any:
    """A value valid against ``schema`` (the root holds ``$defs``/``definitions``)."""
    return _Filler(schema, source).value(schema, "", 0)


@dataclass(slots=True)
class _Filler:
    root: dict[str, Any]
    source: Source

    def value(self, schema: Any, name: str, depth: int) -> Any:
        schema = self._resolve(schema)
        if "const" in schema:
            return schema["const"]
        if isinstance(schema.get("enum"), list) and schema["enum"]:
            return self._enum(schema["enum"])
        kind = _kind(schema)
        if kind == "object":
            return self._object(schema, depth)
        if kind == "array":
            return self._array(schema, name, depth)
        if kind in ("integer", "number"):
            return self._number(schema, name, kind == "integer")
        if kind == "boolean":
            return self._boolean(name)
        if kind == "null":
            return None
        return self._string(schema, name)

    def _resolve(self, schema: Any) -> dict[str, Any]:
        if not isinstance(schema, dict):
            return {}
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/"):
            target: Any = self.root
            for key in ref[2:].split("/"):
                target = target.get(key, {}) if isinstance(target, dict) else {}
            merged = {k: v for k, v in schema.items() if k != "$ref"}
            return {**self._resolve(target), **merged}
        for key in ("anyOf", "oneOf"):
            options = schema.get(key)
            if isinstance(options, list) and options:
                rest = {k: v for k, v in schema.items() if k != key}
                return {**rest, **self._resolve(_first_non_null(options))}
        if isinstance(schema.get("allOf"), list):
            merged = {k: v for k, v in schema.items() if k != "allOf"}
            for part in schema["allOf"]:
                merged = _merge(merged, self._resolve(part))
            return merged
        return schema

    def _object(self, schema: dict[str, Any], depth: int) -> dict[str, Any]:
        props = schema.get("properties")
        props = props if isinstance(props, dict) else {}
        required = [r for r in schema.get("required", []) if isinstance(r, str)]
        names = list(props) + [r for r in required if r not in props]
        if depth >= _MAX_DEPTH:
            names = required
        return {n: self.value(props.get(n, {"type": "string"}), n, depth + 1) for n in names}

    def _array(self, schema: dict[str, Any], name: str, depth: int) -> list[Any]:
        low = int(schema.get("minItems", 0))
        high = schema.get("maxItems")
        items = self._resolve(schema.get("items", {"type": "string"}))
        count = max(low, 0 if depth >= _MAX_DEPTH else 1)
        if _kind(items) == "string" and "enum" not in items and len(self.source.quoted) > 1:
            count = max(count, len(self.source.quoted))
        if isinstance(high, int):
            count = min(count, high)
        return [self.value(items, name, depth + 1) for _ in range(count)]

    def _enum(self, options: list[Any]) -> Any:
        lowered = self.source.text.lower()
        for option in options:
            if isinstance(option, str) and re.search(rf"\b{re.escape(option.lower())}\b", lowered):
                return option
        return options[0]

    def _number(self, schema: dict[str, Any], name: str, integer: bool) -> int | float:
        candidates = [self._named(name, r"-?\d+(?:\.\d+)?")]
        while self.source.numbers and candidates[-1] is None:
            candidates.append(self.source.numbers.pop(0))
        for raw in candidates:
            if raw is None or (integer and not re.fullmatch(r"-?\d+", raw)):
                continue
            number = int(raw) if integer else float(raw)
            if _in_bounds(schema, number):
                return number
        return _placeholder_number(schema, integer)

    def _boolean(self, name: str) -> bool:
        said = self._named(name, r"true|false|yes|no")
        if said is not None:
            return said.lower() in ("true", "yes")
        keys = [w for w in name_words(name) if w not in STOPWORDS]
        return bool(keys) and all(k in words(self.source.text) for k in keys)

    def _string(self, schema: dict[str, Any], name: str) -> str:
        fmt = schema.get("format")
        text = self._string_value(name)
        if isinstance(fmt, str) and fmt in _FORMATS and (text is None or fmt not in ("email",)):
            text = _FORMATS[fmt]
        if text is None:
            text = _placeholder_text(self.source.text, name)
        low, high = int(schema.get("minLength", 0)), schema.get("maxLength")
        if len(text) < low:
            text = text + "x" * (low - len(text))
        if isinstance(high, int):
            text = text[:high]
        return text

    def _string_value(self, name: str) -> str | None:
        said = self._named(name, _STRING_VALUE)
        if said is not None and said.lower() not in STOPWORDS:
            return said.strip("\"'“”")
        keys = set(name_words(name))
        source = self.source
        if keys & _PLACEISH and source.proper:
            return source.proper.pop(0)
        if keys & _NAMEISH:
            after = re.search(r"\b(?:named|called)\s+([A-Z][\w-]*(?:\s+[A-Z][\w-]*)*)", source.text)
            if after and not source.quoted:
                return after.group(1)
        if source.quoted:
            return source.quoted.pop(0)
        if source.proper:
            return source.proper.pop(0)
        return None

    def _named(self, name: str, value: str) -> str | None:
        """The value written right after the property's name: ``city: Paris``, ``age is 3``."""
        keys = name_words(name)
        if not keys:
            return None
        label = r"[\s_-]*".join(re.escape(k) for k in keys)
        pattern = rf"\b{label}\b\s*(?:=|:|\bis\b|\bof\b|\bnamed\b|\bcalled\b)\s*({value})"
        match = re.search(pattern, self.source.text, re.IGNORECASE)
        return match.group(1).strip() if match else None


def _kind(schema: dict[str, Any]) -> str:
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if isinstance(kind, str):
        return kind
    if "properties" in schema:
        return "object"
    if "items" in schema:
        return "array"
    return "string"


def _first_non_null(options: list[Any]) -> Any:
    for option in options:
        if isinstance(option, dict) and option.get("type") != "null":
            return option
    return options[0]


def _merge(left: dict[str, Any], right: dict[str, Any]) -> dict[str, Any]:
    merged = {**left, **right}
    if isinstance(left.get("properties"), dict) and isinstance(right.get("properties"), dict):
        merged["properties"] = {**left["properties"], **right["properties"]}
    merged["required"] = [*left.get("required", []), *right.get("required", [])]
    return merged


def _in_bounds(schema: dict[str, Any], number: float) -> bool:
    def bound(key: str) -> float | None:
        value = schema.get(key)
        return value if isinstance(value, (int, float)) else None

    low, high = bound("minimum"), bound("maximum")
    xlow, xhigh = bound("exclusiveMinimum"), bound("exclusiveMaximum")
    return (
        (low is None or number >= low)
        and (high is None or number <= high)
        and (xlow is None or number > xlow)
        and (xhigh is None or number < xhigh)
    )


def _placeholder_number(schema: dict[str, Any], integer: bool) -> int | float:
    low = schema.get("minimum", schema.get("exclusiveMinimum"))
    high = schema.get("maximum", schema.get("exclusiveMaximum"))
    number: float = 1
    if isinstance(low, (int, float)):
        number = max(number, low + (1 if "exclusiveMinimum" in schema else 0))
    if isinstance(high, (int, float)) and not _in_bounds(schema, number):
        number = (low + high) / 2 if isinstance(low, (int, float)) else high - 1
    return int(number) if integer else float(number)


def _placeholder_text(prompt: str, name: str) -> str:
    topic = " ".join(content_words(prompt)[:8])
    label = " ".join(name_words(name)) or "value"
    return f"{label.capitalize()}: {topic}" if topic else label.capitalize()
