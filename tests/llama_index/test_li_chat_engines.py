"""Chat engines over an index, several turns and streamed, and a RouterQueryEngine whose
selector calls a function, over HTTP."""

from __future__ import annotations

import pytest
from llama_index.core import Document, SummaryIndex
from llama_index.core.chat_engine.types import ChatMode
from llama_index.core.query_engine import RouterQueryEngine
from llama_index.core.selectors import PydanticSingleSelector
from llama_index.core.tools import QueryEngineTool
from test_li_rag import configured, index  # noqa: F401  (the indexed corpus fixtures)


@pytest.mark.parametrize("mode", [ChatMode.CONTEXT, ChatMode.CONDENSE_PLUS_CONTEXT])
def test_chat_engine_streams_several_turns(index, endpoint, mode):  # noqa: F811
    chat = index.as_chat_engine(chat_mode=mode, similarity_top_k=1)
    first = chat.stream_chat("When was the Eiffel Tower completed?")
    pieces = list(first.response_gen)
    assert len(pieces) > 1
    assert "1889" in "".join(pieces)
    second = chat.stream_chat("Who designed the Sagrada Familia in Barcelona?")
    assert "Antoni Gaudi" in "".join(second.response_gen)
    last = endpoint.bodies()[-1]
    assert last["stream"] is True
    assert "When was the Eiffel Tower completed?" in str(last["input"])  # the earlier turn


@pytest.mark.parametrize("mode", [ChatMode.CONTEXT, ChatMode.CONDENSE_PLUS_CONTEXT])
async def test_chat_engine_streams_async(index, mode):  # noqa: F811
    chat = index.as_chat_engine(chat_mode=mode, similarity_top_k=1)
    reply = await chat.astream_chat("How many spectators could the Colosseum hold?")
    text = "".join([t async for t in reply.async_response_gen()])
    assert "50000" in text


FACTS = {
    "eiffel": "The Eiffel Tower was completed in 1889.",
    "colosseum": "The Colosseum could hold around 50000 spectators.",
}


@pytest.mark.parametrize(
    ("question", "chosen", "answer"),
    [
        ("When was the Eiffel Tower completed?", "eiffel", "1889"),
        ("How many spectators could the Colosseum hold?", "colosseum", "50000"),
    ],
    ids=["first-choice", "second-choice"],
)
def test_router_query_engine_with_a_function_calling_selector(
    configured,  # noqa: F811
    llm,
    endpoint,
    question,
    chosen,
    answer,
):
    tools = [
        QueryEngineTool.from_defaults(
            SummaryIndex.from_documents([Document(text=text)]).as_query_engine(),
            name=name,
            description=f"Facts about the {name}.",
        )
        for name, text in FACTS.items()
    ]
    router = RouterQueryEngine(
        selector=PydanticSingleSelector.from_defaults(llm=llm), query_engine_tools=tools
    )
    result = router.query(question)
    assert answer in str(result)
    assert result.metadata["selector_result"].ind == list(FACTS).index(chosen)
    selection, query = endpoint.bodies()
    assert [t["name"] for t in selection["tools"]] == ["SingleSelection"]
    assert selection["tool_choice"] == "required"
    for name, fact in FACTS.items():
        assert (fact in str(query["input"])) is (name == chosen)
