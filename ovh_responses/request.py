"""The ``/v1/responses`` request body: neutral inputs in, a ``ResponseCreateParams`` out.

Every body has ``store: false``. What OVH AI Endpoints cannot do is refused here, before
anything is sent; the parameters it may ignore or reject are dropped with one
:class:`~ovh_responses.errors.OVHCompatibilityWarning` (or refused when ``strict=True``).
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, cast

from ovh_responses.errors import (
    OVHCompatibilityWarning,
    RequestRejected,
    RequestTooLargeError,
    UnsupportedContentError,
    UnsupportedFeatureError,
)

if TYPE_CHECKING:
    from openai.types.responses import (
        ResponseFormatTextConfigParam,
        ResponseInputParam,
        ToolParam,
    )
    from openai.types.responses.response_create_params import ResponseCreateParams, ToolChoice
    from openai.types.shared_params import Reasoning

__all__ = ["DOUBTFUL_PARAMS", "MAX_BODY_BYTES", "build_request"]

MAX_BODY_BYTES = 2_000_000
"""The platform's request body limit (about 2 MB): larger bodies are refused before sending."""

DOUBTFUL_PARAMS: Mapping[str, str] = {
    "background": "no background mode (nothing is stored)",
    "include": "extra output data is not produced",
    "max_tool_calls": "applies to built-in tools, which are not offered",
    "prompt_cache_key": "no prompt caching control",
    "truncation": "no server-side truncation of a stored context",
    "prompt": "no stored prompt templates",
    "safety_identifier": "not used by the platform",
    "service_tier": "a single service tier",
    "stream_options": "stream options may be rejected",
    "user": "not used by the platform",
    "verbosity": "text verbosity may be ignored or rejected",
}
"""Parameters OVH AI Endpoints may ignore or reject, each with the reason it is dropped."""

_STATEFUL = {
    "previous_response_id": "Send the whole conversation in `input` instead",
    "conversation": "Send the whole conversation in `input` instead",
}


def build_request(
    *,
    model: str,
    input: str | ResponseInputParam,
    instructions: str | None = None,
    tools: list[ToolParam] | None = None,
    tool_choice: ToolChoice | None = None,
    parallel_tool_calls: bool | None = None,
    temperature: float | None = None,
    top_p: float | None = None,
    max_output_tokens: int | None = None,
    reasoning: Reasoning | None = None,
    text_format: ResponseFormatTextConfigParam | None = None,
    stream: bool = False,
    extra: Mapping[str, Any] | None = None,
    strict: bool = False,
) -> ResponseCreateParams:
    """The request body. ``extra`` (the caller's additional parameters) is merged last, then
    checked: refusals raise :class:`RequestRejected` (:class:`UnsupportedFeatureError`,
    :class:`RequestTooLargeError`...) and nothing is sent."""
    body: dict[str, Any] = {
        "model": model,
        "input": input,
        "instructions": instructions,
        "tools": tools,
        "tool_choice": tool_choice,
        "parallel_tool_calls": parallel_tool_calls,
        "temperature": temperature,
        "top_p": top_p,
        "max_output_tokens": max_output_tokens,
        "reasoning": reasoning,
        "text": {"format": text_format} if text_format is not None else None,
        "stream": True if stream else None,
    }
    body = _merge_extra(body, extra or {})
    _check_size(body)
    _refuse_unsupported(body)
    body = _drop_doubtful(body, strict=strict)
    body["store"] = False
    return cast("ResponseCreateParams", body)


def _merge_extra(body: dict[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    merged = {k: v for k, v in {**body, **extra}.items() if v is not None}
    if isinstance(body.get("text"), Mapping) and isinstance(extra.get("text"), Mapping):
        merged["text"] = {**body["text"], **extra["text"]}
    return merged


# ----- refusals ----------------------------------------------------------------------------


def _refuse_unsupported(body: Mapping[str, Any]) -> None:
    if body.get("store") not in (None, False):
        raise UnsupportedFeatureError(
            "store=True is not supported: OVH AI Endpoints keeps no response state, so every "
            "request is sent with store=false. Remove `store` from the extra parameters.",
            param="store",
        )
    for name, fix in _STATEFUL.items():
        if name in body:
            raise UnsupportedFeatureError(
                f"`{name}` is not supported: OVH AI Endpoints keeps no conversation state. {fix}.",
                param=name,
            )
    for tool in body.get("tools") or ():
        _check_tool(tool)
    _check_tool_choice(body.get("tool_choice"))
    for url in _image_urls(body.get("input")):
        _check_image_url(url)
    _check_conversation(body.get("input"), body.get("instructions"))


def _check_tool(tool: object) -> None:
    kind = tool.get("type") if isinstance(tool, Mapping) else type(tool).__name__
    if kind != "function":
        raise UnsupportedFeatureError(
            f"Tool type {kind!r} is not supported: only custom function tools work on OVH AI "
            "Endpoints (no built-in tools such as web_search, file_search, code_interpreter, "
            'computer_use or mcp). Declare it as {"type": "function", "name": ..., '
            '"parameters": {...}}.',
            param="tools",
        )


def _check_tool_choice(choice: object) -> None:
    if choice is None or isinstance(choice, str):
        return
    kind = choice.get("type") if isinstance(choice, Mapping) else type(choice).__name__
    if kind != "function":
        raise UnsupportedFeatureError(
            f"tool_choice of type {kind!r} is not supported: only custom function tools work "
            'on OVH AI Endpoints. Use "auto", "none", "required" or '
            '{"type": "function", "name": ...}.',
            param="tool_choice",
        )


def _image_urls(value: object) -> Iterator[str]:
    """Every ``image_url`` (or ``file_id``) of an ``input_image`` part anywhere in ``value``."""
    if isinstance(value, Mapping):
        if value.get("type") == "input_image":
            yield str(value.get("image_url") or "") or f"file_id:{value.get('file_id')}"
        for child in value.values():
            yield from _image_urls(child)
    elif isinstance(value, list | tuple):
        for child in value:
            yield from _image_urls(child)


def _check_image_url(url: str) -> None:
    if url.startswith("data:image/"):
        return
    if url.startswith("data:"):
        media_type = url[5:].split(";", 1)[0].split(",", 1)[0][:60] or "none"
        raise UnsupportedContentError(
            f"input_image has a data URL of media type {media_type!r}, which is not an image. "
            "Send an image (data:image/png;base64,..., image/jpeg, image/webp or image/gif); "
            "send a document's text as an input_text part instead.",
            param="input",
        )
    shown = url if len(url) <= 80 else url[:77] + "..."
    raise UnsupportedFeatureError(
        f"input_image {shown!r} is not supported: OVH AI Endpoints only accepts images inline, "
        "as a base64 data URL. Send the bytes as 'data:<mime type>;base64,<data>' "
        "(ovh_responses.wire.items.image_data_url builds one).",
        param="input",
    )


def _check_conversation(value: object, instructions: object) -> None:
    """Refuse an empty conversation, and a tool result whose call id matches no call in it."""
    if not isinstance(value, list):
        return
    if not value and not instructions:
        raise RequestRejected(
            "The conversation is empty: send at least one message (input is [] and there are "
            "no instructions).",
            param="input",
        )
    calls = {item.get("call_id") for item in value if _item_type(item) == "function_call"}
    for item in value:
        if _item_type(item) == "function_call_output" and item.get("call_id") not in calls:
            raise RequestRejected(
                f"A tool result answers call id {item.get('call_id')!r}, but no tool call in the "
                "conversation has that id. Keep the assistant message with its tool calls before "
                "their results, and give each result the id of its call.",
                param="input",
            )


def _item_type(item: object) -> object:
    return item.get("type") if isinstance(item, Mapping) else None


# ----- size and encoding ---------------------------------------------------------------------


def _check_size(body: Mapping[str, Any]) -> None:
    """Refuse, before sending, a body JSON cannot carry or the platform would refuse as too
    large. One serialization, a few microseconds for an ordinary request."""
    try:
        text = json.dumps(body, allow_nan=False, ensure_ascii=False, default=str)
        size = len(text.encode("utf-8"))
    except ValueError as e:  # NaN, infinities, lone surrogates (UnicodeEncodeError)
        raise RequestRejected(_unencodable(e), param="input") from e
    except RecursionError as e:
        raise RequestRejected(
            "The request nests lists or objects deeper than can be sent; flatten the deepest "
            "values (often a tool argument, a schema or extra parameters).",
            param="input",
        ) from e
    if size > MAX_BODY_BYTES:
        raise RequestTooLargeError(
            f"The request body is {size:,} bytes, over the platform's limit of about "
            f"{MAX_BODY_BYTES:,} bytes. Shrink what is largest: usually images (resize or "
            "re-encode them smaller, or send fewer), else long documents or conversation "
            "history.",
            size=size,
            limit=MAX_BODY_BYTES,
        )


def _unencodable(e: ValueError) -> str:
    if isinstance(e, UnicodeEncodeError):
        return (
            "The request contains text that is not valid Unicode (a lone surrogate, often from "
            "bytes decoded with errors='surrogateescape'); decode it properly or replace those "
            "characters before sending."
        )
    return (
        f"The request contains a number JSON cannot carry ({e}); replace NaN and infinities "
        "with null or a finite number."
    )


# ----- doubtful parameters -------------------------------------------------------------------


def _drop_doubtful(body: dict[str, Any], *, strict: bool) -> dict[str, Any]:
    kept = {k: v for k, v in body.items() if k not in DOUBTFUL_PARAMS}
    dropped = [k for k in body if k in DOUBTFUL_PARAMS]
    text = body.get("text")
    if isinstance(text, Mapping) and "verbosity" in text:
        dropped.append("verbosity")
        rest = {k: v for k, v in text.items() if k != "verbosity"}
        kept = {k: v for k, v in kept.items() if k != "text"} | ({"text": rest} if rest else {})
    if dropped:
        _report_doubtful(sorted(set(dropped)), strict=strict)
    return kept


def _report_doubtful(names: list[str], *, strict: bool) -> None:
    reasons = "; ".join(f"{name}: {DOUBTFUL_PARAMS[name]}" for name in names)
    if strict:
        raise UnsupportedFeatureError(
            f"Parameters OVH AI Endpoints may ignore or reject: {', '.join(names)} ({reasons}). "
            "Remove them, or turn strict mode off to have them dropped with a warning.",
            param=names[0],
        )
    warnings.warn(
        f"Dropped parameters OVH AI Endpoints may ignore or reject: {', '.join(names)} "
        f"({reasons}).",
        OVHCompatibilityWarning,
        stacklevel=4,
    )
