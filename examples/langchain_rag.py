"""Ask the docs: retrieval-augmented answers over docs/ with LangChain (LCEL).

The guides in docs/ are split at their headings, embedded with OVHEmbeddings into an in-memory
vector store, and the sections closest to the question are handed to ChatOVHResponses, whose
answer is streamed to the terminal followed by the guides it used.

  python examples/langchain_rag.py
  python examples/langchain_rag.py "How do I use a proxy or custom certificates?"
  python examples/langchain_rag.py --endpoint ovh --model Meta-Llama-3_3-70B-Instruct
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from _common import (
    DEFAULT_EMBEDDING_MODEL,
    ProgressBar,
    Section,
    batched,
    connect,
    guide_sections,
    make_parser,
    say,
)
from langchain_core.documents import Document
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.runnables import RunnableLambda, RunnableParallel, RunnablePassthrough
from langchain_core.vectorstores import InMemoryVectorStore

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


def build_store(embeddings: OVHEmbeddings, documents: list[Document]) -> InMemoryVectorStore:
    """The vector store, filled a batch at a time so that progress can be shown."""
    store = InMemoryVectorStore(embedding=embeddings)
    progress = ProgressBar(len(documents), "sections embedded")
    # Few, large batches: the anonymous tier allows 2 requests a minute per model.
    for batch in batched(documents, 32):
        store.add_documents(batch)
        progress.advance(len(batch))
    return store


def format_context(documents: list[Document]) -> str:
    """The retrieved sections, numbered so that an answer can refer to them."""
    return "\n\n".join(f"[{n}]\n{d.metadata['body']}" for n, d in enumerate(documents, 1))


def rag_chain(store: InMemoryVectorStore, llm: ChatOVHResponses, k: int = 3) -> Runnable[str, Any]:
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
        store = build_store(embeddings, to_documents(guide_sections()))
        say(f"Q: {args.question}")
        say("A: ", end="")
        documents: list[Document] = []
        for chunk in rag_chain(store, llm, k=args.k).stream(args.question):
            documents = chunk.get("documents", documents)
            say(chunk.get("answer", ""), end="")
        say()
        say("Sources:")
        for source in sources(documents):
            say(f"  - {source}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
