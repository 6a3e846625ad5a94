"""ovh-responses core: OVHcloud AI Endpoints' ``/v1/responses`` route, framework-neutral.

Errors and result types are imported with the package; everything else (and with it the
openai SDK) is loaded on first use.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ovh_responses._version import __version__
from ovh_responses.errors import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ContextOverflowError,
    EmbeddingModelError,
    ModelNotFoundError,
    ModelNotOnRouteError,
    NotEventStreamError,
    OVHCompatibilityWarning,
    OVHError,
    RateLimitError,
    RequestRejected,
    RequestTooLargeError,
    RequiredToolNotCalledError,
    ServerError,
    StreamError,
    StreamInterruptedError,
    StructuredOutputError,
    UnsupportedContentError,
    UnsupportedFeatureError,
)
from ovh_responses.types import (
    Delta,
    Done,
    FunctionCall,
    Reasoning,
    ReasoningDelta,
    RefusalDelta,
    Result,
    TextDelta,
    ToolCallArgsDelta,
    ToolCallStart,
    Usage,
)

if TYPE_CHECKING:
    from ovh_responses.client import ResponsesClient
    from ovh_responses.fitting.stop import StopCutter, cut_at_stop
    from ovh_responses.request import build_request
    from ovh_responses.settings import (
        DEFAULT_BASE_URL,
        DEFAULT_MODEL,
        resolve_api_key,
        resolve_base_url,
    )
    from ovh_responses.wire.structured import (
        json_schema_format,
        parse_json_output,
        parse_partial_json,
    )
    from ovh_responses.wire.tools import function_tool, strict_schema, tool_choice_param

_LAZY = {
    "ResponsesClient": "ovh_responses.client",
    "build_request": "ovh_responses.request",
    "DEFAULT_BASE_URL": "ovh_responses.settings",
    "DEFAULT_MODEL": "ovh_responses.settings",
    "resolve_api_key": "ovh_responses.settings",
    "resolve_base_url": "ovh_responses.settings",
    "StopCutter": "ovh_responses.fitting.stop",
    "cut_at_stop": "ovh_responses.fitting.stop",
    "json_schema_format": "ovh_responses.wire.structured",
    "parse_json_output": "ovh_responses.wire.structured",
    "parse_partial_json": "ovh_responses.wire.structured",
    "function_tool": "ovh_responses.wire.tools",
    "strict_schema": "ovh_responses.wire.tools",
    "tool_choice_param": "ovh_responses.wire.tools",
}

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_MODEL",
    "APIConnectionError",
    "APIError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ContextOverflowError",
    "Delta",
    "Done",
    "EmbeddingModelError",
    "FunctionCall",
    "ModelNotFoundError",
    "ModelNotOnRouteError",
    "NotEventStreamError",
    "OVHCompatibilityWarning",
    "OVHError",
    "RateLimitError",
    "Reasoning",
    "ReasoningDelta",
    "RefusalDelta",
    "RequestRejected",
    "RequestTooLargeError",
    "RequiredToolNotCalledError",
    "ResponsesClient",
    "Result",
    "ServerError",
    "StopCutter",
    "StreamError",
    "StreamInterruptedError",
    "StructuredOutputError",
    "TextDelta",
    "ToolCallArgsDelta",
    "ToolCallStart",
    "UnsupportedContentError",
    "UnsupportedFeatureError",
    "Usage",
    "__version__",
    "build_request",
    "cut_at_stop",
    "function_tool",
    "json_schema_format",
    "parse_json_output",
    "parse_partial_json",
    "resolve_api_key",
    "resolve_base_url",
    "strict_schema",
    "tool_choice_param",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
