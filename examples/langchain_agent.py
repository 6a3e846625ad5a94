"""A LangChain tool-calling agent: ChatOVHResponses with a calculator and a model catalog.

The loop is the whole agent: stream the model's turn; if it asked for tools, run them, show each
call and its result as it happens, send the results back as ToolMessages and go again; else the
streamed text was the answer.

  python examples/langchain_agent.py
  python examples/langchain_agent.py 'Use the calculator: what is "2 ** 16 - 1"?'
  python examples/langchain_agent.py --endpoint ovh --model Mistral-Small-3.2-24B-Instruct-2506
"""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING

from _common import connect, make_parser, say
from _tools import calculator, model_catalog
from langchain_core.messages import AIMessageChunk, HumanMessage, SystemMessage, ToolMessage
from langchain_core.tools import BaseTool, tool

from langchain_ovh_responses import ChatOVHResponses
from ovh_responses.settings import DEFAULT_MODEL

if TYPE_CHECKING:
    from langchain_core.language_models import LanguageModelInput
    from langchain_core.messages import AIMessage, BaseMessage
    from langchain_core.runnables import Runnable

DEFAULT_QUESTION = (
    'Using the calculator, what is "131072 / 1024"? '
    "And what does the model catalog say about Qwen3-32B?"
)
SYSTEM = (
    "You are a helpful assistant. Use the calculator for arithmetic and the model_catalog tool "
    "for facts about models; then answer briefly."
)
TOOLS: list[BaseTool] = [tool(calculator), tool(model_catalog)]


def stream_turn(
    model: Runnable[LanguageModelInput, AIMessage], messages: list[BaseMessage]
) -> AIMessageChunk:
    """One model turn, its text printed as it streams; the whole message is returned."""
    turn: AIMessageChunk | None = None
    for chunk in model.stream(messages):
        if not isinstance(chunk, AIMessageChunk):
            continue
        say(chunk.text, end="")
        turn = chunk if turn is None else turn + chunk
    return turn if turn is not None else AIMessageChunk(content="")


def run_tools(turn: AIMessageChunk, tools: dict[str, BaseTool]) -> list[ToolMessage]:
    """Each requested tool run, its call and result shown as they happen."""
    results: list[ToolMessage] = []
    for call in turn.tool_calls:
        say(f"  -> {call['name']}({json.dumps(call['args'])})")
        result = tools[call["name"]].invoke(call)
        say(f"  <- {result.content}")
        results.append(result)
    return results


def run_agent(llm: ChatOVHResponses, question: str, *, max_steps: int = 5) -> str:
    """The agent loop; returns the final answer's text."""
    model = llm.bind_tools(TOOLS)
    by_name = {t.name: t for t in TOOLS}
    messages: list[BaseMessage] = [SystemMessage(SYSTEM), HumanMessage(question)]
    for _ in range(max_steps):
        turn = stream_turn(model, messages)
        messages.append(turn)
        if not turn.tool_calls:
            say()
            return str(turn.text)
        messages.extend(run_tools(turn, by_name))
    say("\n(stopped: too many tool rounds)")
    return ""


def main(argv: list[str] | None = None) -> int:
    parser = make_parser(__doc__, model=DEFAULT_MODEL)
    parser.add_argument("question", nargs="?", default=DEFAULT_QUESTION)
    args = parser.parse_args(argv)
    with connect(args) as conn:
        llm = ChatOVHResponses(model=args.model, base_url=conn.base_url, temperature=0)
        say(f"Q: {args.question}")
        answer = run_agent(llm, args.question)
    return 0 if answer else 1


if __name__ == "__main__":
    sys.exit(main())
