"""LlamaIndex integration for OVHcloud AI Endpoints' ``/v1/responses`` route."""

from ovh_responses._extras import require_framework

require_framework("llama_index.core", framework="LlamaIndex", extra="llama-index", adapter=__name__)

from llama_index_ovh_responses.embeddings import OVHEmbedding
from llama_index_ovh_responses.llms import OVHResponses

__all__ = ["OVHEmbedding", "OVHResponses"]
