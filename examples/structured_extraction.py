"""Structured extraction: a pydantic model filled from free text, with LangChain and LlamaIndex.

Both send the model's JSON schema as text.format (json_schema), so the answer is JSON the schema
validates; the result is a pydantic object, not text to parse.

  python examples/structured_extraction.py
  python examples/structured_extraction.py --framework llama-index
  python examples/structured_extraction.py --endpoint ovh --model Meta-Llama-3_3-70B-Instruct
"""

from __future__ import annotations

import sys
from typing import Literal

from _common import add_framework_option, chosen_frameworks, connect, make_parser, say
from pydantic import BaseModel, Field

from ovh_responses.settings import DEFAULT_MODEL

DEFAULT_TEXT = (
    "Hello, this is Ada Lovelace from Paris. Our chatbot stops answering after 3 retries with "
    "a 429 error since this morning. It is urgent: priority high, please call me back."
)
INSTRUCTIONS = "Extract the support ticket described in the message."


class SupportTicket(BaseModel):
    """A customer support ticket."""

    customer: str = Field(description="Full name of the person writing")
    city: str = Field(description="City the customer writes from")
    priority: Literal["low", "medium", "high"]
    retries: int = Field(description="How many retries the customer reports", ge=0)
    summary: str = Field(description="The problem in one sentence")


def extract_with_langchain(model: str, base_url: str | None, text: str) -> SupportTicket:
    from langchain_core.prompts import ChatPromptTemplate

    from langchain_ovh_responses import ChatOVHResponses

    llm = ChatOVHResponses(model=model, base_url=base_url, temperature=0)
    prompt = ChatPromptTemplate.from_messages([("system", INSTRUCTIONS), ("human", "{text}")])
    chain = prompt | llm.with_structured_output(SupportTicket)
    ticket = chain.invoke({"text": text})
    assert isinstance(ticket, SupportTicket)
    return ticket


def extract_with_llama_index(model: str, base_url: str | None, text: str) -> SupportTicket:
    from llama_index.core.prompts import ChatPromptTemplate

    from llama_index_ovh_responses import OVHResponses

    llm = OVHResponses(model, api_base=base_url, temperature=0)
    prompt = ChatPromptTemplate.from_messages([("system", INSTRUCTIONS), ("user", "{text}")])
    ticket = llm.structured_predict(SupportTicket, prompt, text=text)
    assert isinstance(ticket, SupportTicket)
    return ticket


EXTRACTORS = {"langchain": extract_with_langchain, "llama-index": extract_with_llama_index}


def main(argv: list[str] | None = None) -> int:
    parser = make_parser(__doc__, model=DEFAULT_MODEL)
    parser.add_argument("text", nargs="?", default=DEFAULT_TEXT, help="the text to read")
    add_framework_option(parser)
    args = parser.parse_args(argv)
    frameworks = chosen_frameworks(args.framework)
    with connect(args) as conn:
        say(f"Text: {args.text}")
        for name in frameworks:
            ticket = EXTRACTORS[name](args.model, conn.base_url, args.text)
            say(f"\n{name}: {type(ticket).__name__}")
            say(ticket.model_dump_json(indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
