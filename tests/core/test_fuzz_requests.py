"""Requests the platform would refuse or JSON cannot carry are refused before sending, with a
typed error naming the problem and the fix; arbitrary inputs give a body that round-trips
through JSON or that typed error, never another exception."""

from __future__ import annotations

import base64
import json
import math
import sys
import time
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ovh_responses.client import ResponsesClient
from ovh_responses.errors import (
    RequestRejected,
    RequestTooLargeError,
    UnsupportedContentError,
)
from ovh_responses.request import MAX_BODY_BYTES, build_request
from ovh_responses.testing import LocalEndpoint

# Deeper than the interpreter's recursion limit and than the C stack's guard of its JSON encoder
# (Python 3.12+ has one of its own, far above sys.getrecursionlimit()).
DEEPER_THAN_ANY_LIMIT = 100 * sys.getrecursionlimit()


def _image(kind: str, size: int) -> dict[str, Any]:
    data = base64.b64encode(b"\x89PNG" + b"\x00" * size).decode()
    return {
        "type": "message",
        "role": "user",
        "content": [
            {"type": "input_text", "text": "What is this?"},
            {"type": "input_image", "image_url": f"data:{kind};base64,{data}", "detail": "auto"},
        ],
    }


# ----- the body size limit ---------------------------------------------------------------------


def test_a_body_over_the_limit_is_refused_with_its_size_and_what_to_shrink(
    endpoint: LocalEndpoint,
) -> None:
    big = _image("image/png", 1_600_000)  # 2.1 MB once in base64
    with pytest.raises(RequestTooLargeError) as caught:
        build_request(model="local-vision", input=[big])
    error = caught.value
    assert error.size > MAX_BODY_BYTES == error.limit
    assert f"{error.size:,}" in str(error)
    assert "images" in str(error)
    assert isinstance(error, RequestRejected)


def test_a_body_just_under_the_limit_is_sent_and_accepted(endpoint: LocalEndpoint) -> None:
    body = build_request(model="local-vision", input=[_image("image/png", 1_400_000)])
    assert len(json.dumps(body)) > 1_800_000
    client = ResponsesClient(base_url=endpoint.base_url, max_retries=0)
    assert client.create(body).text
    assert len(endpoint.requests_to("/v1/responses")) == 1


def test_a_platform_stricter_than_the_limit_still_gives_a_typed_error(
    make_endpoint: Any,
) -> None:
    from ovh_responses.errors import APIError

    strict = make_endpoint(max_body_bytes=500_000)
    body = build_request(model="local-vision", input=[_image("image/png", 600_000)])
    client = ResponsesClient(base_url=strict.base_url, max_retries=0)
    with pytest.raises(APIError) as caught:
        client.create(body)
    assert caught.value.status_code == 413


def test_the_size_check_costs_nothing_measurable(endpoint: LocalEndpoint) -> None:
    """Against one local round trip (the cheapest a real call can be), checking a typical
    request costs under 5 %; the minimum of several runs resists a noisy machine."""
    history = [
        {"type": "message", "role": role, "content": "A sentence of ordinary length. " * 20}
        for role in ("user", "assistant") * 10
    ]
    client = ResponsesClient(base_url=endpoint.base_url, max_retries=0)
    body = build_request(model="local-chat", input=history)
    round_trip = min(_seconds(lambda: client.create(body)) for _ in range(5))
    with_check = min(
        _seconds(lambda: build_request(model="local-chat", input=history)) for _ in range(50)
    )
    assert with_check < 0.05 * round_trip


def _seconds(call: Any) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


# ----- what JSON cannot carry, and inputs that show their own problem --------------------------


@pytest.mark.parametrize(
    ("extra", "says"),
    [
        ({"temperature": math.nan}, "NaN"),
        ({"metadata": {"score": math.inf}}, "NaN and infinities"),
        ({"metadata": {"note": "bad \ud800 text"}}, "lone surrogate"),
    ],
    ids=["nan", "infinity", "lone surrogate"],
)
def test_values_json_cannot_carry_are_refused(extra: dict[str, Any], says: str) -> None:
    with pytest.raises(RequestRejected, match=says):
        build_request(model="local-chat", input="Hello", extra=extra)


def test_a_lone_surrogate_in_the_conversation_is_refused() -> None:
    with pytest.raises(RequestRejected, match="not valid Unicode"):
        build_request(model="local-chat", input="caf\udce9")


def test_nesting_deeper_than_the_recursion_limit_is_refused() -> None:
    deep: Any = "leaf"
    for _ in range(DEEPER_THAN_ANY_LIMIT):
        deep = [deep]
    with pytest.raises(RequestRejected, match="nests"):
        build_request(model="local-chat", input="Hello", extra={"metadata": {"deep": deep}})


def test_an_image_data_url_that_is_not_an_image_is_refused() -> None:
    with pytest.raises(UnsupportedContentError, match="'application/pdf'"):
        build_request(model="local-vision", input=[_image("application/pdf", 10)])


def test_an_empty_conversation_is_refused() -> None:
    with pytest.raises(RequestRejected, match="empty"):
        build_request(model="local-chat", input=[])


def test_a_tool_result_whose_call_id_matches_no_call_is_refused() -> None:
    items: Any = [
        {"type": "message", "role": "user", "content": "Weather in Paris?"},
        {"type": "function_call", "call_id": "call_1", "name": "weather", "arguments": "{}"},
        {"type": "function_call_output", "call_id": "call_1", "output": "sunny"},
        {"type": "function_call_output", "call_id": "call_9", "output": "rainy"},
    ]
    with pytest.raises(RequestRejected, match="'call_9'"):
        build_request(model="local-chat", input=items)
    assert build_request(model="local-chat", input=items[:3])["input"] == items[:3]


# ----- any input: a body JSON carries as it is, or a typed refusal ----------------------------

json_like = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=150, deadline=None)
@given(
    text=st.text(),
    extra=st.dictionaries(st.sampled_from(["metadata", "top_k", "seed", "x"]), json_like),
)
def test_any_input_gives_a_body_that_round_trips_or_a_typed_refusal(
    text: str, extra: dict[str, Any]
) -> None:
    try:
        body = build_request(model="local-chat", input=text, extra=extra)
    except RequestRejected:
        return
    assert json.loads(json.dumps(body, allow_nan=False)) == body
    assert body["store"] is False


# ----- tool schemas and structured-output schemas ----------------------------------------------

schemas = st.recursive(
    st.fixed_dictionaries(
        {"type": st.sampled_from(["string", "integer", "number", "boolean", "null"])},
        optional={"description": st.text(max_size=8), "enum": st.lists(json_like, max_size=3)},
    ),
    lambda inner: (
        st.fixed_dictionaries(
            {
                "type": st.just("object"),
                "properties": st.dictionaries(st.text(max_size=6), inner, max_size=4),
            },
            optional={
                "required": st.lists(st.text(max_size=6), max_size=3),
                "additionalProperties": st.booleans() | inner,
            },
        )
        | st.fixed_dictionaries({"type": st.just("array"), "items": inner})
        | st.fixed_dictionaries({"anyOf": st.lists(inner, min_size=1, max_size=3)})
    ),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None)
@given(
    schema=schemas | json_like.filter(lambda v: isinstance(v, dict)),
    strict=st.booleans(),
    name=st.text(max_size=12),
)
def test_any_tool_or_output_schema_gives_a_body_that_round_trips_or_a_typed_refusal(
    schema: dict[str, Any], strict: bool, name: str
) -> None:
    from ovh_responses.wire.structured import text_format
    from ovh_responses.wire.tools import function_tool

    try:
        body = build_request(
            model="local-chat",
            input="Hello",
            tools=[function_tool(name or "tool", "A tool.", schema, strict=strict)],
            text_format=text_format(schema, strict=strict, name=name or None),
        )
    except RequestRejected:
        return
    assert json.loads(json.dumps(body, allow_nan=False)) == body


def test_a_schema_nested_deeper_than_the_recursion_limit_is_refused() -> None:
    from ovh_responses.wire.tools import function_tool

    deep: dict[str, Any] = {"type": "string"}
    for _ in range(DEEPER_THAN_ANY_LIMIT):
        deep = {"type": "object", "properties": {"x": deep}}
    for strict in (False, True):
        with pytest.raises(RequestRejected, match="nests"):
            build_request(
                model="local-chat",
                input="Hi",
                tools=[function_tool("t", None, deep, strict=strict)],
            )
