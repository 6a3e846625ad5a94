"""The local endpoint's deterministic model: tool calls, tool results, JSON, RAG, exact replies."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import pytest
from openai import OpenAI
from pydantic import BaseModel, Field

if TYPE_CHECKING:
    from openai.types.responses import Response, ResponseFunctionToolCall


def tool(name: str, description: str, schema: type[BaseModel] | dict[str, Any]) -> Any:
    params = schema if isinstance(schema, dict) else schema.model_json_schema()
    return {"type": "function", "name": name, "description": description, "parameters": params}


class Magic(BaseModel):
    input: int = Field(gt=-1000, lt=1000)


class Adder(BaseModel):
    a: int
    b: int


class Location(BaseModel):
    location: str


class Unit(StrEnum):
    celsius = "celsius"
    fahrenheit = "fahrenheit"


class Address(BaseModel):
    street: str
    zip_code: int = Field(ge=1000, le=99999)


class Order(BaseModel):
    customer_name: str
    quantity: int = Field(ge=1)
    unit: Unit
    express: bool
    tags: list[str] = Field(min_length=2)
    address: Address
    note: str | None = None


MAGIC = tool("magic_function", "Apply a magic function to an input.", Magic)
ADDER = tool("my_adder_tool", "Tool that adds two integers.", Adder)
WEATHER = tool("get_weather", "Get the weather at a location.", Location)
ORDER = tool("place_order", "Place an order for a customer.", Order)


def calls(response: Response) -> list[ResponseFunctionToolCall]:
    return [item for item in response.output if item.type == "function_call"]


def ask(sdk: OpenAI, prompt: Any, **kw: Any) -> Response:
    response: Response = sdk.responses.create(model="local-chat", input=prompt, store=False, **kw)
    return response


def test_tool_named_in_the_prompt_is_called_with_the_prompt_number(sdk: OpenAI) -> None:
    prompt = "What is the value of magic_function(3)? Use the tool."
    [call] = calls(ask(sdk, prompt, tools=[MAGIC]))
    assert call.name == "magic_function"
    assert json.loads(call.arguments) == {"input": 3}


def test_tool_asked_for_by_what_it_does(sdk: OpenAI) -> None:
    [call] = calls(ask(sdk, "What is the weather in San Francisco, CA?", tools=[WEATHER]))
    assert call.name == "get_weather"
    assert json.loads(call.arguments) == {"location": "San Francisco, CA"}
    [add] = calls(ask(sdk, "What is 3 + 4", tools=[ADDER]))
    assert json.loads(add.arguments) == {"a": 3, "b": 4}


def test_no_tool_call_when_the_prompt_does_not_ask_for_one(sdk: OpenAI) -> None:
    response = ask(sdk, "Hello!", tools=[MAGIC, WEATHER])
    assert calls(response) == []
    assert response.output_text


@pytest.mark.parametrize(
    ("choice", "name"),
    [("required", "magic_function"), ({"type": "function", "name": "get_weather"}, "get_weather")],
)
def test_tool_choice_forces_a_call(sdk: OpenAI, choice: Any, name: str) -> None:
    [call] = calls(ask(sdk, "Hello!", tools=[MAGIC, WEATHER], tool_choice=choice))
    assert call.name == name
    schema = Magic if name == "magic_function" else Location
    schema.model_validate_json(call.arguments)


def test_tool_choice_none_never_calls(sdk: OpenAI) -> None:
    response = ask(sdk, "magic_function(3) please", tools=[MAGIC], tool_choice="none")
    assert calls(response) == []


def test_arguments_are_valid_against_a_rich_schema(sdk: OpenAI) -> None:
    prompt = (
        "Place an order for the customer named 'Ada Lovelace': quantity is 3, unit fahrenheit, "
        "express delivery, tags 'gift' and 'fragile'."
    )
    [call] = calls(ask(sdk, prompt, tools=[ORDER], tool_choice="required"))
    order = Order.model_validate_json(call.arguments)
    assert order.customer_name == "Ada Lovelace"
    assert order.quantity == 3
    assert order.unit is Unit.fahrenheit
    assert order.express is True
    assert order.tags == ["gift", "fragile"]


def test_unicode_arguments_are_kept(sdk: OpenAI) -> None:
    customer = tool(
        "unicode_customer",
        "Create a customer.",
        {
            "type": "object",
            "properties": {"customer_name": {"type": "string"}, "description": {"type": "string"}},
            "required": ["customer_name", "description"],
        },
    )
    prompt = "Create a customer named '你好啊集团' (Hello Group) - a Chinese technology company"
    [call] = calls(ask(sdk, prompt, tools=[customer], tool_choice="required"))
    assert "你好啊集团" in call.arguments
    assert json.loads(call.arguments)["customer_name"] == "你好啊集团"


def test_two_named_tools_are_called_in_parallel_unless_disabled(sdk: OpenAI) -> None:
    prompt = "What is the weather in Paris, and what is 2 + 5?"
    both = calls(ask(sdk, prompt, tools=[WEATHER, ADDER]))
    assert [c.name for c in both] == ["get_weather", "my_adder_tool"]
    assert len({c.call_id for c in both}) == 2
    one = calls(ask(sdk, prompt, tools=[WEATHER, ADDER], parallel_tool_calls=False))
    assert [c.name for c in one] == ["get_weather"]


def test_tool_round_trip_answers_with_the_output(sdk: OpenAI) -> None:
    first = ask(sdk, "What is 1 + 2", tools=[ADDER])
    [call] = calls(first)
    history: list[Any] = [
        {"role": "user", "content": "What is 1 + 2"},
        {
            "type": "function_call",
            "call_id": call.call_id,
            "name": call.name,
            "arguments": call.arguments,
        },
        {"type": "function_call_output", "call_id": call.call_id, "output": '{"result": 3}'},
    ]
    second = ask(sdk, history, tools=[ADDER])
    assert calls(second) == []
    assert second.output_text == 'The result of my_adder_tool is {"result": 3}.'


def test_chat_style_tool_messages_are_accepted(sdk: OpenAI) -> None:
    history: list[Any] = [
        {"role": "user", "content": "What is the weather in Paris?"},
        {"role": "tool", "tool_call_id": "call_1", "content": "It's sunny."},
    ]
    response = ask(sdk, history, tools=[WEATHER])
    assert "It's sunny." in response.output_text


class Joke(BaseModel):
    setup: str = Field(description="question to set up a joke")
    punchline: str = Field(description="answer to resolve the joke")


class Person(BaseModel):
    name: str
    age: int = Field(ge=0)
    email: str | None
    hobbies: list[str]


def test_json_schema_output_is_valid_and_filled_from_the_prompt(sdk: OpenAI) -> None:
    parsed = sdk.responses.parse(
        model="local-chat",
        input="The name is 'Grace Hopper', age is 85, hobbies 'navy' and 'compilers'.",
        text_format=Person,
        store=False,
    )
    person = parsed.output_parsed
    assert person is not None
    assert (person.name, person.age, person.hobbies) == ("Grace Hopper", 85, ["navy", "compilers"])
    joke = sdk.responses.parse(
        model="local-chat", input="Tell me a joke about cats.", text_format=Joke, store=False
    ).output_parsed
    assert joke is not None
    assert joke.setup
    assert joke.punchline


def test_json_object_uses_the_keys_the_prompt_quotes(sdk: OpenAI) -> None:
    prompt = (
        "Tell me a joke about cats. Return the result as a JSON with 'setup' and 'punchline' "
        "keys. Return nothing other than JSON."
    )
    response = ask(sdk, prompt, text={"format": {"type": "json_object"}})
    assert set(json.loads(response.output_text)) == {"setup", "punchline"}


def test_rag_context_answer_is_the_best_overlapping_sentence(sdk: OpenAI) -> None:
    prompt = (
        "Context information is below.\n---------------------\n"
        "Paris is the capital of France. The Eiffel tower is 330 metres tall. "
        "Berlin is the capital of Germany.\n---------------------\n"
        "Given the context information and not prior knowledge, answer the query.\n"
        "Query: How tall is the Eiffel tower?\nAnswer: "
    )
    assert ask(sdk, prompt).output_text == "The Eiffel tower is 330 metres tall."


def test_rag_context_in_separate_passages(sdk: OpenAI) -> None:
    messages: list[Any] = [
        {
            "role": "system",
            "content": "Answer from the context.\nContext:\nOslo is the capital of Norway.\n\n"
            "Bananas are rich in potassium.\n\nThe Nile is the longest river in Africa.",
        },
        {"role": "user", "content": "Which river is the longest in Africa?"},
    ]
    assert ask(sdk, messages).output_text == "The Nile is the longest river in Africa."


@pytest.mark.parametrize(
    ("prompt", "answer"),
    [
        ("Reply with exactly: PONG", "PONG"),
        ("Say 'hello world'", "hello world"),
        ("Respond with only the word Paris.", "Paris"),
        ("hi", "Hello! How can I help you today?"),
    ],
)
def test_exact_and_default_replies(sdk: OpenAI, prompt: str, answer: str) -> None:
    assert ask(sdk, prompt).output_text == answer


def test_default_answer_names_the_question_words(sdk: OpenAI) -> None:
    text = ask(sdk, "Explain photosynthesis in plants").output_text
    assert "photosynthesis" in text
    assert "plants" in text


REACT_ARGS = json.dumps(Adder.model_json_schema())
REACT_SYSTEM = f"""You are designed to help with a variety of tasks.

## Tools

You have access to the following tools:
> Tool Name: multiply
Tool Description: multiply(a: int, b: int) -> int
Multiply two integers.
Tool Args: {REACT_ARGS}

## Output Format

```
Thought: The current language of the user is: (user's language). I need to use a tool.
Action: tool name (one of multiply) if using a tool.
Action Input: the input to the tool, in a JSON format representing the kwargs
(e.g. {{"input": "hello"}})
```

```
Thought: I can answer without using any more tools. I'll use the user's language to answer
Answer: [your answer here (In the same language as the user's question)]
```
"""


def test_react_format_action_then_answer(sdk: OpenAI) -> None:
    first: list[Any] = [
        {"role": "system", "content": REACT_SYSTEM},
        {"role": "user", "content": "What is 6 times 7?"},
    ]
    step = ask(sdk, first).output_text
    assert step.startswith("Thought:")
    assert "\nAction: multiply\nAction Input: " in step
    assert json.loads(step.split("Action Input: ", 1)[1]) == {"a": 6, "b": 7}
    second = [
        *first,
        {"role": "assistant", "content": step},
        {"role": "user", "content": "Observation: 42"},
    ]
    final = ask(sdk, second).output_text
    assert final.startswith("Thought: I can answer without using any more tools.")
    assert final.endswith("Answer: The result of multiply is 42.")


def test_rag_answer_spanning_two_sentences(sdk: OpenAI) -> None:
    prompt = (
        "Context:\nThe Eiffel Tower was completed in 1889 in Paris. It is made of wrought iron "
        "and is 330 metres tall. Bananas are yellow.\nQuestion: How tall is the Eiffel Tower?"
    )
    assert ask(sdk, prompt).output_text == (
        "The Eiffel Tower was completed in 1889 in Paris. "
        "It is made of wrought iron and is 330 metres tall."
    )


def test_condense_prompt_gets_the_follow_up_question(sdk: OpenAI) -> None:
    prompt = (
        "Given a conversation (between Human and Assistant) and a follow up message from Human, "
        "rewrite the message to be a standalone question.\n\nChat History:\nuser: hi\n"
        "assistant: hello\n\nFollow Up Input: How tall is the Eiffel Tower?\nStandalone question:"
    )
    assert ask(sdk, prompt).output_text == "How tall is the Eiffel Tower?"


class Weather(BaseModel):
    """The weather in a city."""

    city: str
    temperature_c: int


WEATHER_ANSWER = tool("Weather", "The weather in a city.", Weather)


def _after(prompt: str, name: str, arguments: str, output: str) -> list[Any]:
    return [
        {"role": "user", "content": prompt},
        {"type": "function_call", "call_id": "call_1", "name": name, "arguments": arguments},
        {"type": "function_call_output", "call_id": "call_1", "output": output},
    ]


def test_the_data_tool_comes_before_the_tool_that_shapes_the_answer(sdk: OpenAI) -> None:
    """An agent's structured-output tool is called once the data is in, with the data's values."""
    prompt = "What is the weather in Lyon? Use get_weather."
    tools = [WEATHER, WEATHER_ANSWER]
    [first] = calls(ask(sdk, prompt, tools=tools, tool_choice="required"))
    assert (first.name, json.loads(first.arguments)) == ("get_weather", {"location": "Lyon"})
    history = _after(prompt, "get_weather", first.arguments, "It is 17 degrees and sunny in Lyon")
    [second] = calls(ask(sdk, history, tools=tools, tool_choice="required"))
    assert second.name == "Weather"
    assert json.loads(second.arguments) == {"city": "Lyon", "temperature_c": 17}


def test_the_answer_tool_alone_is_filled_from_the_prompt(sdk: OpenAI) -> None:
    [call] = calls(
        ask(sdk, "In Nice it is 24 degrees.", tools=[WEATHER_ANSWER], tool_choice="required")
    )
    assert json.loads(call.arguments) == {"city": "Nice", "temperature_c": 24}


def test_the_answer_tool_is_called_after_the_data_even_when_the_prompt_does_not_name_it(
    sdk: OpenAI,
) -> None:
    forecast = tool("Forecast", "The forecast.", Weather)
    history = _after("Use get_weather for Oslo.", "get_weather", "{}", "Oslo: 3 degrees, snow.")
    [call] = calls(ask(sdk, history, tools=[WEATHER, forecast], tool_choice="required"))
    assert (call.name, json.loads(call.arguments)) == (
        "Forecast",
        {"city": "Oslo", "temperature_c": 3},
    )


@pytest.mark.parametrize("offered", [[WEATHER], [WEATHER, tool("handoff", "Hand off.", Location)]])
def test_after_a_hand_off_the_next_agent_calls_the_tool_the_user_asked_for(
    sdk: OpenAI, offered: list[Any]
) -> None:
    prompt = "Use handoff with to_agent: weather, then get_weather for Bern."
    history = _after(prompt, "handoff", '{"to_agent": "weather"}', "Agent weather is now handling")
    [call] = calls(ask(sdk, history, tools=offered))
    assert (call.name, json.loads(call.arguments)) == ("get_weather", {"location": "Bern"})
    history += [
        {"type": "function_call", "call_id": "call_2", "name": "get_weather", "arguments": "{}"},
        {"type": "function_call_output", "call_id": "call_2", "output": "Snow in Bern."},
    ]
    answer = ask(sdk, history, tools=offered)
    assert calls(answer) == []
    assert answer.output_text == "The result of get_weather is Snow in Bern."


def test_after_a_hand_off_without_a_tool_asked_for_the_next_agent_answers(sdk: OpenAI) -> None:
    history = _after("Use handoff with to_agent: meteo.", "handoff", "{}", "Agent meteo is on.")
    answer = ask(sdk, history, tools=[WEATHER])
    assert calls(answer) == []
    assert answer.output_text == "The result of handoff is Agent meteo is on."


class SingleSelection(BaseModel):
    index: int
    reason: str


def _selection_prompt(question: str) -> str:
    return (
        "Some choices are given below. It is provided in a numbered list (1 to 3).\n"
        "---------------------\n"
        "(1) Facts about the Eiffel Tower in Paris.\n\n"
        "(2) Facts about the Colosseum in Rome.\n\n"
        "(3) Facts about the Sagrada Familia in Barcelona.\n"
        "---------------------\n"
        f"Using only the choices above, pick the most relevant to the question: '{question}'\n"
    )


@pytest.mark.parametrize(
    ("question", "index"),
    [
        ("When was the Eiffel Tower completed?", 1),
        ("How many spectators could the Colosseum hold?", 2),
        ("Who designed the Sagrada Familia?", 3),
        ("What's the weather like?", 1),  # nothing matches: the first choice
    ],
)
def test_a_selector_picks_the_choice_that_matches_the_question(
    sdk: OpenAI, question: str, index: int
) -> None:
    selector = tool("SingleSelection", "A selection of a choice.", SingleSelection)
    prompt = _selection_prompt(question)
    [call] = calls(ask(sdk, prompt, tools=[selector], tool_choice="required"))
    assert json.loads(call.arguments)["index"] == index
