"""Ask the docs: retrieval-augmented answers over docs/ with LangChain (LCEL).

The guides in docs/ are split at their headings, embedded with OVHEmbeddings into Qdrant (an
embedded vector store kept on disk, so a second run does not embed again), and the sections
closest to the question are handed to ChatOVHResponses, whose answer is streamed to the terminal
followed by the guides it used.

  python examples/langchain_rag.py
  python examples/langchain_rag.py "How do I use a proxy or custom certificates?"
  python examples/langchain_rag.py --endpoint ovh --model Meta-Llama-3_3-70B-Instruct
"""

from __future__ import annotations

import sys
from contextlib import closing
from typing import TYPE_CHECKING, Any

from _common import (
    DEFAULT_EMBEDDING_MODEL,
    Section,
    batched,
    connect,
    guide_sections,
    index_location,
    make_parser,
    say,
)
from langchain_core.documents import Document
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.runnables import RunnableLambda, RunnableParallel, RunnablePassthrough
from langchain_qdrant import QdrantVectorStore
from qdrant_client import QdrantClient
from qdrant_client.models import Distance, PointStruct, VectorParams
from tqdm import tqdm

from langchain_ovh_responses import ChatOVHResponses, OVHEmbeddings
from ovh_responses.settings import DEFAULT_MODEL

if TYPE_CHECKING:
    from langchain_core.runnables import Runnable

DEFAULT_QUESTION = "Which environment variable holds the API key?"

PROMPT = ChatPromptTemplate.from_messages(
    [
        (
            "system",
            "You answer questions about the ovh-responses Python library. Answer from the "
            "context only, in two or three sentences. If it does not say, reply that the guides "
            "do not cover it.\n\nContext:\n{context}",
        ),
        ("human", "Question: {question}"),
    ]
)


def to_documents(sections: list[Section]) -> list[Document]:
    return [
        Document(
            page_content=s.text,
            metadata={"source": s.source, "section": s.heading, "body": s.body},
        )
        for s in sections
    ]


def build_store(
    client: QdrantClient, name: str, embeddings: OVHEmbeddings, documents: list[Document]
) -> QdrantVectorStore:
    """The collection ``name``, embedded only if it is not there yet (a batch at a time, with
    a progress bar): a second run reads it back without a request."""
    if client.collection_exists(name) and client.count(name).count == len(documents):
        print(f"[index {name} read from disk]", file=sys.stderr)
    else:
        client.delete_collection(name)  # what an interrupted run left, if anything
        # Few, large batches: the anonymous tier allows 2 requests a minute per model.
        with tqdm(total=len(documents), desc="sections embedded", unit="section") as bar:
            for start, batch in enumerate(batched(documents, 32)):
                vectors = embeddings.embed_documents([d.page_content for d in batch])
                if start == 0:
                    params = VectorParams(size=len(vectors[0]), distance=Distance.COSINE)
                    client.create_collection(name, vectors_config=params)
                client.upsert(name, points=_points(start * 32, batch, vectors))
                bar.update(len(batch))
    # No validation: it would embed a probe text, one more request on the anonymous tier.
    return QdrantVectorStore(client, name, embeddings, validate_collection_config=False)


def _points(first: int, batch: list[Document], vectors: list[list[float]]) -> list[PointStruct]:
    """Points in the payload layout QdrantVectorStore reads."""
    return [
        PointStruct(
            id=first + i, vector=v, payload={"page_content": d.page_content, "metadata": d.metadata}
        )
        for i, (d, v) in enumerate(zip(batch, vectors, strict=True))
    ]


def format_context(documents: list[Document]) -> str:
    """The retrieved sections, numbered so that an answer can refer to them."""
    return "\n\n".join(f"[{n}]\n{d.metadata['body']}" for n, d in enumerate(documents, 1))


def rag_chain(store: QdrantVectorStore, llm: ChatOVHResponses, k: int = 3) -> Runnable[str, Any]:
    """question -> {"question", "documents", "answer"}; streaming yields the documents first,
    then the answer piece by piece."""
    retriever = store.as_retriever(search_kwargs={"k": k})
    answer = (
        RunnablePassthrough.assign(context=RunnableLambda(lambda x: format_context(x["documents"])))
        | PROMPT
        | llm
        | StrOutputParser()
    )
    return RunnableParallel(question=RunnablePassthrough(), documents=retriever).assign(
        answer=answer
    )


def sources(documents: list[Document]) -> list[str]:
    """``guide (section)`` for each retrieved document, best first, without repeats."""
    seen: dict[str, None] = {}
    for d in documents:
        seen.setdefault(f"{d.metadata['source']} ({d.metadata['section']})", None)
    return list(seen)


def main(argv: list[str] | None = None) -> int:
    parser = make_parser(__doc__, model=DEFAULT_MODEL)
    parser.add_argument("question", nargs="?", default=DEFAULT_QUESTION)
    parser.add_argument("--k", type=int, default=3, help="sections retrieved (default: 3)")
    args = parser.parse_args(argv)

    with connect(args) as conn:
        embeddings = OVHEmbeddings(model=DEFAULT_EMBEDDING_MODEL, base_url=conn.base_url)
        llm = ChatOVHResponses(model=args.model, base_url=conn.base_url, temperature=0)
        documents = to_documents(guide_sections())
        path, name = index_location("langchain", conn, [d.page_content for d in documents])
        with closing(QdrantClient(path=path)) as client:
            store = build_store(client, name, embeddings, documents)
            say(f"Q: {args.question}")
            say("A: ", end="")
            retrieved: list[Document] = []
            for chunk in rag_chain(store, llm, k=args.k).stream(args.question):
                retrieved = chunk.get("documents", retrieved)
                say(chunk.get("answer", ""), end="")
        say()
        say("Sources:")
        for source in sources(retrieved):
            say(f"  - {source}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
