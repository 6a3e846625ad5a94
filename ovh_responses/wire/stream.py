"""Streamed ``/v1/responses`` events -> neutral deltas ending in :class:`Done`.

:class:`StreamReducer` has one method per event kind and keeps its state per output index. It
reads each event as plain JSON (no SDK object is built per event) and accepts OpenAI's
sequences (with or without ``sequence_number``) and vLLM's (extra fields, ``logprobs: []``,
truncation reported as ``response.completed`` with status ``incomplete``). The final result
always comes from :func:`~ovh_responses.wire.answer.parse_response_json` on the terminal response;
when that response arrives with an empty ``output``, the output items are rebuilt from what
the stream delivered first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from ovh_responses.errors import StreamError, StreamInterruptedError
from ovh_responses.types import (
    Delta,
    Done,
    ReasoningDelta,
    RefusalDelta,
    Result,
    TextDelta,
    ToolCallArgsDelta,
    ToolCallStart,
)
from ovh_responses.wire.answer import parse_response_json

if TYPE_CHECKING:
    from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterable, Iterator

Event = dict[str, Any]
"""One streamed event as the server sent it: plain JSON, shaped as the SDK's
``ResponseStreamEvent`` types describe (they are the spec; no SDK object is built per event)."""

__all__ = ["StreamReducer", "aiter_deltas", "iter_deltas"]

_Status = Literal["completed", "incomplete"]
_Key = tuple[str, int]
"""A piece of an item: ("text" | "refusal" | "reasoning", content_index), ("summary",
summary_index) or ("args", 0)."""


@dataclass
class _Item:
    """What the stream said so far about one output item."""

    kind: str
    item_id: str | None = None
    call_id: str = ""
    name: str = ""
    started: bool = False
    pieces: dict[_Key, str] = field(default_factory=dict)
    done: Event | None = None

    def grow(self, key: _Key, delta: str) -> str:
        self.pieces[key] = self.pieces.get(key, "") + delta
        return delta

    def settle(self, key: _Key, full: str) -> str:
        """Record the full value of a piece; return the part not delivered yet (often "")."""
        seen = self.pieces.get(key, "")
        self.pieces[key] = full
        return full[len(seen) :] if full.startswith(seen) else ""

    def texts(self, *kinds: str) -> list[str]:
        return [self.pieces[k] for k in sorted(self.pieces, key=lambda k: k[1]) if k[0] in kinds]


@dataclass
class StreamReducer:
    """Feed it every event (plain JSON) with :meth:`feed`; the last delta is :class:`Done`."""

    items: dict[int, _Item] = field(default_factory=dict)
    result: Result | None = None

    @property
    def finished(self) -> bool:
        return self.result is not None

    def feed(self, event: Event) -> list[Delta]:
        if self.result is not None:
            return []
        handler = _HANDLERS.get(event.get("type"))  # type: ignore[arg-type]
        if handler is None:
            return []
        return [d for d in handler(self, event) if not _is_empty(d)]

    def finish(self) -> Result:
        """The result, once the terminal event was seen; otherwise the stream was cut."""
        if self.result is None:
            text = self.partial_text()
            raise StreamInterruptedError(
                "The stream ended before its final event, so the answer is incomplete "
                f"({len(text)} characters of text received, kept in `partial_text`). "
                "Retry the request.",
                partial_text=text,
            )
        return self.result

    def partial_text(self) -> str:
        return "".join("".join(self.items[i].texts("text")) for i in sorted(self.items))

    # ----- items -------------------------------------------------------------------------------

    def _item(self, index: int, kind: str, item_id: str | None) -> _Item:
        item = self.items.get(index)
        if item is None:
            item = self.items[index] = _Item(kind=kind, item_id=item_id)
        elif not item.item_id:
            item.item_id = item_id
        return item

    def _piece(self, event: Event, kind: str) -> _Item:
        return self._item(event["output_index"], kind, event.get("item_id"))

    def _on_item_added(self, event: Event) -> list[Delta]:
        added = event["item"]
        index = event["output_index"]
        item = self._item(index, added["type"], added.get("id"))
        if added["type"] != "function_call":
            return []
        item.call_id, item.name, item.started = added["call_id"], added["name"], True
        return [ToolCallStart(index, added["call_id"], added["name"], added.get("id"))]

    def _on_item_done(self, event: Event) -> list[Delta]:
        """The finished item: anything its pieces hold that the stream has not said yet."""
        done = event["item"]
        index = event["output_index"]
        item = self._item(index, done["type"], done.get("id"))
        item.done = done
        catch_up = _CATCH_UP.get(done["type"])
        return catch_up(item, index, done) if catch_up is not None else []

    # ----- text, refusal, reasoning ------------------------------------------------------------

    def _on_text_delta(self, event: Event) -> list[Delta]:
        item = self._piece(event, "message")
        text = item.grow(("text", event["content_index"]), event["delta"])
        return [TextDelta(text, event["output_index"], event.get("item_id"))]

    def _on_text_done(self, event: Event) -> list[Delta]:
        item = self._piece(event, "message")
        text = item.settle(("text", event["content_index"]), event["text"])
        return [TextDelta(text, event["output_index"], event.get("item_id"))]

    def _on_refusal_delta(self, event: Event) -> list[Delta]:
        item = self._piece(event, "message")
        text = item.grow(("refusal", event["content_index"]), event["delta"])
        return [RefusalDelta(text, event["output_index"])]

    def _on_refusal_done(self, event: Event) -> list[Delta]:
        item = self._piece(event, "message")
        text = item.settle(("refusal", event["content_index"]), event["refusal"])
        return [RefusalDelta(text, event["output_index"])]

    def _on_reasoning_delta(self, event: Event) -> list[Delta]:
        item = self._piece(event, "reasoning")
        text = item.grow(("reasoning", event["content_index"]), event["delta"])
        return [ReasoningDelta(text, event["output_index"], "text", event.get("item_id"))]

    def _on_reasoning_done(self, event: Event) -> list[Delta]:
        item = self._piece(event, "reasoning")
        text = item.settle(("reasoning", event["content_index"]), event["text"])
        return [ReasoningDelta(text, event["output_index"], "text", event.get("item_id"))]

    def _on_summary_delta(self, event: Event) -> list[Delta]:
        item = self._piece(event, "reasoning")
        text = item.grow(("summary", event["summary_index"]), event["delta"])
        return [ReasoningDelta(text, event["output_index"], "summary", event.get("item_id"))]

    def _on_summary_done(self, event: Event) -> list[Delta]:
        item = self._piece(event, "reasoning")
        text = item.settle(("summary", event["summary_index"]), event["text"])
        return [ReasoningDelta(text, event["output_index"], "summary", event.get("item_id"))]

    # ----- function call arguments -------------------------------------------------------------

    def _on_args_delta(self, event: Event) -> list[Delta]:
        item = self._piece(event, "function_call")
        item.grow(("args", 0), event["delta"])
        # Before its start is known, a call's arguments wait: they are sent with the start.
        return [ToolCallArgsDelta(event["output_index"], event["delta"])] if item.started else []

    def _on_args_done(self, event: Event) -> list[Delta]:
        item = self._piece(event, "function_call")
        rest = item.settle(("args", 0), event["arguments"])
        return [ToolCallArgsDelta(event["output_index"], rest)] if item.started else []

    # ----- the end -----------------------------------------------------------------------------

    def _on_terminal(self, event: Event) -> list[Delta]:
        response = event["response"]
        if not response.get("output") and self.items:
            response = {**response, "output": self._rebuilt_output(response)}
        self.result = parse_response_json(response)
        return [Done(self.result)]

    def _on_error(self, event: Event) -> list[Delta]:
        raise self._failure(
            event.get("message") or "the server reported an error", event.get("code")
        )

    def _on_failed(self, event: Event) -> list[Delta]:
        error = event["response"].get("error")
        if not error:
            raise self._failure("the response failed without an error message", None)
        raise self._failure(error.get("message") or "no message", error.get("code"))

    def _failure(self, message: str, code: str | None) -> StreamError:
        return StreamError(
            f"The stream failed after it started: {message}"
            + (f" (code {code})" if code else "")
            + ". Text received before the failure is in `partial_text`; retry the request.",
            code=code,
            partial_text=self.partial_text(),
        )

    def _rebuilt_output(self, response: Event) -> list[Event]:
        status: _Status = "incomplete" if response.get("status") == "incomplete" else "completed"
        rebuilt = (_rebuild(self.items[i], status) for i in sorted(self.items))
        return [item for item in rebuilt if item is not None]


def _rebuild(item: _Item, status: _Status) -> Event | None:
    """An output item, as JSON, from what the stream said about it (its ``.done`` form when it
    came)."""
    if item.done is not None:
        return item.done
    item_id = item.item_id or ""
    if item.kind == "function_call":
        arguments = item.pieces.get(("args", 0), "")
        return {
            "type": "function_call",
            "id": item_id,
            "call_id": item.call_id,
            "name": item.name,
            "arguments": arguments,
            "status": status,
        }
    if item.kind == "reasoning":
        return {
            "type": "reasoning",
            "id": item_id,
            "content": [{"type": "reasoning_text", "text": t} for t in item.texts("reasoning")],
            "summary": [{"type": "summary_text", "text": t} for t in item.texts("summary")],
        }
    if item.kind != "message":
        return None
    content = [
        {"type": "output_text", "text": text, "annotations": []}
        if kind == "text"
        else {"type": "refusal", "refusal": text}
        for (kind, _), text in sorted(item.pieces.items(), key=lambda kv: kv[0][1])
        if kind in ("text", "refusal")
    ]
    return {
        "type": "message",
        "id": item_id,
        "role": "assistant",
        "status": status,
        "content": content,
    }


def _message_done(item: _Item, index: int, done: Event) -> list[Delta]:
    return [
        TextDelta(item.settle(("text", i), part["text"]), index, item.item_id)
        if part["type"] == "output_text"
        else RefusalDelta(item.settle(("refusal", i), part["refusal"]), index)
        for i, part in enumerate(done.get("content") or [])
    ]


def _reasoning_done(item: _Item, index: int, done: Event) -> list[Delta]:
    texts = [("reasoning", i, c["text"]) for i, c in enumerate(done.get("content") or [])]
    summaries = [("summary", i, s["text"]) for i, s in enumerate(done.get("summary") or [])]
    return [
        ReasoningDelta(
            item.settle((kind, i), text),
            index,
            "text" if kind == "reasoning" else "summary",
            item.item_id,
        )
        for kind, i, text in texts + summaries
    ]


def _function_call_done(item: _Item, index: int, done: Event) -> list[Delta]:
    arguments = done["arguments"]
    if item.started:
        return [ToolCallArgsDelta(index, item.settle(("args", 0), arguments))]
    # A call seen only now: its start and all of its arguments at once.
    item.call_id, item.name, item.started = done["call_id"], done["name"], True
    item.pieces[("args", 0)] = arguments
    return [
        ToolCallStart(index, done["call_id"], done["name"], done.get("id")),
        ToolCallArgsDelta(index, arguments),
    ]


_CATCH_UP: dict[str, Callable[[_Item, int, Event], list[Delta]]] = {
    "message": _message_done,
    "reasoning": _reasoning_done,
    "function_call": _function_call_done,
}


def _is_empty(delta: Delta) -> bool:
    if isinstance(delta, ToolCallArgsDelta):
        return not delta.delta
    if isinstance(delta, TextDelta | ReasoningDelta | RefusalDelta):
        return not delta.text
    return False


_HANDLERS: dict[str, Callable[[StreamReducer, Event], list[Delta]]] = {
    "response.output_item.added": StreamReducer._on_item_added,
    "response.output_item.done": StreamReducer._on_item_done,
    "response.output_text.delta": StreamReducer._on_text_delta,
    "response.output_text.done": StreamReducer._on_text_done,
    "response.refusal.delta": StreamReducer._on_refusal_delta,
    "response.refusal.done": StreamReducer._on_refusal_done,
    "response.reasoning_text.delta": StreamReducer._on_reasoning_delta,
    "response.reasoning_text.done": StreamReducer._on_reasoning_done,
    "response.reasoning_summary_text.delta": StreamReducer._on_summary_delta,
    "response.reasoning_summary_text.done": StreamReducer._on_summary_done,
    "response.function_call_arguments.delta": StreamReducer._on_args_delta,
    "response.function_call_arguments.done": StreamReducer._on_args_done,
    "response.completed": StreamReducer._on_terminal,
    "response.incomplete": StreamReducer._on_terminal,
    "response.failed": StreamReducer._on_failed,
    "error": StreamReducer._on_error,
}
"""Events not listed (created, in_progress, content parts, annotations, ...) carry nothing the
result needs: everything in them also arrives in the events above."""


def iter_deltas(events: Iterable[Event]) -> Iterator[Delta]:
    """Deltas of a stream of events, ending with :class:`Done`; raises if the stream fails."""
    reducer = StreamReducer()
    for event in events:
        yield from reducer.feed(event)
        if reducer.finished:
            return
    reducer.finish()


async def aiter_deltas(events: AsyncIterable[Event]) -> AsyncIterator[Delta]:
    """The async twin of :func:`iter_deltas`: only the loop differs."""
    reducer = StreamReducer()
    async for event in events:
        for delta in reducer.feed(event):
            yield delta
        if reducer.finished:
            return
    reducer.finish()
