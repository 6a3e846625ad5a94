"""Answers in the ReAct text format (Thought / Action / Action Input / Observation / Answer).

Used when the system prompt lays out that format with its tools, as LlamaIndex's ``ReActAgent``
does (``> Tool Name: ...`` / ``Tool Description: ...`` / ``Tool Args: {json schema}``).
"""

from __future__ import annotations

import json
import re
from typing import Any

from ovh_responses.testing.brain.answers import default_reply
from ovh_responses.testing.brain.conversation import Ask, ToolSpec, Turn
from ovh_responses.testing.brain.schema_fill import Source, fill
from ovh_responses.testing.brain.text import content_words
from ovh_responses.testing.brain.tool_match import tools_named

_TOOL_BLOCK = re.compile(
    r"^>\s*Tool Name:[ \t]*(?P<name>\S+)[ \t]*\n"
    r"Tool Description:\s*(?P<desc>.*?)\n"
    r"Tool Args:\s*(?P<args>[^\n]*)",
    re.MULTILINE | re.DOTALL,
)
_ACTION = re.compile(r"^Action:\s*(?P<name>[^\n(]+)", re.MULTILINE)
_FINAL = (
    "Thought: I can answer without using any more tools. I'll use the user's language to answer"
)


def is_react(system_text: str) -> bool:
    return all(marker in system_text for marker in ("Thought:", "Action Input:", "Answer:"))


def react_reply(ask: Ask) -> tuple[str, str]:
    """The next ReAct step and a one-line plan for the reasoning text."""
    tools = [
        ToolSpec(m["name"], m["desc"].strip(), _schema(m["args"]))
        for m in _TOOL_BLOCK.finditer(ask.system_text)
    ]
    last = _last_turn(ask)
    if last is not None and (last.role == "tool" or last.text.lstrip().startswith("Observation:")):
        observation = last.text.strip().removeprefix("Observation:").strip()
        name = _last_action(ask) or "the tool"
        answer = f"The result of {name} is {observation}."
        return f"{_FINAL}\nAnswer: {answer}", f"answer from the observation of {name}"
    question = _question(ask)
    named = tools_named(question, tools)
    if named:
        tool = named[0]
        args = fill(tool.parameters or {"type": "object", "properties": {}}, Source.of(question))
        step = (
            "Thought: The current language of the user is: English. I need to use a tool to "
            f"help me answer the question.\nAction: {tool.name}\n"
            f"Action Input: {json.dumps(args, ensure_ascii=False)}"
        )
        return step, f"call {tool.name}"
    return f"{_FINAL}\nAnswer: {default_reply(question)}", "answer directly"


def _schema(raw: str) -> dict[str, Any]:
    try:
        schema = json.loads(raw)
    except json.JSONDecodeError:
        return {"type": "object", "properties": {}}
    return schema if isinstance(schema, dict) else {"type": "object", "properties": {}}


def _last_turn(ask: Ask) -> Turn | None:
    turns = [t for t in ask.turns if t.role != "system"]
    return turns[-1] if turns else None


def _last_action(ask: Ask) -> str | None:
    for turn in reversed(ask.turns):
        if turn.role == "assistant":
            found = _ACTION.findall(turn.text)
            if found:
                return str(found[-1]).strip()
    return None


def _question(ask: Ask) -> str:
    for turn in reversed(ask.turns):
        text = turn.text.strip()
        if turn.role == "user" and text and not text.startswith("Observation:"):
            return text
    return " ".join(content_words(ask.last_user_text))
