"""A LangChain agent: create_agent on ChatOVHResponses, with a calculator and a model catalog.

``create_agent`` builds a LangGraph graph (model node, tool node, the loop between them); its
checkpointer keeps the conversation of a thread, so every question asked here continues the
same one. The graph's stream shows each tool call and its result as they happen ("updates"),
and the answer as it is written ("messages").

  python examples/langchain_agent.py
  python examples/langchain_agent.py 'Use the calculator: what is "2 ** 16 - 1"?' 'And "2 ** 8"?'
  python examples/langchain_agent.py --endpoint ovh --model Mistral-Small-3.2-24B-Instruct-2506
"""

from __future__ import annotations

import json
import sys
from typing import Any

from _common import connect, make_parser, say
from _tools import calculator, model_catalog
from langchain.agents import create_agent
from langchain_core.messages import AIMessage, AIMessageChunk, ToolMessage
from langchain_core.tools import tool
from langgraph.checkpoint.memory import InMemorySaver

from langchain_ovh_responses import ChatOVHResponses
from ovh_responses.settings import DEFAULT_MODEL

DEFAULT_QUESTION = (
    'Using the calculator, what is "131072 / 1024"? '
    "And what does the model catalog say about Qwen3-32B?"
)
SYSTEM = (
    "You are a helpful assistant. Use the calculator for arithmetic and the model_catalog tool "
    "for facts about models; then answer briefly."
)


def make_agent(llm: ChatOVHResponses) -> Any:
    """The agent graph, with an in-memory checkpointer (one conversation per thread id)."""
    return create_agent(
        llm,
        [tool(calculator), tool(model_catalog)],
        system_prompt=SYSTEM,
        checkpointer=InMemorySaver(),
    )


def show_update(update: dict[str, Any]) -> str:
    """Print the tool calls and results one graph step produced; the answer's text, if any."""
    answer = ""
    for step in update.values():
        for message in (step or {}).get("messages", []):
            if isinstance(message, ToolMessage):
                say(f"  <- {message.content}")
            elif isinstance(message, AIMessage) and message.tool_calls:
                for call in message.tool_calls:
                    say(f"  -> {call['name']}({json.dumps(call['args'])})")
            elif isinstance(message, AIMessage):
                answer = message.text
                say()
    return answer


def ask(agent: Any, question: str, thread: str) -> str:
    """One question on ``thread``, streamed; returns the answer's text."""
    answer = ""
    config = {"configurable": {"thread_id": thread}}
    for mode, data in agent.stream(
        {"messages": [("user", question)]}, config, stream_mode=["messages", "updates"]
    ):
        if mode == "updates":
            answer = show_update(data) or answer
        elif isinstance(data[0], AIMessageChunk) and not data[0].tool_call_chunks:
            say(data[0].text, end="")
    return answer


def main(argv: list[str] | None = None) -> int:
    parser = make_parser(__doc__, model=DEFAULT_MODEL)
    parser.add_argument("questions", nargs="*", default=[DEFAULT_QUESTION])
    args = parser.parse_args(argv)
    with connect(args) as conn:
        llm = ChatOVHResponses(model=args.model, base_url=conn.base_url, temperature=0)
        agent = make_agent(llm)
        answers = []
        for question in args.questions:
            say(f"Q: {question}")
            answers.append(ask(agent, question, thread="example"))
    return 0 if all(answers) else 1


if __name__ == "__main__":
    sys.exit(main())
