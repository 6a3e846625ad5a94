"""LlamaIndex integration for OVHcloud AI Endpoints' ``/v1/responses`` route."""

from llama_index_ovh_responses.embeddings import OVHEmbedding
from llama_index_ovh_responses.llms import OVHResponses

__all__ = ["OVHEmbedding", "OVHResponses"]
