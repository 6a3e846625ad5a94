"""Structured output: the ``text.format`` parameter, and reading the JSON the model wrote,
whole or while it streams."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, cast

from ovh_responses.errors import StructuredOutputError
from ovh_responses.wire.tools import strict_schema

if TYPE_CHECKING:
    from openai.types.responses import (
        ResponseFormatTextConfigParam,
        ResponseFormatTextJSONSchemaConfigParam,
    )
    from openai.types.shared_params import ResponseFormatJSONObject

__all__ = [
    "JSON_OBJECT_FORMAT",
    "json_schema_format",
    "parse_json_output",
    "parse_partial_json",
    "response_format_param",
    "schema_name",
    "text_format",
]

JSON_OBJECT_FORMAT: ResponseFormatJSONObject = {"type": "json_object"}
"""``text.format`` for JSON mode: any JSON object, no schema enforced."""

_NAME_CHARS = re.compile(r"[^a-zA-Z0-9_-]+")
_FENCE = re.compile(r"^\s*```(?:json)?\s*\n(.*?)\n?\s*```\s*$", re.DOTALL | re.IGNORECASE)


def schema_name(name: str) -> str:
    """``name`` made acceptable as a format name: ``[a-zA-Z0-9_-]{1,64}``."""
    return _NAME_CHARS.sub("_", name).strip("_")[:64] or "output"


def json_schema_format(
    name: str,
    schema: Mapping[str, Any],
    strict: bool = True,
    description: str | None = None,
) -> ResponseFormatTextJSONSchemaConfigParam:
    """``text.format`` asking for JSON valid against ``schema`` (sent as given; see
    :func:`ovh_responses.wire.tools.strict_schema` for OpenAI's strict form)."""
    fmt: ResponseFormatTextJSONSchemaConfigParam = {
        "type": "json_schema",
        "name": schema_name(name),
        "schema": dict(schema),
        "strict": strict,
    }
    if description:
        fmt["description"] = description
    return fmt


def text_format(
    schema: Mapping[str, Any], *, strict: bool, name: str | None = None
) -> ResponseFormatTextJSONSchemaConfigParam:
    """``text.format`` for a JSON schema as a framework produces it: its ``title`` becomes the
    format's name (unless ``name`` is given) and its ``description`` the format's description;
    with ``strict`` the schema is put in OpenAI's strict form
    (:func:`~ovh_responses.wire.tools.strict_schema`) and enforced."""
    body = dict(schema)
    title = body.pop("title", None)
    description = body.pop("description", None)
    chosen = name or (title if isinstance(title, str) and title else "output")
    return json_schema_format(
        chosen,
        strict_schema(body) if strict else body,
        strict=strict,
        description=description if isinstance(description, str) else None,
    )


def response_format_param(value: Mapping[str, Any]) -> ResponseFormatTextConfigParam | None:
    """``text.format`` for a ``response_format`` in the wire shapes OpenAI's clients accept:
    chat completions' ``{"type": "json_schema", "json_schema": {"name", "schema", "strict"}}``,
    its inner ``{"name", "schema"}``, ``{"type": "json_object"}``, ``{"type": "text"}``, or a
    Responses ``text.format`` already. ``None`` for anything else (a bare JSON schema, which a
    framework turns into a format itself)."""
    kind = value.get("type")
    if kind == "json_schema" and isinstance(value.get("json_schema"), Mapping):
        return _chat_json_schema(value["json_schema"])
    if kind == "json_schema" or kind in ("json_object", "text"):
        return cast("ResponseFormatTextConfigParam", dict(value))
    if "name" in value and isinstance(value.get("schema"), Mapping):
        return _chat_json_schema(value)
    return None


def _chat_json_schema(spec: Mapping[str, Any]) -> ResponseFormatTextJSONSchemaConfigParam:
    """Chat completions' ``json_schema`` object -> the flat ``text.format``; strict only when it
    says so (then the schema is put in OpenAI's strict form), as chat completions reads it."""
    strict = spec.get("strict") is True
    fmt = text_format(spec["schema"], strict=strict, name=str(spec.get("name") or "output"))
    if isinstance(spec.get("description"), str):
        fmt["description"] = spec["description"]
    return fmt


def parse_partial_json(text: str) -> object | None:
    """The value of a JSON text that may be cut anywhere (a streamed answer so far), or
    ``None`` while nothing can be read yet. Unfinished strings are returned as far as they go."""
    import jiter

    try:
        value: object = jiter.from_json(text.encode(), partial_mode="trailing-strings")
    except ValueError:
        return None
    return value


def parse_json_output(text: str, *, refusal: str | None = None) -> object:
    """The value of the model's finished JSON answer. A refusal, an empty answer or invalid
    JSON raises :class:`StructuredOutputError` with what the model wrote."""
    if refusal:
        raise StructuredOutputError(
            f"The model refused to produce the structured output: {refusal}",
            text=text,
            refusal=refusal,
        )
    fenced = _FENCE.match(text)
    body = fenced.group(1) if fenced else text
    try:
        return json.loads(body)
    except ValueError as e:
        shown = text if len(text) <= 1000 else text[:1000] + "..."
        raise StructuredOutputError(
            f"The model's answer is not valid JSON ({e}); it wrote: {shown!r}. The model may "
            "not support structured output: try another model or a tool call instead.",
            text=text,
        ) from e
