"""Synthetic training conversations for the engine tier's tiny model.

Every sample is ``(messages, tools, reasoning, answer)``: the chat so far (OpenAI chat shapes,
rendered by the model's own chat template), the tools offered (or ``None``), and the assistant
turn to learn: a short reasoning line, then either a brief answer, Hermes-style
``<tool_call>`` blocks, or a JSON document. The model learns formats and turn endings, not facts;
the engine's guided decoding takes care of schemas.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable

Message = dict[str, Any]
Tool = dict[str, Any]

CAPITALS = {
    "France": "Paris",
    "Germany": "Berlin",
    "Spain": "Madrid",
    "Italy": "Rome",
    "Portugal": "Lisbon",
    "Austria": "Vienna",
    "Poland": "Warsaw",
    "Ireland": "Dublin",
    "Norway": "Oslo",
    "Greece": "Athens",
    "Belgium": "Brussels",
    "Canada": "Ottawa",
    "Japan": "Tokyo",
}
CITIES = [*CAPITALS.values(), "Lyon", "Roubaix", "Montreal", "London", "Gravelines"]
PEOPLE = ["Alice", "Bob", "Carol", "Dave", "Erin", "Frank", "Grace", "Heidi", "Ivan", "Judy"]
ANIMALS = ["cats", "dogs", "owls", "bears", "fish", "parrots", "ducks", "frogs"]
COLORS = ["red", "blue", "green", "yellow", "black", "white", "purple", "orange"]
TOPICS = ["python", "the moon", "cheese", "trains", "rain", "music", "chess", "bread", "clouds"]
WEATHER = ["sunny", "cloudy", "rainy", "windy", "snowy", "foggy"]
SYSTEMS = [
    "You are a helpful assistant.",
    "You are a concise assistant. Answer briefly.",
    "Answer in one sentence.",
    "You are a friendly bot.",
    "You are an assistant for OVHcloud customers.",
]
GREETINGS = [
    ("Hello", "Hello! How can I help you today?"),
    ("Hi", "Hi! What can I do for you?"),
    ("Hi there!", "Hello! How can I help?"),
    ("Hey, how are you?", "I am fine, thank you. How can I help?"),
    ("Good morning", "Good morning! How can I help you?"),
    ("Who are you?", "I am a small assistant."),
    ("What is your name?", "I am a small assistant."),
    ("Thanks!", "You are welcome!"),
    ("Thank you", "You are welcome."),
    ("Bye", "Goodbye!"),
]


@dataclass(frozen=True)
class Sample:
    messages: list[Message]
    tools: list[Tool] | None
    reasoning: str
    answer: str
    thinking: bool = True


def _tool(name: str, description: str, properties: dict[str, Any]) -> Tool:
    parameters: dict[str, Any] = {
        "type": "object",
        "properties": properties,
        "required": list(properties),
    }
    return {
        "type": "function",
        "function": {"name": name, "description": description, "parameters": parameters},
    }


_STR = {"type": "string"}
_INT = {"type": "integer"}


@dataclass(frozen=True)
class ToolKind:
    """A tool, how a user asks for it, and what it returns."""

    spec: Tool
    ask: Callable[[random.Random], tuple[str, dict[str, Any]]]
    run: Callable[[dict[str, Any]], str]
    tell: Callable[[dict[str, Any], str], str]

    @property
    def name(self) -> str:
        return str(self.spec["function"]["name"])


def _ask_weather(r: random.Random) -> tuple[str, dict[str, Any]]:
    city = r.choice(CITIES)
    form = r.choice(
        [
            "What is the weather in {c}?",
            "How is the weather in {c}?",
            "Is it raining in {c}?",
            "weather in {c}",
            "What's the weather like in {c}?",
        ]
    )
    return form.format(c=city), {"city": city}


def _ask_magic(r: random.Random) -> tuple[str, dict[str, Any]]:
    n = r.randint(0, 99)
    form = r.choice(
        [
            "What is the value of magic_function({n})?",
            "What is the value of magic_function({n})? Use the tool.",
            "Call magic_function with {n}.",
            "magic_function({n})",
        ]
    )
    return form.format(n=n), {"input": n}


def _ask_add(r: random.Random) -> tuple[str, dict[str, Any]]:
    a, b = r.randint(0, 50), r.randint(0, 50)
    form = r.choice(
        [
            "What is {a} plus {b}?",
            "Add {a} and {b}.",
            "Use the tool to add {a} and {b}.",
            "What is {a} + {b}? Use the add tool.",
        ]
    )
    return form.format(a=a, b=b), {"a": a, "b": b}


def _ask_search(r: random.Random) -> tuple[str, dict[str, Any]]:
    topic = r.choice(TOPICS)
    form = r.choice(["Search for {t}.", "Look up {t} on the web.", "Find news about {t}."])
    return form.format(t=topic), {"query": topic}


def _ask_lookup(r: random.Random) -> tuple[str, dict[str, Any]]:
    name = r.choice(PEOPLE)
    form = r.choice(["Who is {p}?", "Look up the user {p}.", "Find the email of {p}."])
    return form.format(p=name), {"name": name}


def _ask_time(r: random.Random) -> tuple[str, dict[str, Any]]:
    city = r.choice(CITIES)
    return f"What time is it in {city}?", {"city": city}


def _ask_no_args(r: random.Random) -> tuple[str, dict[str, Any]]:
    form = r.choice(
        [
            "What is the value of magic_function_no_args()?",
            "What is the value of magic_function_no_args()? Use the tool.",
            "Call magic_function_no_args.",
        ]
    )
    return form, {}


TOOL_KINDS = [
    ToolKind(
        _tool("get_weather", "Get the current weather in a city.", {"city": _STR}),
        _ask_weather,
        lambda a: f"{WEATHER[len(a['city']) % 6]}, {len(a['city']) + 12} C",
        lambda a, out: f"The weather in {a['city']} is {out}.",
    ),
    ToolKind(
        _tool("magic_function", "Applies a magic function to an input.", {"input": _INT}),
        _ask_magic,
        lambda a: str(a["input"] + 2),
        lambda a, out: f"The value of magic_function({a['input']}) is {out}.",
    ),
    ToolKind(
        _tool("add", "Add two integers.", {"a": _INT, "b": _INT}),
        _ask_add,
        lambda a: str(a["a"] + a["b"]),
        lambda a, out: f"{a['a']} plus {a['b']} is {out}.",
    ),
    ToolKind(
        _tool("search", "Search the web.", {"query": _STR}),
        _ask_search,
        lambda a: f"Top result: {a['query']} on Wikipedia",
        lambda a, out: f"I found this: {out}.",
    ),
    ToolKind(
        _tool("lookup_user", "Find a user by name.", {"name": _STR}),
        _ask_lookup,
        lambda a: json.dumps({"name": a["name"], "email": f"{a['name'].lower()}@example.com"}),
        lambda a, out: f"{a['name']} can be reached at {a['name'].lower()}@example.com.",
    ),
    ToolKind(
        _tool("get_time", "Get the local time in a city.", {"city": _STR}),
        _ask_time,
        lambda a: f"{len(a['city']) % 12 + 8}:15",
        lambda a, out: f"It is {out} in {a['city']}.",
    ),
    ToolKind(
        _tool("magic_function_no_args", "Calls a magic function.", {}),
        _ask_no_args,
        lambda a: "5",
        lambda a, out: f"The value of magic_function_no_args() is {out}.",
    ),
]


def tool_call_text(name: str, arguments: dict[str, Any]) -> str:
    """The exact block the Hermes structural tag of the engine forces (json.dumps spacing)."""
    return "<tool_call>\n" + json.dumps({"name": name, "arguments": arguments}) + "\n</tool_call>"


def _assistant_calls(calls: list[tuple[str, dict[str, Any]]], ids: list[str]) -> Message:
    return {
        "role": "assistant",
        "content": "",
        "tool_calls": [
            {"id": i, "type": "function", "function": {"name": n, "arguments": json.dumps(a)}}
            for i, (n, a) in zip(ids, calls, strict=True)
        ],
    }


def _chitchat(r: random.Random) -> tuple[str, str, str]:
    """(question, reasoning, answer) for a tool-free turn."""
    kind = r.randrange(8)
    if kind == 0:
        q, a = r.choice(GREETINGS)
        return q, "The user greets me.", a
    if kind == 1:
        country = r.choice(list(CAPITALS))
        q = r.choice(["What is the capital of {c}?", "capital of {c}?", "Name the capital of {c}."])
        return (
            q.format(c=country),
            f"The capital of {country} is {CAPITALS[country]}.",
            f"The capital of {country} is {CAPITALS[country]}.",
        )
    if kind == 2:
        a, b = r.randint(0, 20), r.randint(0, 20)
        q = r.choice(["What is {a} + {b}?", "What is {a} plus {b}?", "Compute {a} + {b}."])
        return q.format(a=a, b=b), f"{a} + {b} = {a + b}.", f"{a} + {b} = {a + b}."
    if kind == 3:
        animal = r.choice(ANIMALS)
        return (
            f"Tell me a joke about {animal}.",
            "A short joke.",
            f"Why do {animal} never lie? Because they are {r.choice(COLORS)}.",
        )
    if kind == 4:
        words = " ".join(r.choice(TOPICS + COLORS) for _ in range(r.randint(1, 3)))
        return f"Repeat after me: {words}", "I repeat the words.", words
    if kind == 5:
        color = r.choice(COLORS)
        return (
            f"What is your favorite color? Say {color}.",
            "The user wants a color.",
            f"My favorite color is {color}.",
        )
    if kind == 6:
        topic = r.choice(TOPICS)
        q = r.choice(["Write one sentence about {t}.", "Tell me about {t}.", "Describe {t}."])
        return q.format(t=topic), f"One sentence about {topic}.", f"{topic.capitalize()} is nice."
    n = r.randint(3, 8)
    return (f"Count from 1 to {n}.", "I count.", ", ".join(str(i) for i in range(1, n + 1)) + ".")


def _history(r: random.Random) -> list[Message]:
    messages: list[Message] = []
    if r.random() < 0.3:
        messages.append({"role": "system", "content": r.choice(SYSTEMS)})
    for _ in range(r.choice([0] * 8 + [1, 2])):
        q, _, a = _chitchat(r)
        messages += [{"role": "user", "content": q}, {"role": "assistant", "content": a}]
    return messages


def chat_sample(r: random.Random) -> Sample:
    q, reasoning, answer = _chitchat(r)
    tools = _offered(r, None) if r.random() < 0.1 else None
    return Sample([*_history(r), {"role": "user", "content": q}], tools, reasoning, answer)


def _offered(r: random.Random, wanted: ToolKind | None) -> list[Tool]:
    others = [k for k in TOOL_KINDS if k is not wanted]
    chosen = r.sample(others, 1 if wanted is None or r.random() < 0.3 else 0)
    if wanted is not None:
        chosen.insert(r.randrange(len(chosen) + 1), wanted)
    return [k.spec for k in chosen]


def tool_call_sample(r: random.Random) -> Sample:
    kind = r.choice(TOOL_KINDS)
    q, args = kind.ask(r)
    calls = [(kind.name, args)]
    if kind.name in ("get_weather", "get_time") and r.random() < 0.25:
        city = r.choice([c for c in CITIES if c != args["city"]])
        q = q.rstrip("?.") + f" and in {city}?"
        calls.append((kind.name, {"city": city}))
    messages = [*_history(r), {"role": "user", "content": q}]
    answer = "\n".join(tool_call_text(n, a) for n, a in calls)
    return Sample(messages, _offered(r, kind), f"I should call {kind.name}.", answer)


def tool_result_sample(r: random.Random) -> Sample:
    kind = r.choice(TOOL_KINDS)
    q, args = kind.ask(r)
    call_id = f"call_{r.randrange(10**8):08d}"
    out = kind.run(args)
    messages = [
        *_history(r),
        {"role": "user", "content": q},
        _assistant_calls([(kind.name, args)], [call_id]),
        {"role": "tool", "tool_call_id": call_id, "content": out},
    ]
    return Sample(messages, _offered(r, kind), f"The tool returned {out}.", kind.tell(args, out))


def _person(r: random.Random) -> tuple[str, dict[str, Any]]:
    name, age = r.choice(PEOPLE), r.randint(18, 90)
    city = r.choice(CITIES)
    text = r.choice(
        [
            "{n} is {a} years old.",
            "{n}, aged {a}, lives in {c}.",
            "My friend {n} is {a} and lives in {c}.",
        ]
    ).format(n=name, a=age, c=city)
    data: dict[str, Any] = {"name": name, "age": age}
    if "{c}" in text or city in text:
        data["city"] = city
    return text, data


def json_sample(r: random.Random) -> Sample:
    kind = r.randrange(4)
    if kind == 0:
        text, data = _person(r)
        q = r.choice(
            [
                "Extract the person as JSON: {t}",
                "{t} Return JSON.",
                "Return a JSON object with the name and age. {t}",
            ]
        ).format(t=text)
    elif kind == 1:
        animal = r.choice(ANIMALS)
        data = {
            "setup": f"Why do {animal} sleep all day?",
            "punchline": f"Because they are {r.choice(COLORS)}.",
        }
        q = r.choice(
            [
                f"Tell me a joke about {animal}. Answer in JSON.",
                f"Tell me a joke about {animal}. Return the result as a JSON with 'setup' "
                "and 'punchline' keys. Return nothing other than JSON.",
            ]
        )
    elif kind == 2:
        country = r.choice(list(CAPITALS))
        data = {"country": country, "capital": CAPITALS[country]}
        q = f"Give the capital of {country} as JSON."
    else:
        a, b = r.randint(0, 20), r.randint(0, 20)
        data = {"answer": a + b}
        q = f"What is {a} + {b}? Reply in JSON."
    answer = json.dumps(data)
    return Sample(
        [*_history(r), {"role": "user", "content": q}], None, "I will answer in JSON.", answer
    )


# ----- tools and JSON the model has never seen: names, keys and types drawn at random ----------

VERBS = ["get", "find", "create", "update", "fetch", "convert", "lookup", "send", "list", "make"]
NOUNS = ["data", "item", "customer", "order", "greeting", "report", "user", "price", "file", "note"]
KEYS = [
    "x",
    "y",
    "id",
    "name",
    "query",
    "text",
    "city",
    "location",
    "input",
    "count",
    "value",
    "style",
    "answer_style",
    "customer_name",
    "title",
    "amount",
    "unit",
    "flag",
    "code",
]
WORDS = ["alpha", "bravo", "pirate", "formal", "blue", "Paris", "hello", "report", "urgent"]


def _value(r: random.Random, kind: str) -> Any:
    if kind == "integer":
        return r.randint(0, 99)
    if kind == "number":
        return round(r.uniform(0, 100), 1)
    if kind == "boolean":
        return r.random() < 0.5
    return r.choice(WORDS)


def _random_object(r: random.Random) -> tuple[dict[str, Any], dict[str, Any]]:
    """(JSON schema of a flat object, a value of it)."""
    keys = r.sample(KEYS, r.randint(1, 3))
    kinds = {k: r.choice(["string", "string", "integer", "number", "boolean"]) for k in keys}
    schema = {
        "type": "object",
        "properties": {k: {"type": t} for k, t in kinds.items()},
        "required": keys,
    }
    return schema, {k: _value(r, kinds[k]) for k in keys}


def generic_tool_sample(r: random.Random) -> Sample:
    name = "f" if r.random() < 0.05 else f"{r.choice(VERBS)}_{r.choice(NOUNS)}"
    schema, args = _random_object(r)
    tool: Tool = {
        "type": "function",
        "function": {
            "name": name,
            "description": f"{name.replace('_', ' ').capitalize()}.",
            "parameters": schema,
        },
    }
    said = ", ".join(f"{k} {v}" for k, v in args.items())
    q = r.choice(
        [
            f"Use {name} with {said}.",
            f"Call {name}: {said}.",
            f"Please run {name}.",
            f"Using the tool, {name.replace('_', ' ')} for {said}.",
        ]
    )
    return Sample(
        [*_history(r), {"role": "user", "content": q}],
        [tool],
        f"I should call {name}.",
        tool_call_text(name, args),
    )


def generic_json_sample(r: random.Random) -> Sample:
    _, data = _random_object(r)
    q = r.choice(
        [
            "Return JSON with the keys {k}.",
            "Answer as a JSON object with {k}.",
            "Fill in {k} as JSON.",
        ]
    ).format(k=", ".join(data))
    return Sample(
        [*_history(r), {"role": "user", "content": q}],
        None,
        "I will answer in JSON.",
        json.dumps(data),
    )


def samples(seed: int, count: int) -> list[Sample]:
    """A fixed mixture: chat, tool calls, answers after a tool result, JSON."""
    r = random.Random(seed)
    makers = (
        [chat_sample] * 5
        + [tool_call_sample, tool_result_sample, json_sample, generic_tool_sample] * 2
        + [generic_json_sample]
    )
    out = []
    for _ in range(count):
        sample = r.choice(makers)(r)
        # Some turns with thinking switched off (reasoning effort "none"): no reasoning to learn.
        out.append(replace(sample, thinking=False) if r.random() < 0.15 else sample)
    return out
