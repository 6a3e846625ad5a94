"""A ``/v1/chat/completions`` answer as what ``/v1/responses`` gives.

A ``ChatCompletion`` becomes the same :class:`~ovh_responses.types.Result` a ``Response`` gives
(:func:`result_from_completion`), and a stream of ``ChatCompletionChunk`` the same deltas ending
in :class:`~ovh_responses.types.Done` (:class:`ChatStreamReducer`, :func:`iter_chat_deltas`), so
the frameworks see no difference between the routes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from ovh_responses.errors import StreamError, StreamInterruptedError, translate
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
from ovh_responses.wire.answer import parse_arguments

if TYPE_CHECKING:
    from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator, Mapping

    from openai.types import CompletionUsage
    from openai.types.chat import ChatCompletion, ChatCompletionChunk
    from openai.types.responses import ResponseOutputItem
    from pydantic import SecretStr

__all__ = [
    "ChatStreamReducer",
    "aiter_chat_deltas",
    "iter_chat_deltas",
    "result_from_completion",
]


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


def iter_chat_deltas(
    chunks: Iterable[ChatCompletionChunk], *, secret: SecretStr | None = None
) -> Iterator[Delta]:
    """Deltas of a chat-completions stream, ending with :class:`Done`; a failure after the
    stream began raises :class:`StreamError` (:class:`StreamInterruptedError` if cut), with
    ``secret`` (the key in use) masked out of it."""
    reducer = ChatStreamReducer()
    try:
        with translate(streaming=True, secret=secret):
            for chunk in chunks:
                yield from reducer.feed(chunk)
    except StreamError as e:
        e.partial_text = e.partial_text or reducer.answer.text
        raise
    yield Done(reducer.finish())


async def aiter_chat_deltas(
    chunks: AsyncIterable[ChatCompletionChunk], *, secret: SecretStr | None = None
) -> AsyncIterator[Delta]:
    """The async twin of :func:`iter_chat_deltas`: only the loop differs."""
    reducer = ChatStreamReducer()
    try:
        with translate(streaming=True, secret=secret):
            async for chunk in chunks:
                for delta in reducer.feed(chunk):
                    yield delta
    except StreamError as e:
        e.partial_text = e.partial_text or reducer.answer.text
        raise
    yield Done(reducer.finish())
