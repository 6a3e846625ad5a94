"""The ``/v1/chat/completions`` route, for models that ``/v1/responses`` does not serve.

A ``/v1/responses`` body becomes a chat-completions body (:func:`to_chat_request`); the answer
side (a ``ChatCompletion`` or its chunks as a :class:`~ovh_responses.types.Result` and deltas)
is in :mod:`ovh_responses.chat.answer`, whose names are also importable from here. ``store`` is
never sent on this route.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, cast

from ovh_responses.chat.answer import (
    ChatStreamReducer,
    aiter_chat_deltas,
    iter_chat_deltas,
    result_from_completion,
)
from ovh_responses.errors import (
    OVHCompatibilityWarning,
    UnsupportedContentError,
    UnsupportedFeatureError,
)
from ovh_responses.memory import WARNED

if TYPE_CHECKING:
    from collections.abc import Iterable

    from openai.types.chat import (
        ChatCompletionAssistantMessageParam,
        ChatCompletionContentPartParam,
        ChatCompletionFunctionToolParam,
        ChatCompletionMessageFunctionToolCallParam,
        ChatCompletionMessageParam,
        ChatCompletionMessageToolCallUnionParam,
        ChatCompletionToolChoiceOptionParam,
    )
    from openai.types.chat.completion_create_params import (
        CompletionCreateParams,
        ResponseFormat,
    )
    from openai.types.responses.response_create_params import ResponseCreateParams

__all__ = [
    "ChatStreamReducer",
    "aiter_chat_deltas",
    "iter_chat_deltas",
    "responses_param",
    "result_from_completion",
    "to_chat_messages",
    "to_chat_request",
]

Item = Mapping[str, Any]

# ----- request --------------------------------------------------------------------------------


_TRANSLATED = frozenset(
    {
        "model",
        "input",
        "instructions",
        "tools",
        "tool_choice",
        "parallel_tool_calls",
        "temperature",
        "top_p",
        "max_output_tokens",
        "text",
        "reasoning",
        "stream",
        "store",  # always false; never sent on this route
    }
)
"""Body keys :func:`to_chat_request` turns into their chat-completions form."""

PASSED_THROUGH = frozenset(
    {
        "seed",
        "frequency_penalty",
        "presence_penalty",
        "logprobs",
        "top_logprobs",
        "logit_bias",
        "user",
        "safety_identifier",
        "prompt_cache_key",
        "service_tier",
    }
)
"""Body keys chat completions understands the same way; sent as given."""


def to_chat_request(body: ResponseCreateParams, *, strict: bool = False) -> CompletionCreateParams:
    """The chat-completions body asking what ``body`` asks. Streaming requests ask for usage
    in the last chunk. A parameter with no chat-completions meaning is left out with one
    :class:`OVHCompatibilityWarning` naming it, or refused with
    :class:`UnsupportedFeatureError` when ``strict``."""
    data = cast("Mapping[str, Any]", body)
    _check_untranslatable(data, strict)
    out: dict[str, Any] = {
        "model": data["model"],
        "messages": to_chat_messages(data.get("input", []), data.get("instructions")),
    }
    if data.get("tools"):
        out["tools"] = [_chat_tool(t) for t in data["tools"]]
    if data.get("tool_choice") is not None:
        out["tool_choice"] = _chat_tool_choice(data["tool_choice"])
    for name in ("parallel_tool_calls", "temperature", "top_p"):
        if data.get(name) is not None:
            out[name] = data[name]
    if data.get("max_output_tokens") is not None:
        out["max_tokens"] = data["max_output_tokens"]
    fmt = (data.get("text") or {}).get("format")
    if fmt is not None and fmt.get("type") != "text":
        out["response_format"] = _response_format(fmt)
    effort = (data.get("reasoning") or {}).get("effort")
    if effort is not None:
        out["reasoning_effort"] = effort
    out.update({k: v for k, v in data.items() if k in PASSED_THROUGH and v is not None})
    if data.get("stream"):
        out["stream"] = True
        out["stream_options"] = {"include_usage": True}
    return cast("CompletionCreateParams", out)


def _check_untranslatable(data: Mapping[str, Any], strict: bool) -> None:
    """Warn once per parameter (or refuse, when ``strict``) about those this route lacks."""
    left_out = sorted(k for k in data if k not in _TRANSLATED and k not in PASSED_THROUGH)
    if not left_out:
        return
    names = ", ".join(repr(k) for k in left_out)
    if strict:
        raise UnsupportedFeatureError(
            f"/v1/chat/completions has no equivalent of {names}; remove "
            f"{'them' if len(left_out) > 1 else 'it'} from the request, or pass strict=False to "
            "send the request without.",
            param=left_out[0],
        )
    new = [k for k in left_out if WARNED.first(("chat_completions", k))]
    if new:
        warnings.warn(
            f"Left out of the request to /v1/chat/completions, which has no equivalent: "
            f"{', '.join(repr(k) for k in new)}.",
            OVHCompatibilityWarning,
            stacklevel=4,
        )


def to_chat_messages(
    input: str | Iterable[Item], instructions: str | None = None
) -> list[ChatCompletionMessageParam]:
    """Responses input items as chat messages. Consecutive assistant text and function calls
    become one assistant message; reasoning items are left out (chat input has no place for
    them)."""
    messages: list[ChatCompletionMessageParam] = []
    if instructions:
        messages.append({"role": "system", "content": instructions})
    if isinstance(input, str):
        messages.append({"role": "user", "content": input})
        return messages
    for item in input:
        _add_item(messages, item)
    return messages


def _add_item(messages: list[ChatCompletionMessageParam], item: Item) -> None:
    kind = item.get("type", "message")
    if kind == "message":
        messages.append(_message(item))
    elif kind == "function_call":
        _pending_calls(messages).append(_tool_call(item))
    elif kind == "function_call_output":
        output = item.get("output", "")
        content = output if isinstance(output, str) else _joined_text(output)
        messages.append({"role": "tool", "tool_call_id": item["call_id"], "content": content})
    elif kind != "reasoning":
        raise UnsupportedContentError(
            f"Input item of type {kind!r} cannot be sent to /v1/chat/completions; send "
            "messages, function_call and function_call_output items only.",
            param="input",
        )


def _pending_calls(
    messages: list[ChatCompletionMessageParam],
) -> list[ChatCompletionMessageToolCallUnionParam]:
    """The tool calls of the assistant message that a function call joins: the last message if
    it is an assistant's, else a new one."""
    last = messages[-1] if messages else None
    if last is None or last["role"] != "assistant":
        last = {"role": "assistant", "content": None}
        messages.append(last)
    calls = list(last.get("tool_calls") or [])
    last["tool_calls"] = calls
    return calls


def _tool_call(item: Item) -> ChatCompletionMessageFunctionToolCallParam:
    return {
        "id": item["call_id"],
        "type": "function",
        "function": {"name": item["name"], "arguments": item.get("arguments") or "{}"},
    }


def _message(item: Item) -> ChatCompletionMessageParam:
    role = item.get("role")
    content = item.get("content", "")
    if role in ("system", "developer"):
        return {"role": "system", "content": _joined_text(content)}
    if role == "assistant":
        message: ChatCompletionAssistantMessageParam = {
            "role": "assistant",
            "content": _joined_text(content),
        }
        refusal = _refusal(content)
        if refusal:
            message["refusal"] = refusal
        return message
    if role == "user":
        if isinstance(content, str):
            return {"role": "user", "content": content}
        return {"role": "user", "content": [_user_part(p) for p in content]}
    raise UnsupportedContentError(f"Message role {role!r} is not understood.", param="input")


def _joined_text(content: object) -> str:
    if isinstance(content, str):
        return content
    parts = content if isinstance(content, list | tuple) else []
    return "".join(str(p.get("text", "")) for p in parts if isinstance(p, Mapping) and "text" in p)


def _refusal(content: object) -> str:
    parts = content if isinstance(content, list | tuple) else []
    return "".join(
        str(p["refusal"]) for p in parts if isinstance(p, Mapping) and p.get("type") == "refusal"
    )


_DETAILS = ("auto", "low", "high")


def _user_part(part: Item) -> ChatCompletionContentPartParam:
    kind = part.get("type")
    if kind in ("input_text", "output_text", "text"):
        return {"type": "text", "text": str(part.get("text", ""))}
    if kind == "input_image" and part.get("image_url"):
        detail = part.get("detail")
        return {
            "type": "image_url",
            "image_url": {
                "url": str(part["image_url"]),
                "detail": detail if detail in _DETAILS else "auto",
            },
        }
    raise UnsupportedContentError(
        f"Content part {kind!r} cannot be sent to /v1/chat/completions; send text, or images "
        "as base64 data URLs.",
        param="input",
    )


def _chat_tool(tool: Item) -> ChatCompletionFunctionToolParam:
    if tool.get("type") != "function":
        raise UnsupportedFeatureError(
            f"Tool type {tool.get('type')!r} is not supported; only function tools are.",
            param="tools",
        )
    function: dict[str, Any] = {
        "name": tool["name"],
        "parameters": tool.get("parameters") or {"type": "object", "properties": {}},
    }
    for key in ("description", "strict"):
        if tool.get(key) is not None:
            function[key] = tool[key]
    return cast("ChatCompletionFunctionToolParam", {"type": "function", "function": function})


def _chat_tool_choice(choice: object) -> ChatCompletionToolChoiceOptionParam:
    if choice in ("auto", "none", "required"):
        return cast("ChatCompletionToolChoiceOptionParam", choice)
    if isinstance(choice, Mapping) and choice.get("type") == "function" and choice.get("name"):
        return {"type": "function", "function": {"name": str(choice["name"])}}
    raise UnsupportedFeatureError(
        f"tool_choice {choice!r} cannot be sent to /v1/chat/completions; use 'auto', 'none', "
        "'required' or {'type': 'function', 'name': ...}.",
        param="tool_choice",
    )


def _response_format(fmt: Item) -> ResponseFormat:
    if fmt.get("type") == "json_object":
        return {"type": "json_object"}
    if fmt.get("type") != "json_schema":
        raise UnsupportedFeatureError(
            f"text.format {fmt.get('type')!r} is not understood; use 'json_schema' or "
            "'json_object'.",
            param="text",
        )
    schema: dict[str, Any] = {"name": fmt.get("name") or "output", "schema": fmt.get("schema")}
    for key in ("strict", "description"):
        if fmt.get(key) is not None:
            schema[key] = fmt[key]
    return cast("ResponseFormat", {"type": "json_schema", "json_schema": schema})


_RESPONSES_NAMES = {
    "messages": "input",
    "max_tokens": "max_output_tokens",
    "max_completion_tokens": "max_output_tokens",
    "reasoning_effort": "reasoning",
    "response_format": "text",
}


def responses_param(param: str | None) -> str | None:
    """The ``/v1/responses`` name of a parameter a chat-completions error names, so that what
    the server refused can be learned against the body the caller built."""
    if not param:
        return param
    top = param.split(".", 1)[0].split("[", 1)[0]
    return _RESPONSES_NAMES.get(top, param)
