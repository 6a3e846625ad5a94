"""Input items for ``/v1/responses``, as the openai SDK's own TypedDicts.

Both adapters build their ``input`` lists from these constructors, and
:func:`output_to_input_items` turns a previous answer's output items back into input items (the
route keeps no state, so the whole history is sent every time).

Assistant turns are sent as ``{"type": "message", "role": "assistant", "content": "<text>"}``.
That form is accepted everywhere: OpenAI takes it, and vLLM (the stack behind AI Endpoints) reads
it as the assistant's text. The output-message form with ``output_text`` parts is only valid with
an ``id`` and a ``status`` (vLLM rejects it without them, and even then reads only its first part),
and an assistant turn written by the application has no id to give.
"""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Literal

from ovh_responses.errors import UnsupportedContentError, UnsupportedFeatureError

if TYPE_CHECKING:
    from collections.abc import Sequence

    from openai.types.responses import (
        EasyInputMessageParam,
        ImageDetail,
        ResponseFunctionToolCall,
        ResponseFunctionToolCallParam,
        ResponseInputImageParam,
        ResponseInputItemParam,
        ResponseInputTextParam,
        ResponseOutputItem,
        ResponseOutputMessage,
        ResponseReasoningItem,
        ResponseReasoningItemParam,
    )
    from openai.types.responses.response_input_item_param import FunctionCallOutput
    from openai.types.responses.response_input_message_content_list_param import (
        ResponseInputContentParam,
    )

__all__ = [
    "Role",
    "function_call_item",
    "function_call_output_item",
    "image_data_url",
    "input_image",
    "input_text",
    "message_item",
    "output_to_input_items",
    "reasoning_item",
]

Role = Literal["user", "system", "developer", "assistant"]


def input_text(text: str) -> ResponseInputTextParam:
    return {"type": "input_text", "text": text}


def input_image(url: str, detail: ImageDetail = "auto") -> ResponseInputImageParam:
    """An image part. AI Endpoints does not fetch remote images: only ``data:`` URLs are sent."""
    if not url.startswith("data:"):
        shown = url if len(url) <= 80 else url[:77] + "..."
        raise UnsupportedFeatureError(
            f"OVH AI Endpoints does not fetch remote images ({shown!r}). Send the image as a "
            "base64 data URL instead, e.g. input_image(image_data_url(data, 'image/png')).",
            param="input_image",
        )
    return {"type": "input_image", "image_url": url, "detail": detail}


def image_data_url(data: bytes, mime_type: str) -> str:
    """``data:<mime_type>;base64,...`` for raw image bytes."""
    if not mime_type.startswith("image/"):
        raise UnsupportedContentError(
            f"{mime_type!r} is not an image type; pass the image's type, e.g. 'image/png'.",
            param="mime_type",
        )
    return f"data:{mime_type};base64,{base64.b64encode(data).decode('ascii')}"


def message_item(
    role: Role, content: str | Sequence[ResponseInputContentParam]
) -> EasyInputMessageParam:
    """A message. Assistant content is sent as plain text (see the module docstring)."""
    if role == "assistant" and not isinstance(content, str):
        content = _assistant_text(content)
    if isinstance(content, str):
        return {"type": "message", "role": role, "content": content}
    return {"type": "message", "role": role, "content": list(content)}


def function_call_item(
    call_id: str, name: str, arguments: str, item_id: str | None = None
) -> ResponseFunctionToolCallParam:
    """A function call the model made earlier, replayed as history."""
    item: ResponseFunctionToolCallParam = {
        "type": "function_call",
        "call_id": call_id,
        "name": name,
        "arguments": arguments,
    }
    if item_id:
        item["id"] = item_id
    return item


def function_call_output_item(
    call_id: str, output: str, is_error: bool = False
) -> FunctionCallOutput:
    """The application's result for the function call ``call_id``. A failed call
    (``is_error``) says so at the start of its text, since the item has no error flag the model
    would see."""
    if is_error and not output.lower().startswith("error"):
        output = f"Error: {output}"
    return {"type": "function_call_output", "call_id": call_id, "output": output}


def reasoning_item(
    item_id: str, text: str, summary: str = "", encrypted_content: str | None = None
) -> ResponseReasoningItemParam:
    """Earlier reasoning, replayed as history; ``encrypted_content`` only when there is some."""
    return _reasoning_param(
        item_id, [text] if text else [], [summary] if summary else [], encrypted_content
    )


def output_to_input_items(items: Sequence[ResponseOutputItem]) -> list[ResponseInputItemParam]:
    """A previous answer's output items as input items for the next request."""
    converted: list[ResponseInputItemParam] = []
    for item in items:
        if item.type == "message":
            converted.append(_replay_message(item))
        elif item.type == "function_call":
            converted.append(_replay_function_call(item))
        elif item.type == "reasoning":
            converted.append(_replay_reasoning(item))
        else:
            raise UnsupportedContentError(
                f"An output item of type {item.type!r} cannot be sent back to OVH AI "
                "Endpoints, which only takes messages, function calls and reasoning; "
                "drop it from the history.",
                param="input",
            )
    return converted


def _assistant_text(parts: Sequence[ResponseInputContentParam]) -> str:
    texts: list[str] = []
    for part in parts:
        if part["type"] != "input_text":
            raise UnsupportedContentError(
                f"An assistant message can only hold text, not {part['type']!r}; "
                "send images and files in a user message.",
                param="content",
            )
        texts.append(part["text"])
    return "".join(texts)


def _replay_message(item: ResponseOutputMessage) -> EasyInputMessageParam:
    texts = [p.text if p.type == "output_text" else p.refusal for p in item.content]
    return message_item("assistant", "".join(texts))


def _replay_function_call(item: ResponseFunctionToolCall) -> ResponseFunctionToolCallParam:
    return function_call_item(item.call_id, item.name, item.arguments, item.id)


def _replay_reasoning(item: ResponseReasoningItem) -> ResponseReasoningItemParam:
    return _reasoning_param(
        item.id,
        [c.text for c in item.content or []],
        [s.text for s in item.summary or []],
        item.encrypted_content,
    )


def _reasoning_param(
    item_id: str, texts: list[str], summaries: list[str], encrypted_content: str | None
) -> ResponseReasoningItemParam:
    item: ResponseReasoningItemParam = {
        "type": "reasoning",
        "id": item_id,
        "summary": [{"type": "summary_text", "text": s} for s in summaries],
    }
    if texts:
        item["content"] = [{"type": "reasoning_text", "text": t} for t in texts]
    if encrypted_content:
        item["encrypted_content"] = encrypted_content
    return item
