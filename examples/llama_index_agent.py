"""A LlamaIndex FunctionAgent on OVHResponses with a calculator and a model catalog.

The agent's event stream shows each tool call and its result as they happen, then the answer as
it is written.

  python examples/llama_index_agent.py
  python examples/llama_index_agent.py 'Use the calculator: what is "2 ** 16 - 1"?'
  python examples/llama_index_agent.py --endpoint ovh --model Mistral-Small-3.2-24B-Instruct-2506
"""

from __future__ import annotations

import asyncio
import json
import sys
from typing import TYPE_CHECKING, Any

from _common import connect, make_parser, say
from _tools import calculator, model_catalog
from llama_index.core.agent.workflow import (
    AgentOutput,
    AgentStream,
    FunctionAgent,
    ToolCall,
    ToolCallResult,
)
from llama_index.core.tools import BaseTool, FunctionTool

from llama_index_ovh_responses import OVHResponses
from ovh_responses.settings import DEFAULT_MODEL

if TYPE_CHECKING:
    from collections.abc import Callable

DEFAULT_QUESTION = (
    'Using the calculator, what is "131072 / 1024"? '
    "And what does the model catalog say about Qwen3-32B?"
)
SYSTEM = (
    "You are a helpful assistant. Use the calculator for arithmetic and the model_catalog tool "
    "for facts about models; then answer briefly."
)


def make_agent(llm: OVHResponses) -> FunctionAgent:
    tools: list[BaseTool | Callable[..., Any]] = [
        FunctionTool.from_defaults(calculator),
        FunctionTool.from_defaults(model_catalog),
    ]
    return FunctionAgent(tools=tools, llm=llm, system_prompt=SYSTEM)


async def run_agent(agent: FunctionAgent, question: str) -> str:
    """Run the agent, printing its tool calls, their results and the streamed answer."""
    handler = agent.run(user_msg=question)
    async for event in handler.stream_events():
        if isinstance(event, ToolCallResult):
            say(f"  <- {event.tool_output.content}")
        elif isinstance(event, ToolCall):
            say(f"  -> {event.tool_name}({json.dumps(event.tool_kwargs)})")
        elif isinstance(event, AgentStream):
            say(event.delta, end="")
    result: AgentOutput = await handler
    say()
    return str(result.response.content or "")


def main(argv: list[str] | None = None) -> int:
    parser = make_parser(__doc__, model=DEFAULT_MODEL)
    parser.add_argument("question", nargs="?", default=DEFAULT_QUESTION)
    args = parser.parse_args(argv)
    with connect(args) as conn:
        llm = OVHResponses(args.model, api_base=conn.base_url, temperature=0)
        say(f"Q: {args.question}")
        answer = asyncio.run(run_agent(make_agent(llm), args.question))
    return 0 if answer else 1


if __name__ == "__main__":
    sys.exit(main())
