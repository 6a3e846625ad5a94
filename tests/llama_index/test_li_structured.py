"""Structured output over real HTTP: json_schema through text.format in the normal request path,
growing partial objects while streaming, as_structured_llm, and function calling for models that
cannot enforce a schema."""

from __future__ import annotations

import json

import pytest
from llama_index.core.base.llms.types import ChatMessage
from llama_index.core.program.utils import FlexibleModel
from llama_index.core.prompts import PromptTemplate
from llama_index.core.types import PydanticProgramMode
from pydantic import BaseModel

from llama_index_ovh_responses import OVHResponses
from ovh_responses.errors import OVHCompatibilityWarning
from ovh_responses.testing import ModelSpec


class City(BaseModel):
    """A city and what it is known for."""

    name: str
    country: str
    population: int
    landmarks: list[str]


PROMPT = PromptTemplate("Describe the city {city} as JSON.")


def test_structured_predict_uses_json_schema_and_keeps_the_settings(make_llm, endpoint):
    llm = make_llm(temperature=0.2, max_output_tokens=400, system_prompt="You know geography.")
    city = llm.structured_predict(City, PROMPT, city="Paris")
    assert isinstance(city, City)
    body = endpoint.bodies()[-1]
    fmt = body["text"]["format"]
    assert fmt["type"] == "json_schema"
    assert fmt["name"] == "City"
    assert set(fmt["schema"]["properties"]) == {"name", "country", "population", "landmarks"}
    assert "tools" not in body  # no function-calling detour
    assert (body["temperature"], body["max_output_tokens"]) == (0.2, 400)
    assert body["input"][0] == {
        "type": "message",
        "role": "system",
        "content": "You know geography.",
    }
    assert "Paris" in json.dumps(body["input"][1])


async def test_astructured_predict(llm):
    city = await llm.astructured_predict(City, PROMPT, city="Rome")
    assert city == llm.structured_predict(City, PROMPT, city="Rome")


def test_strict_structured_output_sends_a_strict_schema(make_llm, endpoint):
    make_llm(strict=True).structured_predict(City, PROMPT, city="Oslo")
    fmt = endpoint.bodies()[-1]["text"]["format"]
    assert fmt["strict"] is True
    assert fmt["schema"]["additionalProperties"] is False


def _growing(objects: list[BaseModel]) -> None:
    assert len(objects) > 2
    assert isinstance(objects[-1], City)
    assert any(isinstance(o, FlexibleModel) for o in objects[:-1])  # incomplete early on
    sizes = [len(json.dumps(o.model_dump(exclude_none=True))) for o in objects]
    assert sizes == sorted(sizes)


def test_stream_structured_predict_yields_growing_partial_objects(llm, endpoint):
    objects = list(llm.stream_structured_predict(City, PROMPT, city="Lisbon"))
    _growing(objects)
    assert objects[-1] == llm.structured_predict(City, PROMPT, city="Lisbon")
    assert endpoint.bodies()[0]["stream"] is True


async def test_astream_structured_predict(llm):
    objects = [o async for o in await llm.astream_structured_predict(City, PROMPT, city="Lisbon")]
    _growing(objects)


def test_model_that_cannot_stream_structured_output_still_yields_the_object(make_llm, endpoint):
    llm = make_llm("local-no-stream-structured")
    with pytest.warns(match="cannot stream structured output"):
        objects = list(llm.stream_structured_predict(City, PROMPT, city="Porto"))
    assert len(objects) == 1
    assert isinstance(objects[0], City)
    assert endpoint.bodies()[-1].get("stream") in (None, False)  # asked for in one piece


def test_as_structured_llm(llm):
    structured = llm.as_structured_llm(City)
    messages = [ChatMessage(role="user", content="Describe Vienna as JSON.")]
    response = structured.chat(messages)
    assert isinstance(response.raw, City)
    assert City.model_validate_json(response.message.content or "") == response.raw
    chunks = list(structured.stream_chat(messages))
    assert len(chunks) > 1
    assert chunks[-1].raw == response.raw


async def test_as_structured_llm_async(llm):
    structured = llm.as_structured_llm(City)
    response = await structured.achat([ChatMessage(role="user", content="Describe Vienna.")])
    assert isinstance(response.raw, City)


def test_function_calling_where_json_schema_is_missing(make_endpoint, forget_process_memory):
    # A model that calls tools but does not enforce JSON schemas (its profile says so).
    server = make_endpoint(models=[ModelSpec("local-no-json-schema", 8192, structured=False)])
    llm = OVHResponses("local-no-json-schema", api_base=server.base_url)
    assert not llm.profile.json_schema
    with pytest.warns(OVHCompatibilityWarning, match="does not enforce JSON schemas"):
        city = llm.structured_predict(City, PROMPT, city="Prague")
    assert isinstance(city, City)
    body = server.bodies()[-1]
    assert [t["name"] for t in body["tools"]] == ["City"]
    assert body["tool_choice"] == {"type": "function", "name": "City"}
    assert "text" not in body


def test_function_program_mode_is_respected(make_llm, endpoint):
    llm = make_llm(pydantic_program_mode=PydanticProgramMode.FUNCTION)
    assert isinstance(llm.structured_predict(City, PROMPT, city="Bern"), City)
    body = endpoint.bodies()[-1]
    assert body["tool_choice"] == "required"
    assert "text" not in body
