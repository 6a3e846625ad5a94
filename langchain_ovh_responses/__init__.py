"""LangChain integration for OVHcloud AI Endpoints' ``/v1/responses`` route."""

from ovh_responses._extras import require_framework

require_framework("langchain_core", framework="LangChain", extra="langchain", adapter=__name__)

from langchain_ovh_responses._errors import (
    OVHAPIError,
    OVHAuthenticationError,
    OVHBadRequestError,
    OVHConnectionError,
    OVHContextOverflowError,
    OVHModelNotFoundError,
    OVHModelNotOnRouteError,
    OVHOutputParserError,
    OVHRateLimitError,
    OVHRefusalError,
    OVHServerError,
    OVHStreamError,
    OVHStreamInterruptedError,
    OVHTimeoutError,
)
from langchain_ovh_responses.chat_models import ChatOVHResponses
from langchain_ovh_responses.embeddings import OVHEmbeddings

__all__ = [
    "ChatOVHResponses",
    "OVHAPIError",
    "OVHAuthenticationError",
    "OVHBadRequestError",
    "OVHConnectionError",
    "OVHContextOverflowError",
    "OVHEmbeddings",
    "OVHModelNotFoundError",
    "OVHModelNotOnRouteError",
    "OVHOutputParserError",
    "OVHRateLimitError",
    "OVHRefusalError",
    "OVHServerError",
    "OVHStreamError",
    "OVHStreamInterruptedError",
    "OVHTimeoutError",
]
