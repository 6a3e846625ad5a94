"""The answer made to fit what the caller asked, after :func:`~.request.adapt_request`
changed the request: :func:`finish_result` for a whole answer, :class:`DeltaAdapter` for a stream,
and :func:`result_as_deltas` to deliver a whole answer as a stream.
"""

from __future__ import annotations

from collections.abc import Generator, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from ovh_responses.errors import RequiredToolNotCalledError, StructuredOutputError
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
from ovh_responses.wire.structured import parse_json_output

if TYPE_CHECKING:
    from openai.types.responses import ResponseOutputItem
    from openai.types.responses.response_create_params import ToolChoice

    from ovh_responses.fitting.request import Adaptation

__all__ = [
    "DeltaAdapter",
    "check_json_schema",
    "check_required_tool",
    "finish_result",
    "keep_first_call",
    "result_as_deltas",
    "structured_from_tool",
]


def check_required_tool(result: Result, original_choice: ToolChoice | None) -> None:
    """Raise :class:`RequiredToolNotCalledError` if ``original_choice`` asked for a call
    (``"required"`` or a named function) that ``result`` does not make."""
    if original_choice is None or original_choice in ("auto", "none"):
        return
    wanted = original_choice.get("name") if isinstance(original_choice, Mapping) else None
    called = [c.name for c in result.function_calls]
    if wanted is None and called:
        return
    if wanted is not None and wanted in called:
        return
    what = f"the tool {wanted!r}" if wanted else "a tool"
    raise RequiredToolNotCalledError(
        f"Model {result.model!r} only accepts tool_choice 'auto' and answered without calling "
        f"{what} (called: {called or 'nothing'}). Name the tool in the prompt, retry, or use a "
        "model that accepts tool_choice 'required'.",
        result=result,
    )


def keep_first_call(result: Result) -> Result:
    """``result`` with only its first function call (and the output items that go with it)."""
    if len(result.function_calls) <= 1:
        return result
    first = result.function_calls[0]
    output = [
        item
        for item in result.output
        if item.type != "function_call" or item.call_id == first.call_id
    ]
    return replace(result, function_calls=[first], output=output)


def structured_from_tool(result: Result, name: str) -> Result:
    """The structured output carried by a call of ``name``, moved into the answer's text."""
    from openai.types.responses import ResponseOutputMessage, ResponseOutputText

    call = next((c for c in result.function_calls if c.name == name), None)
    if call is None:
        return result
    message = ResponseOutputMessage(
        type="message",
        id=call.item_id or f"msg_{call.call_id}",
        role="assistant",
        status="completed",
        content=[ResponseOutputText(type="output_text", text=call.arguments, annotations=[])],
    )
    output: list[ResponseOutputItem] = [
        message if item.type == "function_call" and item.call_id == call.call_id else item
        for item in result.output
    ]
    calls = [c for c in result.function_calls if c is not call]
    return replace(result, text=result.text + call.arguments, function_calls=calls, output=output)


def check_json_schema(result: Result, schema: Mapping[str, Any]) -> None:
    """Raise :class:`StructuredOutputError` unless the text is a JSON object with the schema's
    required properties (a full validation is the framework's, against its own model)."""
    value = parse_json_output(result.text, refusal=result.refusal)
    missing = [
        k for k in schema.get("required", []) if not isinstance(value, dict) or k not in value
    ]
    if not isinstance(value, dict) or missing:
        raise StructuredOutputError(
            f"Model {result.model!r} answered JSON that does not match the schema (expected an "
            f"object with {list(schema.get('required', []))}; missing {missing}). Retry, or use "
            "a model that enforces JSON schemas.",
            text=result.text,
        )


def finish_result(result: Result, adaptation: Adaptation) -> Result:
    """The answer as the caller asked for it: each of ``adaptation``'s notes applied."""
    if adaptation.structured_tool:
        result = structured_from_tool(result, adaptation.structured_tool)
    if adaptation.single_tool_call:
        result = keep_first_call(result)
    # An answer that calls tools (an agent's step before its structured answer) has no JSON.
    if (
        adaptation.json_schema is not None
        and not result.is_incomplete
        and not result.function_calls
    ):
        check_json_schema(result, adaptation.json_schema)
    check_required_tool(result, adaptation.required_choice)
    return result


@dataclass
class DeltaAdapter:
    """:func:`finish_result` for a stream: feed it each delta, emit what it returns."""

    adaptation: Adaptation
    _first_call: int | None = None
    _structured: set[int] = field(default_factory=set)

    def feed(self, delta: Delta) -> list[Delta]:
        if isinstance(delta, Done):
            return [Done(finish_result(delta.result, self.adaptation))]
        if isinstance(delta, ToolCallStart):
            return self._on_start(delta)
        if isinstance(delta, ToolCallArgsDelta):
            return self._on_args(delta)
        return [delta]

    def _on_start(self, delta: ToolCallStart) -> list[Delta]:
        if delta.name == self.adaptation.structured_tool:
            self._structured.add(delta.output_index)
            return []
        if self.adaptation.single_tool_call:
            if self._first_call is None:
                self._first_call = delta.output_index
            elif delta.output_index != self._first_call:
                return []
        return [delta]

    def _on_args(self, delta: ToolCallArgsDelta) -> list[Delta]:
        if delta.output_index in self._structured:
            return [TextDelta(text=delta.delta, output_index=delta.output_index)]
        if self.adaptation.single_tool_call and delta.output_index != self._first_call:
            return []
        return [delta]


def result_as_deltas(result: Result) -> Generator[Delta, None, None]:
    """A finished result delivered as a stream: its reasoning, text, refusal and calls, then
    :class:`Done`."""
    index = 0
    for reasoning in result.reasoning:
        if reasoning.text:
            yield ReasoningDelta(reasoning.text, index, "text", reasoning.item_id)
        if reasoning.summary:
            yield ReasoningDelta(reasoning.summary, index, "summary", reasoning.item_id)
        index += 1
    if result.text or result.refusal:
        if result.text:
            yield TextDelta(result.text, index)
        if result.refusal:
            yield RefusalDelta(result.refusal, index)
        index += 1
    for call in result.function_calls:
        yield ToolCallStart(index, call.call_id, call.name, call.item_id)
        if call.arguments:
            yield ToolCallArgsDelta(index, call.arguments)
        index += 1
    yield Done(result)
