"""The answer and stream parsers fed arbitrary and adversarial server output, over real HTTP.

Hypothesis writes whole answers (JSON bodies, SSE event sequences on both routes) that the local
endpoint sends as they are. Whatever arrives, the client ends in one of two ways: a result (for a
stream, a last ``Done`` after the deltas it vouches for) or one of our typed errors. Never another
exception, never a hang.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ovh_responses import errors
from ovh_responses.client import ResponsesClient
from ovh_responses.request import build_request
from ovh_responses.testing import LocalEndpoint, NotJsonFault
from ovh_responses.types import Done, TextDelta

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# ----- what a server might say --------------------------------------------------------------

scalars = (
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8)
)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=12,
)
EVENT_TYPES = [
    "response.created",
    "response.in_progress",
    "response.output_item.added",
    "response.content_part.added",
    "response.output_text.delta",
    "response.output_text.done",
    "response.function_call_arguments.delta",
    "response.function_call_arguments.done",
    "response.reasoning_text.delta",
    "response.refusal.delta",
    "response.output_item.done",
    "response.completed",
    "response.incomplete",
    "response.failed",
    "error",
]
RESPONSE = {
    "id": "resp_fuzz",
    "object": "response",
    "created_at": 0,
    "model": "local-chat",
    "status": "completed",
    "output": [],
    "parallel_tool_calls": True,
    "tool_choice": "auto",
    "tools": [],
}
MESSAGE_ITEM = {
    "type": "message",
    "id": "msg_1",
    "role": "assistant",
    "status": "completed",
    "content": [{"type": "output_text", "text": "hi", "annotations": []}],
}


def _event(kind: str, fields: dict[str, Any]) -> dict[str, Any]:
    return {"type": kind, **fields}


responses_fields = st.fixed_dictionaries(
    {},
    optional={
        "output_index": st.integers(-2, 3) | st.text(max_size=3),
        "content_index": st.integers(-1, 2),
        "item_id": st.sampled_from(["msg_1", "fc_1", ""]),
        "delta": st.text(max_size=6) | json_values,
        "text": st.text(max_size=6),
        "arguments": st.text(max_size=6),
        "item": st.sampled_from([MESSAGE_ITEM, {"type": "function_call"}]) | json_values,
        "response": st.just(RESPONSE)
        | st.builds(lambda out: {**RESPONSE, "output": out}, json_values)
        | json_values,
        "message": st.text(max_size=8) | json_values,
        "code": st.text(max_size=5) | st.none(),
    },
)
responses_event = st.builds(
    _event, st.sampled_from(EVENT_TYPES) | st.text(max_size=6), responses_fields
)
chat_chunk = st.fixed_dictionaries(
    {"id": st.just("c1"), "object": st.just("chat.completion.chunk"), "model": st.just("m")},
    optional={
        "created": st.integers(0, 9),
        "choices": st.lists(
            st.fixed_dictionaries(
                {"index": st.integers(0, 1)},
                optional={
                    "delta": st.fixed_dictionaries(
                        {},
                        optional={
                            "content": st.text(max_size=6) | st.none(),
                            "role": st.just("assistant"),
                        },
                    )
                    | json_values,
                    "finish_reason": st.sampled_from([None, "stop", "length", "tool_calls"]),
                },
            ),
            max_size=2,
        )
        | json_values,
        "error": json_values,
    },
)
broken = st.sampled_from(
    ['{"type": "response.output_text.delta", "delta": ', "[DONE]", "", "nul\x00l"]
)


def _sse(events: list[Any], *, named: bool) -> str:
    lines = []
    for event in events:
        data = event if isinstance(event, str) else json.dumps(event)
        kind = event.get("type") if isinstance(event, dict) else None
        name = f"event: {kind}\n" if named and isinstance(kind, str) and "\n" not in kind else ""
        lines.append(f"{name}data: {data}\n\n")
    return "".join(lines)


# ----- the property ---------------------------------------------------------------------------


def _stream_ends_well(client: ResponsesClient, route: str) -> None:
    body = build_request(model="local-chat", input="Hello", stream=True)
    deltas = []
    try:
        deltas = list(client.stream(body, route=route))  # type: ignore[arg-type]
    except errors.OVHError:
        return
    assert isinstance(deltas[-1], Done), "a stream that does not raise ends with Done"
    assert not any(isinstance(d, Done) for d in deltas[:-1])
    assert all(isinstance(d.text, str) for d in deltas if isinstance(d, TextDelta))


@pytest.fixture
def client(endpoint: LocalEndpoint) -> ResponsesClient:
    return ResponsesClient(base_url=endpoint.base_url, max_retries=0, timeout=5)


STREAMS = {
    "responses": st.lists(responses_event | broken, max_size=8),
    "chat_completions": st.lists(chat_chunk | broken, max_size=6),
}


@pytest.mark.timeout(120)
@pytest.mark.parametrize("route", STREAMS)
@FUZZ
@given(data=st.data())
def test_any_event_sequence_ends_in_a_result_or_a_typed_error(
    endpoint: LocalEndpoint, client: ResponsesClient, route: str, data: st.DataObject
) -> None:
    events = data.draw(STREAMS[route])
    sse = _sse(events, named=route == "responses")
    endpoint.inject(NotJsonFault(body=sse, content_type="text/event-stream"))
    _stream_ends_well(client, route)
    endpoint.clear()


@pytest.mark.timeout(120)
@FUZZ
@given(
    answer=st.builds(
        lambda extra: {**RESPONSE, **extra},
        st.dictionaries(
            st.sampled_from([*RESPONSE, "error", "usage", "incomplete_details"]),
            json_values,
            max_size=3,
        ),
    )
    | json_values,
    route=st.sampled_from(["responses", "chat_completions"]),
)
def test_any_json_answer_gives_a_result_or_a_typed_error(
    endpoint: LocalEndpoint, client: ResponsesClient, answer: Any, route: str
) -> None:
    endpoint.inject(NotJsonFault(body=json.dumps(answer), content_type="application/json"))
    try:
        result = client.create(build_request(model="local-chat", input="Hello"), route=route)  # type: ignore[arg-type]
    except errors.OVHError:
        return
    finally:
        endpoint.clear()
    assert isinstance(result.text, str)
