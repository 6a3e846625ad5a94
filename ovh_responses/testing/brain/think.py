"""The rule-based model: from an :class:`Ask` to a :class:`Reply`, deterministically.

In order: a refusal when the last user message says "please refuse"; the ReAct text format
when the system prompt asks for it; function calls when ``tool_choice`` requires one or the last
user message asks for a tool (tools that fetch data first, then the tool that shapes the answer,
filled from their outputs; in a numbered list of choices, the one that fits the question); after
function outputs, an answer that uses them, unless they handed the conversation to an agent with
a tool the user asked for and that was not called yet; JSON for
``json_schema`` / ``json_object``; the follow-up question itself when asked to condense a
conversation into a standalone question; an exact reply when asked for one ("reply with exactly
X"); the best-overlapping sentences of a RAG context; else a short answer naming the question's
content words. Reasoning models say what they are about to do first.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from ovh_responses.testing.brain.answers import (
    default_reply,
    exact_reply,
    rag_reply,
    standalone_question,
    tool_result_reply,
)
from ovh_responses.testing.brain.choices import best_choice
from ovh_responses.testing.brain.react import is_react, react_reply
from ovh_responses.testing.brain.schema_fill import Source, fill
from ovh_responses.testing.brain.tool_match import (
    best_tool,
    is_handoff,
    is_output_tool,
    tools_named,
)

if TYPE_CHECKING:
    from ovh_responses.testing.brain.conversation import Ask, ToolSpec

_EFFORT_SENTENCES = {"minimal": 1, "low": 1, "medium": 2, "high": 3, "xhigh": 3}
_KEYS = re.compile(r"(?<!\w)['\"`](\w+)['\"`](?!\w)")
_REFUSE = re.compile(r"\bplease\s+refuse\b", re.IGNORECASE)
REFUSAL = "I can't help with that."


@dataclass(frozen=True, slots=True)
class PlannedCall:
    name: str
    arguments: str


@dataclass(frozen=True, slots=True)
class Reply:
    """What the model says: optional reasoning, then text, a refusal or function calls."""

    reasoning: str | None = None
    text: str | None = None
    calls: tuple[PlannedCall, ...] = ()
    refusal: str | None = None


def think(ask: Ask, *, single_call: bool = False) -> Reply:
    """Answer ``ask``; ``single_call`` keeps at most one function call (a model-level limit)."""
    if _REFUSE.search(ask.last_user_text):
        return Reply(_reasoning(ask, "decline this request"), refusal=REFUSAL)
    if is_react(ask.system_text):
        text, plan = react_reply(ask)
        return Reply(_reasoning(ask, plan), text)
    calls = _calls(ask)
    if single_call or not ask.parallel_tool_calls:
        calls = calls[:1]
    if calls:
        names = ", ".join(c.name for c in calls)
        return Reply(
            _reasoning(ask, f"call {names} with arguments taken from the request"),
            None,
            tuple(calls),
        )
    text, plan = _text(ask)
    return Reply(_reasoning(ask, plan), text)


def keep_think_whitespace(reply: Reply, ask: Ask) -> Reply:
    """A text answer after reasoning as vLLM's ``qwen3`` parser splits it: the reasoning ends
    with ``"\\n"`` and the answer starts with ``"\\n\\n"``; JSON formats start at ``{``."""
    if reply.reasoning is None or reply.text is None or reply.calls:
        return reply
    if ask.output in ("json_schema", "json_object"):
        return reply
    return replace(reply, reasoning=reply.reasoning + "\n", text="\n\n" + reply.text)


def _calls(ask: Ask) -> list[PlannedCall]:
    if not ask.tools or ask.tool_choice == "none":
        return []
    if ask.forced_tool is not None:
        forced = {t.name: t for t in ask.tools}[ask.forced_tool]
        return [_call(forced, _source(ask, forced))]
    return [_call(tool, _source(ask, tool)) for tool in _chosen(ask)]


def _chosen(ask: Ask) -> list[ToolSpec]:
    """The tools the request asks for that were not called yet: the data tools first; the tools
    that shape the answer once the data is in. After a function output the model answers in
    text, unless the output handed the conversation over to another agent."""
    if ask.tool_choice == "auto" and ask.trailing_tool_turns() and not _handed_over(ask):
        return []
    question = ask.last_user_text
    called = {call.name for turn in ask.since_user() for call in turn.calls}
    named = [t for t in tools_named(question, ask.tools) if t.name not in called]
    if named:
        return [t for t in named if not is_output_tool(t)] or named
    if ask.tool_choice != "required":
        return []
    shapers = [t for t in ask.tools if is_output_tool(t) and t.name not in called]
    return shapers[:1] or [best_tool(question, ask.tools)]


def _handed_over(ask: Ask) -> bool:
    """The last outputs came from a hand-off, or from a tool this agent does not have."""
    offered = {t.name for t in ask.tools}
    names = [ask.call_name(t.call_id) or t.tool_name for t in ask.trailing_tool_turns()]
    return any(name and (is_handoff(name) or name not in offered) for name in names)


def _source(ask: Ask, tool: ToolSpec) -> Source:
    """Where a call's arguments come from: the request; for a tool that shapes the answer, the
    function outputs since the request first; in a list of choices, the best choice first."""
    question = ask.last_user_text
    if not is_output_tool(tool):
        return Source.of(question)
    outputs = [t.text for t in ask.since_user() if t.role == "tool"]
    source = Source.of("\n".join([*outputs, question]))
    choice = best_choice(question)
    if choice is not None:
        source.numbers.insert(0, str(choice))
    return source


def _call(tool: ToolSpec, source: Source) -> PlannedCall:
    schema = tool.parameters or {"type": "object", "properties": {}}
    args = fill(schema, source)
    return PlannedCall(tool.name, json.dumps(args, ensure_ascii=False))


def _text(ask: Ask) -> tuple[str, str]:
    outputs = ask.trailing_tool_turns()
    question = ask.last_user_text
    if ask.output == "json_schema" and ask.schema is not None:
        source = "\n".join([question, *(t.text for t in outputs)])
        value = fill(ask.schema, Source.of(source))
        return json.dumps(value, ensure_ascii=False), "reply with JSON matching the schema"
    if ask.output == "json_object":
        return _json_object(question), "reply with a JSON object"
    if outputs:
        names = ", ".join(sorted({ask.call_name(t.call_id) or "the tool" for t in outputs}))
        return tool_result_reply(ask, outputs), f"answer using the output of {names}"
    condensed = standalone_question(ask)
    if condensed is not None:
        return condensed, "restate the follow-up question on its own"
    exact = exact_reply(question) or exact_reply(ask.system_text)
    if exact is not None:
        return exact, "reply with the exact text asked for"
    rag = rag_reply(ask)
    if rag is not None:
        return rag, "answer with the context sentences that match the question"
    return default_reply(question), "answer directly"


def _json_object(question: str) -> str:
    """JSON mode: the keys the prompt quotes (``'setup' and 'punchline' keys``), else ``answer``."""
    keys = list(dict.fromkeys(_KEYS.findall(question)))
    if not keys:
        return json.dumps({"answer": default_reply(question)}, ensure_ascii=False)
    schema = {"type": "object", "properties": {k: {"type": "string"} for k in keys}}
    return json.dumps(fill(schema, Source.of(_KEYS.sub(" ", question))), ensure_ascii=False)


def _reasoning(ask: Ask, plan: str) -> str | None:
    if (
        not ask.reasoning
        or ask.effort == "none"
        or "/no_think" in ask.system_text + ask.last_user_text
    ):
        return None
    count = _EFFORT_SENTENCES.get(ask.effort or "medium", 2)
    asked = " ".join(ask.last_user_text.split())[:200].rstrip(".!?") or "nothing"
    parts = [
        f"The user asks: {asked}",
        f"I will {plan}",
        "Let me check that this answers the request",
    ]
    return " ".join(p + "." for p in parts[:count])
