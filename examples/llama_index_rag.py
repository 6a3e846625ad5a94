"""Ask the docs with LlamaIndex: a VectorStoreIndex over docs/, a query engine, a chat engine.

Settings.llm is OVHResponses and Settings.embed_model is OVHEmbedding. The guides are indexed by
section in Qdrant, an embedded vector store kept on disk (a second run does not embed again);
the query engine streams an answer and lists the sections it drew on; then a chat engine holds
a short conversation: each turn retrieves sections for the new message and answers with the
earlier turns in view.

  python examples/llama_index_rag.py
  python examples/llama_index_rag.py "What does RateLimitError mean?"
  python examples/llama_index_rag.py --endpoint ovh --model Mistral-Small-3.2-24B-Instruct-2506
"""

from __future__ import annotations

import sys
from contextlib import closing
from typing import TYPE_CHECKING

from _common import (
    DEFAULT_EMBEDDING_MODEL,
    connect,
    guide_sections,
    index_location,
    make_parser,
    say,
)
from llama_index.core import Document, Settings, StorageContext, VectorStoreIndex
from llama_index.core.chat_engine.types import ChatMode
from llama_index.core.node_parser import SentenceSplitter
from llama_index.vector_stores.qdrant import QdrantVectorStore
from qdrant_client import QdrantClient

from llama_index_ovh_responses import OVHEmbedding, OVHResponses
from ovh_responses.settings import DEFAULT_MODEL

if TYPE_CHECKING:
    from llama_index.core.schema import NodeWithScore

DEFAULT_QUESTION = "How do I use a proxy or custom certificates?"
FOLLOW_UPS = (
    "Which environment variable sets the base URL?",
    "What is the default timeout, and how many retries are made?",
)


def load_documents() -> list[Document]:
    """One document per guide section. The section's heading is embedded with its text (as
    metadata) but not shown to the model; the file name is only for citing."""
    return [
        Document(
            text=s.body,
            metadata={"source": s.source, "section": s.heading},
            excluded_embed_metadata_keys=["source"],
            excluded_llm_metadata_keys=["source", "section"],
        )
        for s in guide_sections()
    ]


def build_index(client: QdrantClient, name: str, documents: list[Document]) -> VectorStoreIndex:
    """The index in Qdrant (an embedded store kept on disk): read back when this corpus was
    embedded before, else built with a progress bar."""
    store = QdrantVectorStore(collection_name=name, client=client)
    if client.collection_exists(name) and client.count(name).count > 0:
        print(f"[index {name} read from disk]", file=sys.stderr)
        return VectorStoreIndex.from_vector_store(store)
    client.delete_collection(name)  # what an interrupted run left, if anything
    splitter = SentenceSplitter(chunk_size=512, chunk_overlap=32)
    return VectorStoreIndex.from_documents(
        documents,
        storage_context=StorageContext.from_defaults(vector_store=store),
        transformations=[splitter],
        show_progress=True,
    )


def cited(nodes: list[NodeWithScore]) -> list[str]:
    """``guide (section)`` of each node the answer drew on, best first, without repeats."""
    seen: dict[str, None] = {}
    for node in nodes:
        meta = node.node.metadata
        seen.setdefault(f"{meta['source']} ({meta['section']})", None)
    return list(seen)


def ask(index: VectorStoreIndex, question: str, k: int) -> None:
    engine = index.as_query_engine(similarity_top_k=k, streaming=True)
    response = engine.query(question)
    say(f"Q: {question}")
    say("A: ", end="")
    for text in response.response_gen:  # type: ignore[union-attr]
        say(text, end="")
    say()
    say("Sources:")
    for source in cited(response.source_nodes):
        say(f"  - {source}")


def converse(index: VectorStoreIndex, questions: tuple[str, ...], k: int) -> None:
    # "context" retrieves with each message as written; "condense_plus_context" would first
    # rewrite a follow-up into a standalone question, at the cost of one more request a turn.
    chat = index.as_chat_engine(chat_mode=ChatMode.CONTEXT, similarity_top_k=k)
    say("\nChat:")
    for question in questions:
        say(f"you> {question}")
        say("bot> ", end="")
        reply = chat.stream_chat(question)
        for text in reply.response_gen:
            say(text, end="")
        say()
        say(f"     (from {', '.join(cited(reply.source_nodes)[:2])})")


def main(argv: list[str] | None = None) -> int:
    parser = make_parser(__doc__, model=DEFAULT_MODEL)
    parser.add_argument("question", nargs="?", default=DEFAULT_QUESTION)
    parser.add_argument("--k", type=int, default=3, help="sections retrieved (default: 3)")
    parser.add_argument("--no-chat", action="store_true", help="skip the chat-engine turns")
    args = parser.parse_args(argv)

    with connect(args) as conn:
        Settings.llm = OVHResponses(args.model, api_base=conn.base_url, temperature=0)
        Settings.embed_model = OVHEmbedding(
            DEFAULT_EMBEDDING_MODEL, api_base=conn.base_url, embed_batch_size=32
        )
        documents = load_documents()
        path, name = index_location("llama-index", conn, [d.text for d in documents])
        with closing(QdrantClient(path=path)) as client:
            index = build_index(client, name, documents)
            ask(index, args.question, args.k)
            if not args.no_chat:
                converse(index, FOLLOW_UPS, args.k)
    return 0


if __name__ == "__main__":
    sys.exit(main())
