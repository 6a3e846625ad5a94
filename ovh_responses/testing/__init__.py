"""``LocalEndpoint``: an OVH-faithful local server for tests, demos and offline use.

It speaks OVHcloud AI Endpoints' OpenAI-compatible protocol on a free 127.0.0.1 port
(``/v1/responses``, ``/v1/chat/completions``, ``/v1/embeddings``, ``/v1/models``), answers the
platform's rules the way its vLLM-based stack does, and replies with a deterministic rule-based
model (which refuses when the last user message says "please refuse"). It records every request,
reports prompt caching and can inject faults. It is test infrastructure, not a model.
"""

from ovh_responses.testing.profiles import add_test_profiles
from ovh_responses.testing.protocol.faults import (
    CutStreamFault,
    DelayFault,
    DropConnectionFault,
    ErrorEventFault,
    FailedResponseFault,
    Fault,
    MalformedEventFault,
    NotJsonFault,
    RateLimitFault,
    ResetConnectionFault,
    ServerErrorFault,
    UnfinishedStreamFault,
)
from ovh_responses.testing.protocol.log import RecordedRequest
from ovh_responses.testing.protocol.models import CATALOG, ModelSpec
from ovh_responses.testing.protocol.server import LocalEndpoint

add_test_profiles()

__all__ = [
    "CATALOG",
    "CutStreamFault",
    "DelayFault",
    "DropConnectionFault",
    "ErrorEventFault",
    "FailedResponseFault",
    "Fault",
    "LocalEndpoint",
    "MalformedEventFault",
    "ModelSpec",
    "NotJsonFault",
    "RateLimitFault",
    "RecordedRequest",
    "ResetConnectionFault",
    "ServerErrorFault",
    "UnfinishedStreamFault",
]
