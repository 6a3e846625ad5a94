"""Fixtures for the LlamaIndex adapter: models pointed at the shared local endpoint."""

from __future__ import annotations

from typing import Any

import pytest

from llama_index_ovh_responses import OVHEmbedding, OVHResponses

CHAT_MODEL = "Mistral-Small-3.2-24B-Instruct-2506"  # tools, json_schema, vision, no reasoning
REASONING_MODEL = "gpt-oss-120b"  # emits reasoning
EMBEDDING_MODEL = "bge-m3"


@pytest.fixture
def make_llm(endpoint: Any):
    def factory(model: str = CHAT_MODEL, **kwargs: Any) -> OVHResponses:
        return OVHResponses(model=model, api_base=endpoint.base_url, **kwargs)

    return factory


@pytest.fixture
def llm(make_llm: Any) -> OVHResponses:
    return make_llm()


@pytest.fixture
def reasoning_llm(make_llm: Any) -> OVHResponses:
    return make_llm(REASONING_MODEL)


@pytest.fixture
def embed_model(endpoint: Any) -> OVHEmbedding:
    return OVHEmbedding(EMBEDDING_MODEL, api_base=endpoint.base_url)
