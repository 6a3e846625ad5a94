"""LlamaIndex ``ChatMessage`` s -> Responses input items.

Pure functions, one per role and per block type, each returning the openai SDK's own
TypedDicts through the core's item constructors (``ovh_responses.wire.items``). A block that cannot
be sent raises :class:`~ovh_responses.errors.UnsupportedContentError` naming it, before
anything is sent.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Literal

from llama_index.core.base.llms.types import (
    ChatMessage,
    ContentBlock,
    ImageBlock,
    MessageRole,
    TextBlock,
    ThinkingBlock,
    ToolCallBlock,
)

from ovh_responses.errors import UnsupportedContentError
from ovh_responses.wire import items

if TYPE_CHECKING:
    from collections.abc import Sequence

    from openai.types.responses import (
        ResponseInputContentParam,
        ResponseInputImageParam,
        ResponseInputItemParam,
    )

SystemRole = Literal["system", "developer"]

_ASSISTANT_ROLES = (MessageRole.ASSISTANT, MessageRole.CHATBOT, MessageRole.MODEL)
_TOOL_ROLES = (MessageRole.TOOL, MessageRole.FUNCTION)


def to_input_items(
    messages: Sequence[ChatMessage], system_role: SystemRole = "system"
) -> list[ResponseInputItemParam]:
    """The whole conversation as Responses input items, in order."""
    out: list[ResponseInputItemParam] = []
    for index, message in enumerate(messages):
        out.extend(message_to_items(message, index, system_role))
    return out


def message_to_items(
    message: ChatMessage, index: int = 0, system_role: SystemRole = "system"
) -> list[ResponseInputItemParam]:
    """One message as input items (an assistant turn with tool calls gives several)."""
    role = message.role
    if role in (MessageRole.SYSTEM, MessageRole.DEVELOPER):
        return [items.message_item(system_role, _text_only(message, index))]
    if role == MessageRole.USER:
        return [items.message_item("user", _user_content(message, index))]
    if role in _ASSISTANT_ROLES:
        return _assistant_items(message, index)
    if role in _TOOL_ROLES:
        return [_tool_output_item(message, index)]
    raise UnsupportedContentError(
        f"message {index} has role {role.value!r}, which has no Responses equivalent; "
        "use system, developer, user, assistant or tool."
    )


# ----- per role -----------------------------------------------------------------------------


def _text_only(message: ChatMessage, index: int) -> str:
    texts: list[str] = []
    for block in message.blocks:
        if not isinstance(block, TextBlock):
            raise _unsupported(block, message, index, "only text is allowed here")
        texts.append(block.text)
    return "\n".join(texts)


def _user_content(message: ChatMessage, index: int) -> list[ResponseInputContentParam]:
    return [_user_part(block, message, index) for block in message.blocks]


def _user_part(block: ContentBlock, message: ChatMessage, index: int) -> ResponseInputContentParam:
    if isinstance(block, TextBlock):
        return items.input_text(block.text)
    if isinstance(block, ImageBlock):
        return image_part(block)
    raise _unsupported(block, message, index, "send text and images only")


def _assistant_items(message: ChatMessage, index: int) -> list[ResponseInputItemParam]:
    reasoning: list[ResponseInputItemParam] = []
    texts: list[str] = []
    calls: list[ResponseInputItemParam] = []
    for block in message.blocks:
        if isinstance(block, TextBlock):
            texts.append(block.text)
        elif isinstance(block, ToolCallBlock):
            calls.append(tool_call_item(block, index))
        elif isinstance(block, ThinkingBlock):
            reasoning.extend(thinking_items(block))
        else:
            raise _unsupported(block, message, index, "an assistant turn holds text and tool calls")
    text = "".join(texts)
    head = [items.message_item("assistant", text)] if text else []
    return [*reasoning, *head, *calls]


def _tool_output_item(message: ChatMessage, index: int) -> ResponseInputItemParam:
    call_id = message.additional_kwargs.get("tool_call_id")
    if not isinstance(call_id, str) or not call_id:
        raise UnsupportedContentError(
            f"message {index} (role {message.role.value!r}) has no tool_call_id; set "
            "additional_kwargs={'tool_call_id': <the id of the ToolCallBlock it answers>}."
        )
    return items.function_call_output_item(call_id, _text_only(message, index))


# ----- per block ------------------------------------------------------------------------------


def tool_call_item(block: ToolCallBlock, index: int = 0) -> ResponseInputItemParam:
    """A ``ToolCallBlock`` as a ``function_call`` item with JSON-text arguments."""
    if not block.tool_call_id:
        raise UnsupportedContentError(
            f"the tool call to {block.tool_name!r} in message {index} has no tool_call_id; "
            "the result of a call is matched to it by id, so set ToolCallBlock.tool_call_id."
        )
    kwargs = block.tool_kwargs
    arguments = kwargs if isinstance(kwargs, str) else json.dumps(kwargs, ensure_ascii=False)
    return items.function_call_item(block.tool_call_id, block.tool_name, arguments)


def thinking_items(block: ThinkingBlock) -> list[ResponseInputItemParam]:
    """A ``ThinkingBlock`` this route produced (it carries the reasoning item's id) is replayed
    as that ``reasoning`` item; reasoning from elsewhere has no id to give and is left out."""
    item_id = block.additional_information.get("id")
    if not isinstance(item_id, str) or not item_id or not block.content:
        return []
    return [items.reasoning_item(item_id, block.content)]


def image_part(block: ImageBlock) -> ResponseInputImageParam:
    """An ``ImageBlock`` as ``input_image`` with a base64 ``data:`` URL.

    Bytes and files are inlined; a ``data:`` URL is passed as is; a remote URL goes to the
    core, which refuses it (the platform does not fetch images).
    """
    detail = _detail(block.detail)
    if block.image is None and block.path is None:
        if block.url is None:
            raise UnsupportedContentError("an ImageBlock has no image, path or url; set one.")
        return items.input_image(str(block.url), detail)
    data = block.resolve_image(as_base64=False).read()
    mime = block.image_mimetype
    if not mime:
        raise UnsupportedContentError(
            "the type of an image could not be told from its bytes; set "
            "ImageBlock(image_mimetype='image/png') (or the right type)."
        )
    return items.input_image(items.image_data_url(data, mime), detail)


def _detail(detail: str | None) -> Literal["low", "high", "auto"]:
    if detail == "low":
        return "low"
    if detail == "high":
        return "high"
    return "auto"


def _unsupported(
    block: ContentBlock, message: ChatMessage, index: int, hint: str
) -> UnsupportedContentError:
    kind = type(block).__name__
    return UnsupportedContentError(
        f"message {index} (role {message.role.value!r}) contains a {kind}, which cannot be "
        f"sent to AI Endpoints in this position; {hint}."
    )
