"""The ``/v1/chat/completions`` route, for models that ``/v1/responses`` does not serve.

A ``/v1/responses`` body becomes a chat-completions body (:func:`to_chat_request`); a
``ChatCompletion`` becomes the same :class:`~ovh_responses.types.Result` a ``Response`` gives
(:func:`result_from_completion`), and a stream of ``ChatCompletionChunk`` the same deltas ending
in :class:`~ovh_responses.types.Done` (:class:`ChatStreamReducer`, :func:`iter_chat_deltas`), so
the frameworks see no difference between the routes. ``store`` is never sent on this route.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, cast

from ovh_responses.errors import (
    StreamError,
    StreamInterruptedError,
    UnsupportedContentError,
    UnsupportedFeatureError,
    translate,
)
from ovh_responses.parse import parse_arguments
from ovh_responses.types import (
    Delta,
    Done,
    FunctionCall,
    Reasoning,
    ReasoningDelta,
    RefusalDelta,
    Result,
    TextDelta,
    ToolCallArgsDelta,
    ToolCallStart,
    Usage,
)

if TYPE_CHECKING:
    from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator

    from openai.types import CompletionUsage
    from openai.types.chat import (
        ChatCompletion,
        ChatCompletionAssistantMessageParam,
        ChatCompletionChunk,
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
    from openai.types.responses import ResponseOutputItem
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


def to_chat_request(body: ResponseCreateParams) -> CompletionCreateParams:
    """The chat-completions body asking what ``body`` asks. Streaming requests ask for usage
    in the last chunk. Parameters with no chat-completions meaning are left out."""
    data = cast("Mapping[str, Any]", body)
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
    if data.get("stream"):
        out["stream"] = True
        out["stream_options"] = {"include_usage": True}
    return cast("CompletionCreateParams", out)


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


# ----- answer ---------------------------------------------------------------------------------


@dataclass
class _Call:
    call_id: str
    name: str
    arguments: str = ""
    output_index: int = 0
    started: bool = False


@dataclass
class _Answer:
    """What one chat answer said, from a ``ChatCompletion`` or from its chunks."""

    id: str = ""
    model: str = ""
    text: str = ""
    refusal: str = ""
    reasoning: str = ""
    calls: dict[int, _Call] = field(default_factory=dict)
    finish_reason: str | None = None
    usage: CompletionUsage | None = None

    def result(self) -> Result:
        status, reason = _status(self.finish_reason)
        calls = [self._function_call(c) for _, c in sorted(self.calls.items())]
        reasoning = [Reasoning(self.reasoning, "", f"rs_{self.id}")] if self.reasoning else []
        return Result(
            id=self.id,
            model=self.model,
            status=status,
            text=self.text,
            reasoning=reasoning,
            function_calls=calls,
            refusal=self.refusal or None,
            usage=_usage(self.usage),
            incomplete_reason=reason,
            output=self._output(status, calls),
        )

    @staticmethod
    def _function_call(call: _Call) -> FunctionCall:
        parsed, error = parse_arguments(call.arguments)
        return FunctionCall(
            call.call_id, call.name, call.arguments, parsed, error, item_id=f"fc_{call.call_id}"
        )

    def _output(self, status: str, calls: list[FunctionCall]) -> list[ResponseOutputItem]:
        """The answer as Responses output items, so that it replays like one from
        ``/v1/responses``."""
        from openai.types.responses import (
            ResponseFunctionToolCall,
            ResponseOutputMessage,
            ResponseOutputRefusal,
            ResponseOutputText,
            ResponseReasoningItem,
        )
        from openai.types.responses.response_reasoning_item import Content

        done: Literal["completed", "incomplete"] = (
            "incomplete" if status == "incomplete" else "completed"
        )
        output: list[ResponseOutputItem] = []
        if self.reasoning:
            content = [Content(type="reasoning_text", text=self.reasoning)]
            output.append(
                ResponseReasoningItem(
                    type="reasoning", id=f"rs_{self.id}", summary=[], content=content
                )
            )
        parts: list[ResponseOutputText | ResponseOutputRefusal] = []
        if self.text:
            parts.append(ResponseOutputText(type="output_text", text=self.text, annotations=[]))
        if self.refusal:
            parts.append(ResponseOutputRefusal(type="refusal", refusal=self.refusal))
        if parts:
            output.append(
                ResponseOutputMessage(
                    type="message",
                    id=f"msg_{self.id}",
                    role="assistant",
                    status=done,
                    content=parts,
                )
            )
        output.extend(
            ResponseFunctionToolCall(
                type="function_call",
                id=c.item_id,
                call_id=c.call_id,
                name=c.name,
                arguments=c.arguments,
                status=done,
            )
            for c in calls
        )
        return output


def _status(finish_reason: str | None) -> tuple[str, str | None]:
    if finish_reason == "length":
        return "incomplete", "max_output_tokens"
    if finish_reason == "content_filter":
        return "incomplete", "content_filter"
    return "completed", None


def _usage(usage: CompletionUsage | None) -> Usage | None:
    if usage is None:
        return None
    prompt = usage.prompt_tokens_details
    completion = usage.completion_tokens_details
    return Usage(
        input_tokens=usage.prompt_tokens,
        output_tokens=usage.completion_tokens,
        total_tokens=usage.total_tokens or usage.prompt_tokens + usage.completion_tokens,
        cached_tokens=(prompt.cached_tokens or 0) if prompt is not None else 0,
        reasoning_tokens=(completion.reasoning_tokens or 0) if completion is not None else 0,
    )


def _reasoning_of(extra: Mapping[str, object] | None) -> str:
    """vLLM's reasoning text: ``reasoning_content`` (older) or ``reasoning`` (newer)."""
    for key in ("reasoning_content", "reasoning"):
        value = (extra or {}).get(key)
        if isinstance(value, str) and value:
            return value
    return ""


def result_from_completion(completion: ChatCompletion) -> Result:
    """A finished chat completion as a :class:`Result` (the first choice)."""
    answer = _Answer(id=completion.id, model=completion.model, usage=completion.usage)
    if completion.choices:
        choice = completion.choices[0]
        message = choice.message
        answer.text = message.content or ""
        answer.refusal = message.refusal or ""
        answer.reasoning = _reasoning_of(message.model_extra)
        answer.finish_reason = choice.finish_reason
        for n, call in enumerate(message.tool_calls or []):
            if call.type == "function":
                answer.calls[n] = _Call(call.id, call.function.name, call.function.arguments)
    return answer.result()


@dataclass
class ChatStreamReducer:
    """Feed it every chunk with :meth:`feed`; :meth:`finish` gives the result once the stream
    has ended (the usage chunk comes after the one with ``finish_reason``)."""

    answer: _Answer = field(default_factory=_Answer)
    _indices: dict[str, int] = field(default_factory=dict)

    def feed(self, chunk: ChatCompletionChunk) -> list[Delta]:
        answer = self.answer
        answer.id = answer.id or chunk.id
        answer.model = answer.model or chunk.model
        if chunk.usage is not None:
            answer.usage = chunk.usage
        deltas: list[Delta] = []
        for choice in chunk.choices:
            if choice.index != 0:
                continue
            delta = choice.delta
            deltas += self._pieces(
                _reasoning_of(delta.model_extra), delta.content or "", delta.refusal or ""
            )
            for call in delta.tool_calls or []:
                deltas += self._tool_call(
                    call.index,
                    call.id,
                    call.function.name if call.function else None,
                    call.function.arguments if call.function else None,
                )
            answer.finish_reason = choice.finish_reason or answer.finish_reason
        return deltas

    def finish(self) -> Result:
        """The result; raises :class:`StreamInterruptedError` if no chunk ended the answer."""
        if self.answer.finish_reason is None:
            text = self.answer.text
            raise StreamInterruptedError(
                "The stream ended before the answer was finished "
                f"({len(text)} characters of text received, kept in `partial_text`). "
                "Retry the request.",
                partial_text=text,
            )
        return self.answer.result()

    def _index(self, key: str) -> int:
        return self._indices.setdefault(key, len(self._indices))

    def _pieces(self, reasoning: str, text: str, refusal: str) -> list[Delta]:
        deltas: list[Delta] = []
        if reasoning:
            self.answer.reasoning += reasoning
            index = self._index("reasoning")
            deltas.append(ReasoningDelta(reasoning, index, "text", f"rs_{self.answer.id}"))
        if text:
            self.answer.text += text
            deltas.append(TextDelta(text, self._index("message"), f"msg_{self.answer.id}"))
        if refusal:
            self.answer.refusal += refusal
            deltas.append(RefusalDelta(refusal, self._index("message")))
        return deltas

    def _tool_call(
        self, n: int, call_id: str | None, name: str | None, arguments: str | None
    ) -> list[Delta]:
        call = self.answer.calls.setdefault(n, _Call(call_id="", name=""))
        call.call_id = call.call_id or call_id or ""
        call.name += name or ""
        call.arguments += arguments or ""
        if not call.started:
            if not (call.call_id and call.name):
                return []
            call.started = True
            call.output_index = self._index(f"call {n}")
            start = ToolCallStart(call.output_index, call.call_id, call.name, f"fc_{call.call_id}")
            pending = [ToolCallArgsDelta(call.output_index, call.arguments)]
            return [start, *(pending if call.arguments else [])]
        return [ToolCallArgsDelta(call.output_index, arguments)] if arguments else []


def iter_chat_deltas(chunks: Iterable[ChatCompletionChunk]) -> Iterator[Delta]:
    """Deltas of a chat-completions stream, ending with :class:`Done`; a failure after the
    stream began raises :class:`StreamError` (:class:`StreamInterruptedError` if cut)."""
    reducer = ChatStreamReducer()
    try:
        with translate(streaming=True):
            for chunk in chunks:
                yield from reducer.feed(chunk)
    except StreamError as e:
        e.partial_text = e.partial_text or reducer.answer.text
        raise
    yield Done(reducer.finish())


async def aiter_chat_deltas(chunks: AsyncIterable[ChatCompletionChunk]) -> AsyncIterator[Delta]:
    """The async twin of :func:`iter_chat_deltas`: only the loop differs."""
    reducer = ChatStreamReducer()
    try:
        with translate(streaming=True):
            async for chunk in chunks:
                for delta in reducer.feed(chunk):
                    yield delta
    except StreamError as e:
        e.partial_text = e.partial_text or reducer.answer.text
        raise
    yield Done(reducer.finish())
