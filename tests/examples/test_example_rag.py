"""The two "ask the docs" examples answer from the right guide and say which guide it was."""

from __future__ import annotations

import re

import langchain_rag
import llama_index_rag
import pytest


def _answer(out: str) -> str:
    return re.search(r"^A: (.*)$", out, re.MULTILINE).group(1).strip()


def _sources(out: str) -> list[str]:
    block = out.split("Sources:\n", 1)[1]
    return re.findall(r"^  - (\S+)", block, re.MULTILINE)


def _sentences(answer: str) -> list[str]:
    pieces = re.split(r"(?<=[.!?])\s+", answer.replace("[1]", "").replace("[2]", ""))
    return [p.strip() for p in pieces if p.strip()]


@pytest.mark.parametrize(
    ("question", "guide", "fact"),
    [
        (
            "Which environment variable holds the API key?",
            "configuration.md",
            "AI_ENDPOINT_API_KEY",
        ),
        ("Can I send an image from a remote URL?", "images.md", "refused"),
        ("How are stop sequences applied when streaming?", "streaming.md", "client"),
        ("Why is store always false?", "platform-limits.md", "store: false"),
    ],
)
def test_langchain_rag_answers_from_the_guide_that_holds_the_answer(
    endpoint, capsys, docs_text, question, guide, fact
):
    assert langchain_rag.main(["--base-url", endpoint.base_url, question]) == 0
    out = capsys.readouterr().out

    answer = _answer(out)
    assert fact in answer
    assert _sources(out)[0] == f"docs/{guide}"
    # The sentence that answers is written in that guide.
    assert any(fact in s and s in docs_text(guide) for s in _sentences(answer))


def test_langchain_rag_streams_the_answer_and_embeds_the_corpus(endpoint, capsys):
    langchain_rag.main(["--base-url", endpoint.base_url])
    capsys.readouterr()

    embedded = [r.body["input"] for r in endpoint.requests_to("/v1/embeddings")]
    texts = [t for batch in embedded for t in (batch if isinstance(batch, list) else [batch])]
    assert any("AI_ENDPOINT_API_KEY" in t for t in texts)
    (answer_request,) = endpoint.bodies("/v1/responses")
    assert answer_request["stream"] is True
    assert "Question: Which environment variable holds the API key?" in str(answer_request["input"])


def test_langchain_rag_runs_offline_with_no_argument(capsys):
    """What `make demo` runs: the example starts its own local endpoint."""
    assert langchain_rag.main([]) == 0
    captured = capsys.readouterr()
    assert "AI_ENDPOINT_API_KEY" in _answer(captured.out)
    assert _sources(captured.out)[0] == "docs/configuration.md"
    assert "sections embedded" in captured.err  # the progress bar


def test_langchain_rag_on_ovh_uses_the_base_url_and_key_from_the_environment(
    make_endpoint, monkeypatch, capsys
):
    ep = make_endpoint(api_key="sk-test-key")
    monkeypatch.setenv("OVH_AI_ENDPOINTS_BASE_URL", ep.base_url)
    monkeypatch.setenv("AI_ENDPOINT_API_KEY", "sk-test-key")

    assert langchain_rag.main(["--endpoint", "ovh"]) == 0
    captured = capsys.readouterr()
    assert "API key from the environment" in captured.err
    assert "sk-test-key" not in captured.out + captured.err
    assert ep.requests
    assert all(r.had_api_key for r in ep.requests)


def test_llama_index_rag_query_then_chat(endpoint, capsys, docs_text):
    assert llama_index_rag.main(["--base-url", endpoint.base_url]) == 0
    out = capsys.readouterr().out

    answer = _answer(out)
    assert "proxies" in answer
    assert _sources(out)[0] == "docs/configuration.md"
    assert any("proxies" in s and s in docs_text("configuration.md") for s in _sentences(answer))
    replies = re.findall(r"^bot> (.*)$", out, re.MULTILINE)
    assert len(replies) == 2
    assert "OVH_AI_ENDPOINTS_BASE_URL" in replies[0]
    assert "60 seconds" in replies[1]


def test_llama_index_chat_sends_the_earlier_turns(endpoint, capsys):
    llama_index_rag.main(["--base-url", endpoint.base_url])
    capsys.readouterr()

    last = endpoint.bodies("/v1/responses")[-1]
    history = str(last["input"])
    assert "Which environment variable sets the base URL?" in history
    assert "What is the default timeout" in history


def _embedded_texts(endpoint) -> list[str]:
    batches = [r.body["input"] for r in endpoint.requests_to("/v1/embeddings")]
    return [t for batch in batches for t in (batch if isinstance(batch, list) else [batch])]


@pytest.mark.parametrize("example", [langchain_rag, llama_index_rag])
def test_rag_second_run_reads_the_index_from_disk(example, endpoint, capsys):
    """The anonymous tier allows 2 requests a minute: a second run embeds only the question."""
    question = "Which environment variable holds the API key?"
    assert example.main(["--base-url", endpoint.base_url, question, *_no_chat(example)]) == 0
    first = capsys.readouterr()
    assert len(_embedded_texts(endpoint)) > 10  # the corpus
    endpoint.clear()

    assert example.main(["--base-url", endpoint.base_url, question, *_no_chat(example)]) == 0
    second = capsys.readouterr()
    assert _embedded_texts(endpoint) == [question]
    assert "read from disk" in second.err
    assert _answer(second.out) == _answer(first.out)
    assert _sources(second.out) == _sources(first.out)


def _no_chat(example) -> list[str]:
    return ["--no-chat"] if example is llama_index_rag else []
