"""Input item constructors and the replay of output items as input items."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from openai.types.responses import (
    Response,
    ResponseInputItemParam,
    ResponseOutputItem,
)
from pydantic import TypeAdapter
from recordings import cassette_bodies, cassette_streams, sdk_events, sdk_response, vllm_text

from ovh_responses.errors import RequestRejected, UnsupportedContentError, UnsupportedFeatureError
from ovh_responses.wire.answer import parse_response
from ovh_responses.wire.items import (
    function_call_item,
    function_call_output_item,
    image_data_url,
    input_image,
    input_text,
    message_item,
    output_to_input_items,
    reasoning_item,
)

INPUT_ITEMS: TypeAdapter[list[ResponseInputItemParam]] = TypeAdapter(list[ResponseInputItemParam])
# What vLLM (the stack behind AI Endpoints) declares for `input` list items.
VLLM_INPUT_ITEMS: TypeAdapter[list[Any]] = TypeAdapter(
    list[ResponseInputItemParam | ResponseOutputItem]
)

PNG = b"\x89PNG\r\n\x1a\n tiny"


def test_input_text() -> None:
    assert input_text("Bonjour") == {"type": "input_text", "text": "Bonjour"}


def test_image_data_url_round_trips_the_bytes() -> None:
    url = image_data_url(PNG, "image/png")
    head, _, data = url.partition(",")
    assert head == "data:image/png;base64"
    assert base64.b64decode(data) == PNG


def test_image_data_url_needs_an_image_type() -> None:
    with pytest.raises(UnsupportedContentError, match="image/png"):
        image_data_url(PNG, "application/pdf")


def test_input_image_with_a_data_url() -> None:
    url = image_data_url(PNG, "image/png")
    assert input_image(url, "low") == {"type": "input_image", "image_url": url, "detail": "low"}
    assert input_image(url)["detail"] == "auto"


@pytest.mark.parametrize("url", ["https://example.com/cat.png", "http://x/y.jpg", "file:///a.png"])
def test_remote_image_urls_are_refused_before_sending(url: str) -> None:
    with pytest.raises(UnsupportedFeatureError) as caught:
        input_image(url)
    message = str(caught.value)
    assert url in message
    assert "data URL" in message
    assert "image_data_url" in message
    assert isinstance(caught.value, RequestRejected)
    assert isinstance(caught.value, ValueError)


def test_user_system_and_developer_messages() -> None:
    url = image_data_url(PNG, "image/png")
    items = [
        message_item("system", "Be brief."),
        message_item("developer", "Answer in French."),
        message_item("user", [input_text("What is this?"), input_image(url)]),
    ]
    assert items[0] == {"type": "message", "role": "system", "content": "Be brief."}
    assert items[2]["content"] == [
        {"type": "input_text", "text": "What is this?"},
        {"type": "input_image", "image_url": url, "detail": "auto"},
    ]
    INPUT_ITEMS.validate_python(items)


def test_assistant_messages_are_plain_text() -> None:
    assert message_item("assistant", "Paris.") == {
        "type": "message",
        "role": "assistant",
        "content": "Paris.",
    }
    parts = message_item("assistant", [input_text("Par"), input_text("is.")])
    assert parts["content"] == "Paris."


def test_assistant_messages_cannot_carry_images() -> None:
    url = image_data_url(PNG, "image/png")
    with pytest.raises(UnsupportedContentError, match="input_image"):
        message_item("assistant", [input_text("look"), input_image(url)])


def test_function_call_and_output_items() -> None:
    call = function_call_item("call_1", "get_weather", '{"city": "Paris"}')
    assert call == {
        "type": "function_call",
        "call_id": "call_1",
        "name": "get_weather",
        "arguments": '{"city": "Paris"}',
    }
    assert function_call_item("call_1", "f", "{}", item_id="fc_9")["id"] == "fc_9"
    output = function_call_output_item("call_1", "22°C")
    assert output == {"type": "function_call_output", "call_id": "call_1", "output": "22°C"}
    INPUT_ITEMS.validate_python([call, output])


def test_reasoning_item() -> None:
    item = reasoning_item("rs_1", "Think first.", "Thought.")
    assert item == {
        "type": "reasoning",
        "id": "rs_1",
        "summary": [{"type": "summary_text", "text": "Thought."}],
        "content": [{"type": "reasoning_text", "text": "Think first."}],
    }
    assert "encrypted_content" not in item
    assert (
        reasoning_item("rs_1", "", "", encrypted_content="opaque")["encrypted_content"] == "opaque"
    )
    assert reasoning_item("rs_1", "x")["summary"] == []


def test_every_item_is_accepted_by_vllms_input_type() -> None:
    url = image_data_url(PNG, "image/png")
    VLLM_INPUT_ITEMS.validate_python(
        [
            message_item("system", "Be brief."),
            message_item("user", [input_text("Hi"), input_image(url)]),
            reasoning_item("rs_1", "Think.", ""),
            message_item("assistant", "Hello."),
            function_call_item("call_1", "get_time", "{}", item_id="fc_1"),
            function_call_output_item("call_1", "noon"),
        ]
    )


# ----- replay of recorded answers -------------------------------------------------------------


def recorded_answers() -> list[Response]:
    answers = [sdk_response(vllm_text("vllm_plain"))]
    for name in ("openai_responses_model_simple_response_with_tool_call", "native_output"):
        answers.extend(sdk_response(b) for b in cassette_bodies(name))
    for name in ("openai_responses_streaming_usage", "openai_responses_raw_cot_stream_openrouter"):
        events = sdk_events(cassette_streams(name)[0])
        last = events[-1]
        assert last.type == "response.completed"
        answers.append(last.response)
    stream_tool = sdk_events(vllm_text("vllm_stream_tool"))[-1]
    assert stream_tool.type == "response.completed"
    answers.append(stream_tool.response)
    return answers


@pytest.mark.parametrize("answer", recorded_answers(), ids=lambda r: r.id)
def test_replayed_output_keeps_calls_text_and_reasoning(answer: Response) -> None:
    result = parse_response(answer)
    items = output_to_input_items(answer.output)
    INPUT_ITEMS.validate_python(items)
    VLLM_INPUT_ITEMS.validate_python(items)

    calls = [i for i in items if i.get("type") == "function_call"]
    assert [(c["call_id"], c["name"], c["arguments"]) for c in calls] == [  # type: ignore[typeddict-item]
        (f.call_id, f.name, f.arguments) for f in result.function_calls
    ]
    assistant = [i for i in items if i.get("role") == "assistant"]
    assert "".join(m["content"] for m in assistant) == result.text  # type: ignore[typeddict-item,misc]
    reasoning = [i for i in items if i.get("type") == "reasoning"]
    assert [r["id"] for r in reasoning] == [r.item_id for r in result.reasoning]  # type: ignore[typeddict-item]


def test_replay_of_the_openrouter_reasoning() -> None:
    end = sdk_events(cassette_streams("openai_responses_raw_cot_stream_openrouter")[0])[-1]
    assert end.type == "response.completed"
    reasoning, message = output_to_input_items(end.response.output)
    assert reasoning == {
        "type": "reasoning",
        "id": "rs_tmp_ku4i7pagjwn",
        "summary": [],
        "content": [
            {
                "type": "reasoning_text",
                "text": 'The user asks: "What is 2+2?" They expect a straightforward answer: 4. '
                "Just answer 4.",
            }
        ],
    }
    assert message == {"type": "message", "role": "assistant", "content": "4"}


def test_replay_keeps_encrypted_reasoning() -> None:
    end = sdk_events(cassette_streams("openai_responses_streaming_usage")[0])[-1]
    assert end.type == "response.completed"
    reasoning, call = output_to_input_items(end.response.output)
    assert str(reasoning.get("encrypted_content")).startswith("gAAAAABoyXvy")
    assert call == {
        "type": "function_call",
        "id": "fc_0050471a34b36ae60068c97bf19d9c819590eaf42c0edc1042",
        "call_id": "call_CWXgs68YprAjp6t0371hiPOI",
        "name": "final_result",
        "arguments": '{"result":6666}',
    }


def test_replay_of_an_item_type_the_route_does_not_take() -> None:
    answer = Response.model_validate(
        {
            "id": "resp_1",
            "object": "response",
            "created_at": 0,
            "model": "m",
            "parallel_tool_calls": True,
            "tool_choice": "auto",
            "tools": [],
            "output": [
                {
                    "type": "web_search_call",
                    "id": "ws_1",
                    "status": "completed",
                    "action": {"type": "search", "query": "q"},
                }
            ],
        }
    )
    with pytest.raises(UnsupportedContentError, match="web_search_call"):
        output_to_input_items(answer.output)


def test_a_failed_call_says_so_in_its_output() -> None:
    assert function_call_output_item("call_1", "boom", is_error=True)["output"] == "Error: boom"
    already = function_call_output_item("call_1", "Error: no such city", is_error=True)
    assert already["output"] == "Error: no such city"
    assert function_call_output_item("call_1", "boom")["output"] == "boom"
