"""LangChain messages -> ``/v1/responses`` input items.

One small function per message type and per content block type; every item is built by the
core's constructors (``ovh_responses.wire.items``). A block that cannot be sent raises
:class:`~ovh_responses.errors.UnsupportedContentError` naming it, before anything is sent.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from langchain_core.messages import (
    AIMessage,
    BaseMessage,
    ChatMessage,
    HumanMessage,
    SystemMessage,
    ToolMessage,
)

from ovh_responses.errors import UnsupportedContentError, UnsupportedFeatureError
from ovh_responses.wire import items

if TYPE_CHECKING:
    from openai.types.responses import ImageDetail, ResponseInputItemParam
    from openai.types.responses.response_input_message_content_list_param import (
        ResponseInputContentParam,
    )

__all__ = ["ai_items", "message_items", "messages_to_input", "user_parts"]

Block = Mapping[str, Any]

_INPUT_ROLES: dict[str, items.Role] = {
    "user": "user",
    "human": "user",
    "system": "system",
    "developer": "developer",
}
_AI_SKIPPED = {
    # The tool calls are sent from ``AIMessage.tool_calls``; these blocks repeat them.
    "tool_call",
    "tool_call_chunk",
    "invalid_tool_call",
    "tool_use",
    "function_call",
    # Another provider's signed reasoning cannot be replayed to this one.
    "thinking",
    "redacted_thinking",
}


def messages_to_input(messages: Sequence[BaseMessage]) -> list[ResponseInputItemParam]:
    """The ``input`` list for a conversation."""
    return [item for message in messages for item in message_items(message)]


def message_items(message: BaseMessage) -> list[ResponseInputItemParam]:
    """The input items of one message."""
    if isinstance(message, AIMessage):
        return ai_items(message)
    if isinstance(message, ToolMessage):
        return [_tool_item(message)]
    role = _input_role(message)
    return [items.message_item(role, _input_content(message.content))]


def _input_role(message: BaseMessage) -> items.Role:
    if isinstance(message, HumanMessage):
        return "user"
    if isinstance(message, SystemMessage):
        developer = message.additional_kwargs.get("__openai_role__") == "developer"
        return "developer" if developer else "system"
    if isinstance(message, ChatMessage) and message.role in _INPUT_ROLES:
        return _INPUT_ROLES[message.role]
    if isinstance(message, ChatMessage) and message.role in ("assistant", "ai"):
        return "assistant"
    kind = message.role if isinstance(message, ChatMessage) else message.type
    raise UnsupportedContentError(
        f"A message of type {kind!r} cannot be sent to /v1/responses. Use SystemMessage, "
        "HumanMessage, AIMessage, ToolMessage or ChatMessage with role 'developer'.",
        param="input",
    )


# ----- user, system and developer content ---------------------------------------------------


def _input_content(
    content: str | list[str | dict[str, Any]],
) -> str | list[ResponseInputContentParam]:
    if isinstance(content, str):
        return content
    return user_parts(content)


def user_parts(content: Sequence[str | Block]) -> list[ResponseInputContentParam]:
    """Text and image parts of a user (or system) message."""
    parts: list[ResponseInputContentParam] = []
    for block in content:
        if isinstance(block, str):
            parts.append(items.input_text(block))
        else:
            parts.append(_input_part(block))
    return parts


def _input_part(block: Block) -> ResponseInputContentParam:
    kind = block.get("type")
    converter = _PART_CONVERTERS.get(kind) if isinstance(kind, str) else None
    if converter is None:
        raise UnsupportedContentError(
            f"A content block of type {kind!r} cannot be sent to /v1/responses, which takes "
            "text and (on vision models) images as base64 data. Convert it to a 'text' or "
            "'image' block, or leave it out.",
            param="content",
        )
    return converter(block)


def _text_part(block: Block) -> ResponseInputContentParam:
    return items.input_text(str(block.get("text", "")))


def _image_url_part(block: Block) -> ResponseInputContentParam:
    """OpenAI chat-completions form: ``{"type": "image_url", "image_url": {"url", "detail"}}``."""
    value = block.get("image_url")
    url = value.get("url") if isinstance(value, Mapping) else value
    detail = value.get("detail") if isinstance(value, Mapping) else None
    return items.input_image(str(url or ""), _detail(detail))


def _input_image_part(block: Block) -> ResponseInputContentParam:
    """Responses form, passed through the core's checks."""
    if block.get("file_id"):
        raise _file_id_error()
    return items.input_image(str(block.get("image_url") or ""), _detail(block.get("detail")))


def _image_part(block: Block) -> ResponseInputContentParam:
    """LangChain's standard image block (``base64``/``url``/``file_id``), its older form with
    ``source_type``, and Anthropic's form with a ``source`` object."""
    source = block.get("source")
    if isinstance(source, Mapping):
        return _anthropic_image(source)
    detail = _detail((block.get("extras") or {}).get("detail"))
    data = block.get("base64") or (
        block.get("data") if block.get("source_type") == "base64" else None
    )
    if data:
        mime_type = block.get("mime_type") or "image/png"
        return items.input_image(_data_url(str(data), str(mime_type)), detail)
    if block.get("file_id") or block.get("source_type") == "id":
        raise _file_id_error()
    return items.input_image(str(block.get("url") or ""), detail)


def _detail(value: object) -> ImageDetail:
    if value is None:
        return "auto"
    if value == "low" or value == "high" or value == "auto" or value == "original":
        return value
    raise UnsupportedContentError(
        f"Image detail {value!r} is not one of 'low', 'high', 'auto' or 'original'.",
        param="content",
    )


def _anthropic_image(source: Mapping[str, Any]) -> ResponseInputContentParam:
    if source.get("type") == "base64":
        mime_type = str(source.get("media_type") or "image/png")
        return items.input_image(_data_url(str(source.get("data", "")), mime_type))
    return items.input_image(str(source.get("url") or ""))


def _data_url(data: str, mime_type: str) -> str:
    try:
        raw = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError) as e:
        raise UnsupportedContentError(
            "An image block's base64 data is not valid base64; pass the image bytes encoded "
            "with base64.b64encode(...).decode().",
            param="content",
        ) from e
    return items.image_data_url(raw, mime_type)


def _file_id_error() -> UnsupportedFeatureError:
    return UnsupportedFeatureError(
        "Images referenced by file id cannot be sent: OVH AI Endpoints has no files API. "
        "Send the image as base64 data instead.",
        param="content",
    )


_PART_CONVERTERS: dict[str, Callable[[Block], ResponseInputContentParam]] = {
    "text": _text_part,
    "input_text": _text_part,
    "image_url": _image_url_part,
    "input_image": _input_image_part,
    "image": _image_part,
}


# ----- assistant turns ---------------------------------------------------------------------


def ai_items(message: AIMessage) -> list[ResponseInputItemParam]:
    """Reasoning, text and function calls of an assistant turn, in the order they happened.

    Reasoning is replayed only when it carries the server's item id (``output_version="v1"``
    keeps it) and something follows it in the same turn; otherwise it is left out, which the
    server accepts.
    """
    result: list[ResponseInputItemParam] = []
    sent_calls: set[str] = set()
    pending_text: list[str] = []

    def flush_text() -> None:
        if pending_text:
            result.append(items.message_item("assistant", "".join(pending_text)))
            pending_text.clear()

    calls = _calls_by_id(message)
    for block in _ai_blocks(message.content):
        kind = block.get("type")
        if kind in ("text", "output_text"):
            pending_text.append(str(block.get("text", "")))
        elif kind == "refusal":
            pending_text.append(str(block.get("refusal", "")))
        elif kind == "reasoning":
            flush_text()
            result.extend(_reasoning_items(block))
        elif kind == "tool_call" and block.get("id") in calls:
            flush_text()
            call_id = str(block["id"])
            name, arguments = calls[call_id]
            result.append(items.function_call_item(call_id, name, arguments, _item_id(block)))
            sent_calls.add(call_id)
        elif kind not in _AI_SKIPPED:
            raise _ai_block_error(kind)
    flush_text()
    result.extend(
        items.function_call_item(call_id, name, arguments)
        for call_id, (name, arguments) in calls.items()
        if call_id not in sent_calls
    )
    return _without_trailing_reasoning(result)


def _ai_blocks(content: str | list[str | dict[str, Any]]) -> Iterator[Block]:
    if isinstance(content, str):
        if content:
            yield {"type": "text", "text": content}
        return
    for block in content:
        yield {"type": "text", "text": block} if isinstance(block, str) else block


def _calls_by_id(message: AIMessage) -> dict[str, tuple[str, str]]:
    """Every tool call of the message (valid or not): call id -> (name, JSON arguments)."""
    calls: dict[str, tuple[str, str]] = {}
    for call in message.tool_calls:
        arguments = json.dumps(call["args"], ensure_ascii=False)
        calls[_call_id(call.get("id"), call["name"])] = (call["name"], arguments)
    for bad in message.invalid_tool_calls:
        name = bad.get("name") or ""
        calls[_call_id(bad.get("id"), name)] = (name, bad.get("args") or "")
    return calls


def _call_id(call_id: str | None, name: str) -> str:
    if not call_id:
        raise UnsupportedContentError(
            f"The tool call to {name!r} has no id, so its result cannot be matched to it. "
            "Give every tool call in the history an id.",
            param="input",
        )
    return call_id


def _item_id(block: Block) -> str | None:
    extras = block.get("extras")
    item_id = extras.get("item_id") if isinstance(extras, Mapping) else None
    return str(item_id) if item_id else None


def _reasoning_items(block: Block) -> list[ResponseInputItemParam]:
    item_id = block.get("id")
    text = block.get("reasoning")
    if not item_id or not isinstance(text, str) or str(item_id).startswith("lc_"):
        return []  # no id from the server: LangChain's own ids start with "lc_"
    return [items.reasoning_item(str(item_id), text)]


def _without_trailing_reasoning(
    result: list[ResponseInputItemParam],
) -> list[ResponseInputItemParam]:
    """Reasoning must be followed by the item it led to; a trailing one is left out."""
    while result and result[-1].get("type") == "reasoning":
        result.pop()
    return result


def _ai_block_error(kind: object) -> UnsupportedContentError:
    return UnsupportedContentError(
        f"An assistant message block of type {kind!r} cannot be sent back to /v1/responses, "
        "which takes the assistant's text, reasoning and tool calls. Remove the block from the "
        "history.",
        param="input",
    )


# ----- tool results ------------------------------------------------------------------------


def _tool_item(message: ToolMessage) -> ResponseInputItemParam:
    return items.function_call_output_item(
        message.tool_call_id, _tool_text(message.content), is_error=message.status == "error"
    )


def _tool_text(content: str | list[str | dict[str, Any]]) -> str:
    if isinstance(content, str):
        return content
    texts: list[str] = []
    for block in content:
        if isinstance(block, str):
            texts.append(block)
        elif block.get("type") in ("text", "input_text"):
            texts.append(str(block.get("text", "")))
        else:
            raise UnsupportedContentError(
                f"A tool result block of type {block.get('type')!r} cannot be sent: a "
                "function_call_output on OVH AI Endpoints is text. Return text (or JSON text) "
                "from the tool.",
                param="input",
            )
    return "".join(texts)
