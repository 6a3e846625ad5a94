"""adapt_request, the answer-side fixes and LearnedLimits, on bodies made by build_request and
results parsed from the SDK's own Response objects."""

from __future__ import annotations

import copy
import json
import uuid
import warnings
from dataclasses import replace
from typing import Any

import openai
import pytest
from openai.types.responses import Response

from ovh_responses.chat.request import result_from_completion, to_chat_request
from ovh_responses.errors import (
    BadRequestError,
    ModelNotOnRouteError,
    OVHCompatibilityWarning,
    RequiredToolNotCalledError,
    StructuredOutputError,
    UnsupportedFeatureError,
    translate,
)
from ovh_responses.fitting.answer import (
    DeltaAdapter,
    check_required_tool,
    finish_result,
    keep_first_call,
    result_as_deltas,
)
from ovh_responses.fitting.learned import LearnedLimits, strip_param
from ovh_responses.fitting.profiles import DEFAULT_PROFILE, profile_for
from ovh_responses.fitting.request import Adaptation, adapt_request, choose_route
from ovh_responses.request import build_request
from ovh_responses.types import (
    Done,
    ReasoningDelta,
    Result,
    TextDelta,
    ToolCallArgsDelta,
    ToolCallStart,
)
from ovh_responses.wire.answer import parse_response

WEATHER = {
    "type": "function",
    "name": "get_weather",
    "description": "Weather of a city",
    "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
}
TIME = {**WEATHER, "name": "get_time", "description": "Time in a city"}
PERSON = {
    "type": "object",
    "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
    "required": ["name", "age"],
}
PERSON_FORMAT = {"type": "json_schema", "name": "person", "schema": PERSON, "strict": True}
IMAGE = {"type": "input_image", "image_url": "data:image/png;base64,iVBORw0KGgo=", "detail": "auto"}


def model_id(base: str) -> str:
    """A model id seen by no other test, so that each test sees its own first warning."""
    return f"{base}-{uuid.uuid4().hex[:8]}"


def body(model: str, **kw: Any) -> Any:
    kw.setdefault("input", "Hello")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", OVHCompatibilityWarning)
        return build_request(model=model, **kw)


def compat_warnings(record: list[warnings.WarningMessage]) -> list[str]:
    return [str(w.message) for w in record if issubclass(w.category, OVHCompatibilityWarning)]


# ----- system prompts ---------------------------------------------------------------------------


def test_instructions_are_folded_into_the_first_user_message():
    profile = profile_for("local-no-system")
    request = body(
        model_id("no-system"),
        instructions="Be brief.",
        input=[
            {"type": "message", "role": "user", "content": "What is OVH?"},
            {"type": "message", "role": "assistant", "content": "A cloud provider."},
            {"type": "message", "role": "user", "content": "Where?"},
        ],
    )
    with pytest.warns(OVHCompatibilityWarning, match="system prompts"):
        adapted, notes = adapt_request(request, profile)
    assert "instructions" not in adapted
    assert adapted["input"][0]["content"] == "Be brief.\n\nWhat is OVH?"
    assert adapted["input"][2]["content"] == "Where?"
    assert request["instructions"] == "Be brief."  # the caller's body is left alone
    assert len(notes.changes) == 1


def test_system_messages_fold_into_a_content_list_and_are_removed():
    request = body(
        model_id("no-system"),
        input=[
            {"type": "message", "role": "system", "content": "Rule one."},
            {"type": "message", "role": "developer", "content": "Rule two."},
            {"role": "user", "content": [{"type": "input_text", "text": "Hi"}]},
        ],
    )
    with pytest.warns(OVHCompatibilityWarning):
        adapted, _ = adapt_request(request, profile_for("local-no-system"))
    assert adapted["input"] == [
        {
            "role": "user",
            "content": [
                {"type": "input_text", "text": "Rule one.\n\nRule two."},
                {"type": "input_text", "text": "Hi"},
            ],
        }
    ]


def test_a_system_prompt_without_user_message_becomes_one():
    request = body(model_id("no-system"), instructions="Say hi.", input=[])
    with pytest.warns(OVHCompatibilityWarning):
        adapted, _ = adapt_request(request, profile_for("local-no-system"))
    assert adapted["input"] == [{"type": "message", "role": "user", "content": "Say hi."}]


def test_each_adaptation_warns_once_per_model():
    model = model_id("no-system")
    request = body(model, instructions="Be brief.")
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        for _ in range(3):
            adapt_request(request, profile_for("local-no-system"))
        adapt_request(body(model_id("other"), instructions="x"), profile_for("local-no-system"))
    assert len(compat_warnings(record)) == 2


def test_strict_refuses_instead_of_folding():
    request = body(model_id("no-system"), instructions="Be brief.")
    with pytest.raises(UnsupportedFeatureError, match="system prompts") as info:
        adapt_request(request, profile_for("local-no-system"), strict=True)
    assert info.value.param == "instructions"


def test_a_model_that_accepts_everything_gets_the_body_unchanged():
    request = body(
        model_id("chat"),
        instructions="Be brief.",
        tools=[WEATHER],
        tool_choice="required",
        parallel_tool_calls=True,
        reasoning={"effort": "low"},
        text_format=PERSON_FORMAT,
        stream=True,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        adapted, notes = adapt_request(request, DEFAULT_PROFILE, strict=True)
    assert adapted == request
    assert notes == Adaptation()
    assert not notes.changes_answer


# ----- tool_choice -----------------------------------------------------------------------------


def test_required_tool_choice_becomes_auto_and_is_checked_afterwards():
    request = body(model_id("auto-only"), tools=[WEATHER], tool_choice="required")
    with pytest.warns(OVHCompatibilityWarning, match="only accepts tool_choice 'auto'"):
        adapted, notes = adapt_request(request, profile_for("local-tool-choice-auto-only"))
    assert adapted["tool_choice"] == "auto"
    assert notes.required_choice == "required"
    with pytest.raises(RequiredToolNotCalledError, match="without calling a tool") as info:
        finish_result(text_result("It is sunny."), notes)
    assert info.value.result.text == "It is sunny."
    assert finish_result(calls_result("get_weather"), notes).function_calls[0].name == "get_weather"


def test_a_named_tool_choice_is_checked_by_name():
    forced = {"type": "function", "name": "get_time"}
    request = body(model_id("auto-only"), tools=[WEATHER, TIME], tool_choice=forced)
    with pytest.warns(OVHCompatibilityWarning):
        _, notes = adapt_request(request, profile_for("local-tool-choice-auto-only"))
    assert notes.required_choice == forced
    with pytest.raises(RequiredToolNotCalledError, match="'get_time'"):
        check_required_tool(calls_result("get_weather"), forced)
    check_required_tool(calls_result("get_weather", "get_time"), forced)


def test_tool_choice_none_on_an_auto_only_model_sends_no_tools():
    request = body(model_id("auto-only"), tools=[WEATHER], tool_choice="none")
    with pytest.warns(OVHCompatibilityWarning):
        adapted, notes = adapt_request(request, profile_for("local-tool-choice-auto-only"))
    assert "tools" not in adapted
    assert "tool_choice" not in adapted
    assert notes.required_choice is None


def test_check_required_tool_accepts_auto_none_and_no_choice():
    for choice in (None, "auto", "none"):
        check_required_tool(text_result("hi"), choice)


def test_strict_refuses_a_forced_tool_on_an_auto_only_model():
    request = body(model_id("auto-only"), tools=[WEATHER], tool_choice="required")
    with pytest.raises(UnsupportedFeatureError) as info:
        adapt_request(request, profile_for("local-tool-choice-auto-only"), strict=True)
    assert info.value.param == "tool_choice"


# ----- parallel calls --------------------------------------------------------------------------


def test_no_parallel_calls_sends_false_and_keeps_the_first_call():
    request = body(model_id("no-parallel"), tools=[WEATHER, TIME])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing was asked for, so nothing to warn about
        adapted, notes = adapt_request(request, profile_for("local-no-parallel-tools"))
    assert adapted["parallel_tool_calls"] is False
    assert notes.single_tool_call
    kept = finish_result(calls_result("get_weather", "get_time"), notes)
    assert [c.name for c in kept.function_calls] == ["get_weather"]
    assert [item.type for item in kept.output] == ["function_call"]


def test_asking_for_parallel_calls_on_a_model_without_them_warns_or_refuses():
    request = body(model_id("no-parallel"), tools=[WEATHER], parallel_tool_calls=True)
    with pytest.warns(OVHCompatibilityWarning, match="in parallel"):
        adapt_request(request, profile_for("local-no-parallel-tools"))
    with pytest.raises(UnsupportedFeatureError):
        adapt_request(request, profile_for("local-no-parallel-tools"), strict=True)


def test_keep_first_call_leaves_a_single_call_alone():
    result = calls_result("get_weather")
    assert keep_first_call(result) is result


# ----- structured output -----------------------------------------------------------------------


def test_structured_output_that_cannot_stream_is_requested_in_one_piece():
    request = body(model_id("no-stream-structured"), text_format=PERSON_FORMAT, stream=True)
    with pytest.warns(OVHCompatibilityWarning, match="cannot stream structured output"):
        adapted, notes = adapt_request(request, profile_for("local-no-stream-structured"))
    assert "stream" not in adapted
    assert adapted["text"]["format"] == PERSON_FORMAT
    assert notes.stream_as_single


def test_structured_output_without_streaming_is_untouched_on_that_model():
    request = body(model_id("no-stream-structured"), text_format=PERSON_FORMAT)
    adapted, notes = adapt_request(request, profile_for("local-no-stream-structured"))
    assert adapted == request
    assert not notes.stream_as_single


def test_without_json_schema_the_schema_becomes_a_forced_function():
    profile = replace(profile_for("local-chat"), json_schema=False)
    request = body(model_id("no-schema"), text_format=PERSON_FORMAT)
    with pytest.warns(OVHCompatibilityWarning, match="function 'person'"):
        adapted, notes = adapt_request(request, profile)
    assert "text" not in adapted
    assert adapted["tools"] == [
        {"type": "function", "name": "person", "parameters": PERSON, "strict": False}
    ]
    assert adapted["tool_choice"] == {"type": "function", "name": "person"}
    assert notes.structured_tool == "person"
    answer = finish_result(calls_result("person", arguments='{"name": "Ada", "age": 36}'), notes)
    assert answer.text == '{"name": "Ada", "age": 36}'
    assert answer.function_calls == []
    assert [item.type for item in answer.output] == ["message"]


def test_without_json_schema_or_forcible_tools_json_mode_is_validated():
    profile = replace(profile_for("local-tool-choice-auto-only"), json_schema=False)
    request = body(model_id("no-schema"), instructions="Extract.", text_format=PERSON_FORMAT)
    with pytest.warns(OVHCompatibilityWarning, match="JSON mode"):
        adapted, notes = adapt_request(request, profile)
    assert adapted["text"] == {"format": {"type": "json_object"}}
    assert adapted["instructions"].startswith("Extract.\n\n")
    assert '"required": ["name", "age"]' in adapted["instructions"]
    assert finish_result(text_result('{"name": "Ada", "age": 36}'), notes).text
    with pytest.raises(StructuredOutputError, match=r"missing \['age'\]"):
        finish_result(text_result('{"name": "Ada"}'), notes)
    with pytest.raises(StructuredOutputError):
        finish_result(text_result("Ada is 36."), notes)


def test_json_mode_instructions_are_folded_on_a_model_without_system_prompts():
    profile = replace(profile_for("local-no-system"), json_schema=False, tool_calling=False)
    request = body(model_id("no-schema-no-system"), input="Ada is 36.", text_format=PERSON_FORMAT)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", OVHCompatibilityWarning)
        adapted, _ = adapt_request(request, profile)
    assert "instructions" not in adapted
    assert adapted["input"][0]["content"].endswith("\n\nAda is 36.")
    assert "JSON Schema" in adapted["input"][0]["content"]


# ----- reasoning, tools, images ----------------------------------------------------------------


def test_reasoning_options_are_dropped_on_a_model_without_reasoning():
    request = body(model_id("plain"), reasoning={"effort": "high"})
    with pytest.warns(OVHCompatibilityWarning, match="reasoning"):
        adapted, _ = adapt_request(request, profile_for("local-chat"))
    assert "reasoning" not in adapted
    kept, _ = adapt_request(request, profile_for("local-reasoning"))
    assert kept["reasoning"] == {"effort": "high"}


def test_reasoning_effort_none_on_a_toggle_model_switches_thinking_off():
    request = body(model_id("qwen3"), input="Hi", reasoning={"effort": "none"})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        adapted, _ = adapt_request(request, profile_for("Qwen3-32B"))
    assert "reasoning" not in adapted
    assert adapted["input"] == [{"type": "message", "role": "user", "content": "Hi\n\n/no_think"}]


@pytest.mark.parametrize("strict", [False, True])
def test_tools_and_images_the_table_does_not_expect_are_sent_as_asked(strict: bool) -> None:
    content = [{"type": "input_text", "text": "What is this?"}, IMAGE]
    request = body(model_id("text"), input=[{"role": "user", "content": content}], tools=[WEATHER])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        adapted, notes = adapt_request(request, profile_for("local-no-tools"), strict=strict)
    assert adapted["tools"] == request["tools"]
    assert adapted["input"][0]["content"][1] == IMAGE
    assert notes.changes == ()


def test_adapting_leaves_the_callers_body_as_it_was() -> None:
    request = body(
        model_id("no-system"),
        input=[{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}],
        tools=[WEATHER],
        tool_choice="required",
        parallel_tool_calls=True,
        reasoning={"effort": "low"},
    )
    before = copy.deepcopy(request)
    profile = replace(
        profile_for("local-chat"),
        accepts_system_prompt=False,
        tool_choice_modes="auto_only",
        parallel_tool_calls=False,
        reasoning=None,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", OVHCompatibilityWarning)
        adapted, _ = adapt_request(request, profile)
    assert request == before
    assert adapted != before


# ----- streams ---------------------------------------------------------------------------------


def test_result_as_deltas_replays_a_result_as_a_stream():
    result = parse_response(
        response(
            {
                "type": "reasoning",
                "id": "rs_1",
                "summary": [],
                "content": [{"type": "reasoning_text", "text": "Think."}],
            },
            message_item("Hello"),
            call_item("get_weather", '{"city": "Paris"}', "call_1"),
        )
    )
    deltas = list(result_as_deltas(result))
    assert deltas == [
        ReasoningDelta("Think.", 0, "text", "rs_1"),
        TextDelta("Hello", 1),
        ToolCallStart(2, "call_1", "get_weather", "fc_call_1"),
        ToolCallArgsDelta(2, '{"city": "Paris"}'),
        Done(result),
    ]


def test_delta_adapter_keeps_one_call_and_turns_the_structured_call_into_text():
    single = DeltaAdapter(Adaptation(single_tool_call=True))
    stream = [
        ToolCallStart(0, "c1", "get_weather"),
        ToolCallArgsDelta(0, "{}"),
        ToolCallStart(1, "c2", "get_time"),
        ToolCallArgsDelta(1, "{}"),
        Done(calls_result("get_weather", "get_time")),
    ]
    out = [d for delta in stream for d in single.feed(delta)]
    assert out[:2] == stream[:2]
    assert len(out) == 3
    assert isinstance(out[2], Done)
    assert [c.name for c in out[2].result.function_calls] == ["get_weather"]

    structured = DeltaAdapter(Adaptation(structured_tool="person"))
    stream = [
        ToolCallStart(0, "c1", "person"),
        ToolCallArgsDelta(0, '{"name": '),
        ToolCallArgsDelta(0, '"Ada"}'),
        Done(calls_result("person", arguments='{"name": "Ada"}')),
    ]
    out = [d for delta in stream for d in structured.feed(delta)]
    assert out[:2] == [TextDelta('{"name": ', 0), TextDelta('"Ada"}', 0)]
    assert isinstance(out[2], Done)
    assert out[2].result.text == '{"name": "Ada"}'


def test_delta_adapter_checks_the_required_tool_at_the_end():
    adapter = DeltaAdapter(Adaptation(required_choice="required"))
    assert adapter.feed(TextDelta("Sunny.", 0)) == [TextDelta("Sunny.", 0)]
    with pytest.raises(RequiredToolNotCalledError):
        adapter.feed(Done(text_result("Sunny.")))


# ----- routes and learned limits ---------------------------------------------------------------


def test_choose_route_follows_the_profile_unless_told():
    only_chat = profile_for("local-chat-completions-only")
    assert choose_route("auto", only_chat) == "chat_completions"
    assert choose_route("auto", profile_for("local-chat")) == "responses"
    assert choose_route("responses", only_chat) == "responses"
    assert choose_route("chat_completions", DEFAULT_PROFILE) == "chat_completions"


def test_strip_param_drops_optional_parameters_only():
    request = body("m", temperature=0.5, top_p=0.9, tools=[WEATHER])
    stripped = strip_param(request, "temperature")
    assert stripped is not None
    assert "temperature" not in stripped
    assert stripped["top_p"] == 0.9
    assert strip_param(request, "tools") is None  # not optional
    assert strip_param(request, "parallel_tool_calls") is None  # not in the body
    limited = body("m", max_output_tokens=20)
    assert strip_param(limited, "max_output_tokens") is None  # a cost bound: never dropped
    reasoning = body("m", reasoning={"effort": "low"})
    assert "reasoning" not in (strip_param(reasoning, "reasoning.effort") or {})


def test_strip_param_moves_instructions_and_system_messages_rather_than_losing_them():
    request = body(
        "m",
        instructions="Be brief.",
        input=[
            {"role": "system", "content": "Speak French."},
            {"role": "user", "content": "Hi"},
        ],
    )
    stripped = strip_param(request, "instructions")
    assert stripped is not None
    assert stripped["input"] == [{"role": "user", "content": "Be brief.\n\nSpeak French.\n\nHi"}]
    only_message = body(
        "m", input=[{"role": "system", "content": "x"}, {"role": "user", "content": "y"}]
    )
    assert strip_param(only_message, "instructions") is not None


def test_learned_limits_are_kept_per_endpoint_and_model():
    limits = LearnedLimits()
    m = model_id("learned")
    request = body(m, temperature=0.3, instructions="Be brief.")
    with pytest.warns(OVHCompatibilityWarning, match="'temperature'"):
        assert limits.learn("http://a/v1", m, "temperature", request)
    # Known already: a body planned before it was learned still helps by going without it...
    assert limits.learn("http://a/v1", m, "temperature", request)
    # ...one planned since has nothing left to drop.
    assert not limits.learn(
        "http://a/v1", m, "temperature", limits.apply("http://a/v1", m, request)
    )
    assert not limits.learn("http://a/v1", m, "input", request)  # not optional
    assert not limits.learn("http://a/v1", m, None, request)
    bad_value = "top_p must be in (0, 1]; it must be greater than 0."
    assert not limits.learn("http://a/v1", m, "top_p", body(m, top_p=0.5), bad_value)
    assert limits.learned("http://a/v1", m) == {"temperature"}
    assert limits.learned("http://b/v1", m) == frozenset()
    assert "temperature" not in limits.apply("http://a/v1", m, request)
    assert "temperature" in limits.apply("http://b/v1", m, request)


def test_learned_limits_refine_the_profile():
    limits = LearnedLimits()
    url = "http://a/v1"
    request = body(
        "m", instructions="x", tools=[WEATHER], tool_choice="required", reasoning={"effort": "low"}
    )
    streamed = body("m", text_format=PERSON_FORMAT, stream=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", OVHCompatibilityWarning)
        for param in ("instructions", "tool_choice", "reasoning.effort"):
            assert limits.learn(url, "m", param, request)
        assert limits.learn(url, "m", "text", streamed)
        assert limits.learn(url, "m", "text", body("m", text_format=PERSON_FORMAT))
        assert not limits.learn(url, "m", "text", body("m", input="no format here"))
        limits.learn_route(url, "m")
    refined = limits.refine(url, "m", DEFAULT_PROFILE)
    assert refined == replace(
        DEFAULT_PROFILE,
        accepts_system_prompt=False,
        tool_choice_modes="auto_only",
        reasoning=None,
        structured_streaming=False,
        json_schema=False,
        route="chat_completions",
    )
    assert limits.refine("http://b/v1", "m", DEFAULT_PROFILE) is DEFAULT_PROFILE
    limits.clear()
    assert limits.refine(url, "m", DEFAULT_PROFILE) is DEFAULT_PROFILE


# ----- helpers ---------------------------------------------------------------------------------


def response(*output: dict[str, Any]) -> Response:
    return Response.model_validate(
        {
            "id": "resp_1",
            "object": "response",
            "created_at": 0,
            "model": "local-chat",
            "output": list(output),
            "parallel_tool_calls": True,
            "tool_choice": "auto",
            "tools": [],
            "status": "completed",
        }
    )


def message_item(text: str) -> dict[str, Any]:
    return {
        "type": "message",
        "id": "msg_1",
        "role": "assistant",
        "status": "completed",
        "content": [{"type": "output_text", "text": text, "annotations": []}],
    }


def call_item(name: str, arguments: str, call_id: str) -> dict[str, Any]:
    return {
        "type": "function_call",
        "id": f"fc_{call_id}",
        "call_id": call_id,
        "name": name,
        "arguments": arguments,
        "status": "completed",
    }


def text_result(text: str) -> Result:
    return parse_response(response(message_item(text)))


def calls_result(*names: str, arguments: str = '{"city": "Paris"}') -> Result:
    return parse_response(
        response(*(call_item(name, arguments, f"call_{n}") for n, name in enumerate(names)))
    )


# ----- over HTTP: what the local endpoint's test models accept ---------------------------------


@pytest.fixture
def sdk(endpoint) -> openai.OpenAI:
    return openai.OpenAI(base_url=endpoint.base_url, api_key="unused", max_retries=0)


def send(sdk: openai.OpenAI, request: Any) -> Result:
    with translate(model=request["model"]):
        return parse_response(sdk.responses.create(**request))


def refused(sdk: openai.OpenAI, request: Any) -> BadRequestError:
    with pytest.raises(BadRequestError) as info:
        send(sdk, request)
    return info.value


def refused_param(sdk: openai.OpenAI, request: Any) -> str | None:
    return refused(sdk, request).param


def learn_and_retry(sdk: openai.OpenAI, base_url: str, request: Any) -> tuple[Result, Adaptation]:
    """The client's flow on a 400 naming a parameter: learn, adapt again, retry once."""
    limits = LearnedLimits()
    model = request["model"]
    error = refused(sdk, request)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", OVHCompatibilityWarning)
        assert limits.learn(base_url, model, error.param, request, error.message)
        profile = limits.refine(base_url, model, DEFAULT_PROFILE)
        retried, notes = adapt_request(request, profile)
    return send(sdk, limits.apply(base_url, model, retried)), notes


def test_folded_instructions_are_accepted_and_followed(sdk):
    request = body("local-no-system", instructions="Answer in French.", input="Say hello.")
    assert refused_param(sdk, request) == "instructions"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", OVHCompatibilityWarning)
        adapted, _ = adapt_request(request, profile_for("local-no-system"))
    assert send(sdk, adapted).status == "completed"


def test_a_refused_system_prompt_is_learned_and_the_retry_succeeds(sdk, endpoint):
    request = body("local-no-system", instructions="Be brief.", input="Say hello.")
    result, notes = learn_and_retry(sdk, endpoint.base_url, request)
    assert result.text
    assert notes.changes
    assert "instructions" not in endpoint.requests[-1].body


def test_required_tool_on_an_auto_only_model_over_http(sdk):
    profile = profile_for("local-tool-choice-auto-only")
    named = body(
        "local-tool-choice-auto-only",
        input="Use get_weather for Paris.",
        tools=[WEATHER],
        tool_choice="required",
    )
    assert refused_param(sdk, named) == "tool_choice"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", OVHCompatibilityWarning)
        adapted, notes = adapt_request(named, profile)
    assert finish_result(send(sdk, adapted), notes).function_calls[0].name == "get_weather"
    unnamed = {**named, "input": "Hello there, how are you?"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", OVHCompatibilityWarning)
        adapted, notes = adapt_request(unnamed, profile)
    answer = send(sdk, adapted)
    with pytest.raises(RequiredToolNotCalledError):
        finish_result(answer, notes)


def test_one_call_is_kept_on_a_model_without_parallel_calls(sdk, endpoint):
    request = body(
        "local-no-parallel-tools",
        input="Use get_weather and get_time for Paris.",
        tools=[WEATHER, TIME],
    )
    adapted, notes = adapt_request(request, profile_for("local-no-parallel-tools"))
    result = finish_result(send(sdk, adapted), notes)
    assert len(result.function_calls) == 1
    assert endpoint.requests[-1].body["parallel_tool_calls"] is False


def test_structured_output_is_delivered_as_a_stream_when_it_cannot_stream(sdk):
    request = body(
        "local-no-stream-structured",
        input="Ada Lovelace was 36.",
        text_format=PERSON_FORMAT,
        stream=True,
    )
    assert refused_param(sdk, request) == "text"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", OVHCompatibilityWarning)
        adapted, notes = adapt_request(request, profile_for("local-no-stream-structured"))
    assert notes.stream_as_single
    deltas = list(result_as_deltas(send(sdk, adapted)))
    text = "".join(d.text for d in deltas if isinstance(d, TextDelta))
    assert set(json.loads(text)) == {"name", "age"}
    assert isinstance(deltas[-1], Done)
    assert deltas[-1].result.text == text


def test_unsupported_structured_streaming_is_learned(sdk, endpoint):
    request = body(
        "local-no-stream-structured", input="Ada is 36.", text_format=PERSON_FORMAT, stream=True
    )
    result, notes = learn_and_retry(sdk, endpoint.base_url, request)
    assert notes.stream_as_single
    assert json.loads(result.text)["age"] == 36


def test_refused_reasoning_options_are_learned_and_dropped(sdk, endpoint):
    request = body("local-chat", input="Hello.", reasoning={"effort": "high"})
    result, _ = learn_and_retry(sdk, endpoint.base_url, request)
    assert result.text
    assert "reasoning" not in endpoint.requests[-1].body


def test_structured_output_through_a_forced_function_over_http(sdk):
    profile = replace(profile_for("local-chat"), json_schema=False)
    request = body("local-chat", input="Ada Lovelace was 36.", text_format=PERSON_FORMAT)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", OVHCompatibilityWarning)
        adapted, notes = adapt_request(request, profile)
    result = finish_result(send(sdk, adapted), notes)
    assert set(json.loads(result.text)) == {"name", "age"}
    assert result.function_calls == []


def test_a_bad_value_is_not_learned(sdk, endpoint):
    error = refused(sdk, body("local-chat", input="Hello.", temperature=5.0))
    assert error.param == "temperature"
    limits = LearnedLimits()
    request = body("local-chat", temperature=5.0)
    assert not limits.learn(endpoint.base_url, "local-chat", error.param, request, error.message)


def test_a_model_only_on_chat_completions_is_rerouted(sdk, endpoint):
    limits = LearnedLimits()
    request = body("local-chat-completions-only", input="Hello.")
    with pytest.raises(ModelNotOnRouteError):
        send(sdk, request)
    with pytest.warns(OVHCompatibilityWarning, match="/v1/chat/completions"):
        limits.learn_route(endpoint.base_url, "local-chat-completions-only")
    refined = limits.refine(endpoint.base_url, "local-chat-completions-only", DEFAULT_PROFILE)
    assert choose_route("auto", refined) == "chat_completions"
    with translate():
        answer = result_from_completion(sdk.chat.completions.create(**to_chat_request(request)))
    assert answer.text
