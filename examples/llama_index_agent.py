"""A LlamaIndex AgentWorkflow on OVHResponses: a FunctionAgent with a calculator and a model
catalog.

The workflow's event stream shows each tool call and its result as they happen, then the answer
as it is written. One memory is carried from run to run, so every question asked here continues
the same conversation.

  python examples/llama_index_agent.py
  python examples/llama_index_agent.py 'Use the calculator: what is "2 ** 16 - 1"?' 'And "2 ** 8"?'
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
    AgentWorkflow,
    FunctionAgent,
    ToolCall,
    ToolCallResult,
)
from llama_index.core.memory import Memory
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


def make_workflow(llm: OVHResponses) -> AgentWorkflow:
    tools: list[BaseTool | Callable[..., Any]] = [
        FunctionTool.from_defaults(calculator),
        FunctionTool.from_defaults(model_catalog),
    ]
    agent = FunctionAgent(
        name="assistant",
        description="Does arithmetic and knows the model catalog.",
        tools=tools,
        llm=llm,
        system_prompt=SYSTEM,
    )
    return AgentWorkflow(agents=[agent], root_agent="assistant")


async def run_agent(workflow: AgentWorkflow, question: str, memory: Memory) -> str:
    """Run the workflow, printing its tool calls, their results and the streamed answer."""
    handler = workflow.run(user_msg=question, memory=memory)
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
    parser.add_argument("questions", nargs="*", default=[DEFAULT_QUESTION])
    args = parser.parse_args(argv)
    with connect(args) as conn:
        llm = OVHResponses(args.model, api_base=conn.base_url, temperature=0)
        answers = asyncio.run(ask_all(make_workflow(llm), args.questions))
    return 0 if all(answers) else 1


async def ask_all(workflow: AgentWorkflow, questions: list[str]) -> list[str]:
    memory = Memory.from_defaults(session_id="example", token_limit=40000)
    answers = []
    for question in questions:
        say(f"Q: {question}")
        answers.append(await run_agent(workflow, question, memory))
    return answers


if __name__ == "__main__":
    sys.exit(main())
