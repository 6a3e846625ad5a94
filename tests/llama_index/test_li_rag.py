"""Retrieval-augmented generation end to end, with ``Settings.llm = OVHResponses(...)`` and
``Settings.embed_model = OVHEmbedding(...)``: a query engine and a condense-plus-context chat
engine answer from the right document of a small corpus."""

from __future__ import annotations

import math

import pytest
from llama_index.core import Document, Settings, VectorStoreIndex
from llama_index.core.base.llms.types import ChatMessage

from llama_index_ovh_responses import OVHEmbedding

CORPUS = {
    "eiffel": "The Eiffel Tower was completed in 1889 for the World Fair in Paris. "
    "It is made of wrought iron and is 330 metres tall.",
    "colosseum": "The Colosseum in Rome was finished in 80 AD under the emperor Titus. "
    "It could hold around 50000 spectators for gladiator games.",
    "sagrada": "The Sagrada Familia in Barcelona was designed by Antoni Gaudi. "
    "Its construction started in 1882 and is still going on.",
}


@pytest.fixture
def configured(llm, embed_model):
    """Settings pointed at the local endpoint, restored afterwards."""
    saved = (Settings._llm, Settings._embed_model)
    Settings.llm = llm
    Settings.embed_model = embed_model
    yield
    Settings._llm, Settings._embed_model = saved


@pytest.fixture
def index(configured):
    documents = [Document(text=text, doc_id=key) for key, text in CORPUS.items()]
    return VectorStoreIndex.from_documents(documents)


def test_query_engine_answers_from_the_right_document(index, endpoint):
    engine = index.as_query_engine(similarity_top_k=1)
    response = engine.query("How tall is the Eiffel Tower, and what is it made of?")
    assert response.source_nodes[0].node.ref_doc_id == "eiffel"
    assert "330 metres" in str(response)
    assert "wrought iron" in str(response)
    assert len(endpoint.bodies("/v1/embeddings")) >= 2  # the corpus, then the question


async def test_async_query_engine(index):
    engine = index.as_query_engine(similarity_top_k=1)
    response = await engine.aquery("Who designed the Sagrada Familia?")
    assert response.source_nodes[0].node.ref_doc_id == "sagrada"
    assert "Antoni Gaudi" in str(response)


def test_streaming_query_engine(index):
    engine = index.as_query_engine(similarity_top_k=1, streaming=True)
    response = engine.query("How many spectators could the Colosseum hold?")
    text = "".join(response.response_gen)
    assert "50000 spectators" in text


def test_condense_plus_context_chat_engine(index, endpoint):
    engine = index.as_chat_engine(chat_mode="condense_plus_context", similarity_top_k=1)
    first = engine.chat("When was the Colosseum finished?")
    assert "80 AD" in str(first)
    assert first.source_nodes[0].node.ref_doc_id == "colosseum"
    assert endpoint.bodies()[-1]["input"][0]["role"] == "system"  # the retrieved context
    assert "80 AD" in endpoint.bodies()[-1]["input"][0]["content"]
    assert [m.role.value for m in engine.chat_history] == ["user", "assistant"]


def test_condense_plus_context_follow_up_question(index, endpoint):
    engine = index.as_chat_engine(chat_mode="condense_plus_context", similarity_top_k=1)
    engine.chat("When was the Colosseum finished?")
    second = engine.chat("How tall is the Eiffel Tower?")
    assert second.source_nodes[0].node.ref_doc_id == "eiffel"
    assert "330 metres" in str(second)
    history = engine.chat_history
    assert [m.role.value for m in history] == ["user", "assistant", "user", "assistant"]
    assert all(b["store"] is False for b in endpoint.bodies())


async def test_condense_plus_context_chat_engine_streams(index):
    engine = index.as_chat_engine(chat_mode="condense_plus_context", similarity_top_k=1)
    response = await engine.astream_chat("Who designed the Sagrada Familia?")
    text = "".join([token async for token in response.async_response_gen()])
    assert "Antoni Gaudi" in text


def test_settings_are_restored_by_the_fixture_pattern():
    # Settings.llm is ours only inside the tests above (the fixture restores it).
    assert not isinstance(Settings._embed_model, OVHEmbedding)


# ----- the embedding model on its own ------------------------------------------------------------


def test_embeddings_sync_async_and_batched(endpoint):
    embed = OVHEmbedding("bge-m3", api_base=endpoint.base_url, embed_batch_size=2)
    texts = list(CORPUS.values())
    vectors = embed.get_text_embedding_batch(texts)
    assert len(vectors) == 3
    assert len({len(v) for v in vectors}) == 1
    assert len(endpoint.bodies("/v1/embeddings")) == 2  # 3 texts, 2 per request
    assert embed.get_query_embedding(texts[0]) == vectors[0]


async def test_async_embeddings_match_sync(embed_model):
    text = CORPUS["eiffel"]
    assert await embed_model.aget_text_embedding(text) == embed_model.get_text_embedding(text)
    assert await embed_model.aget_query_embedding(text) == embed_model.get_query_embedding(text)


def test_similar_texts_are_closer(embed_model):
    query = embed_model.get_query_embedding("iron tower in Paris")
    docs = embed_model.get_text_embedding_batch(list(CORPUS.values()))

    def cosine(a: list[float], b: list[float]) -> float:
        return sum(x * y for x, y in zip(a, b, strict=True)) / (
            math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b))
        )

    scores = [cosine(query, d) for d in docs]
    assert scores.index(max(scores)) == 0


def test_embedding_key_never_shows(endpoint):
    embed = OVHEmbedding(api_key="sk-embed-secret", api_base=endpoint.base_url)
    for text in (repr(embed), embed.to_json(), str(embed.to_payload())):
        assert "sk-embed-secret" not in text


def test_chat_message_history_is_left_alone(llm):
    history = [ChatMessage(role="user", content="Hi")]
    llm.chat(history)
    assert len(history) == 1
