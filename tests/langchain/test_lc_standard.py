"""langchain-tests' standard suites for ChatOVHResponses.

The unit suite needs no server. The integration suite runs over real HTTP against the local
endpoint, on a catalog model that has tools, structured output and vision, so that every
capability below is declared as the route really offers it. Skips and expected failures are
listed, with their reasons, in README.md.
"""

from __future__ import annotations

import base64
import struct
import zlib
from typing import Any

import httpx
import pytest
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage
from langchain_tests.integration_tests import ChatModelIntegrationTests
from langchain_tests.unit_tests import ChatModelUnitTests

from langchain_ovh_responses import ChatOVHResponses
from ovh_responses.testing import LocalEndpoint

VISION_MODEL = "Mistral-Small-3.2-24B-Instruct-2506"
REASONING_MODEL = "local-reasoning"


def _png() -> bytes:
    """A tiny valid PNG (one red pixel), made here: the suite's image download needs no
    network."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


class TestChatOVHResponsesUnit(ChatModelUnitTests):
    @property
    def chat_model_class(self) -> type[BaseChatModel]:
        return ChatOVHResponses

    @property
    def chat_model_params(self) -> dict[str, Any]:
        return {"model": VISION_MODEL, "base_url": "http://127.0.0.1:9/v1"}

    @property
    def init_from_env_params(self) -> tuple[dict[str, str], dict[str, Any], dict[str, Any]]:
        return (
            {"AI_ENDPOINT_API_KEY": "test", "OVH_AI_ENDPOINTS_BASE_URL": "http://127.0.0.1:9/v1"},
            {"model": VISION_MODEL},
            {"api_key": "test", "base_url": "http://127.0.0.1:9/v1"},
        )

    @property
    def has_tool_choice(self) -> bool:
        return True

    @property
    def supports_image_inputs(self) -> bool:
        return True

    @property
    def supports_json_mode(self) -> bool:
        return True

    @property
    def supported_usage_metadata_details(self) -> dict[str, list[Any]]:
        details = ["reasoning_output", "cache_read_input"]
        return {"invoke": details, "stream": details}

    @pytest.mark.xfail(
        strict=True,
        reason="langchain-core 1.8 load(allowed_objects='all') admits only classes in its own "
        "allowlist, so no third-party class can pass; test_lc_config.py loads it with "
        "allowed_objects=[ChatOVHResponses] instead",
    )
    def test_serdes(self, model: BaseChatModel, snapshot: Any) -> None:
        super().test_serdes(model, snapshot)


class TestChatOVHResponsesIntegration(ChatModelIntegrationTests):
    @pytest.fixture(autouse=True)
    def _local(self, endpoint: LocalEndpoint, monkeypatch: pytest.MonkeyPatch) -> None:
        """Point every model the suite builds at the local endpoint, and serve the suite's
        test image from memory instead of downloading it."""
        monkeypatch.setenv("OVH_AI_ENDPOINTS_BASE_URL", endpoint.base_url)
        self.endpoint = endpoint
        png = _png()

        def fake_get(url: str, **_: Any) -> httpx.Response:
            return httpx.Response(200, content=png, request=httpx.Request("GET", url))

        monkeypatch.setattr(httpx, "get", fake_get)

    @property
    def chat_model_class(self) -> type[BaseChatModel]:
        return ChatOVHResponses

    @property
    def chat_model_params(self) -> dict[str, Any]:
        return {"model": VISION_MODEL}

    @property
    def has_tool_calling(self) -> bool:
        return True

    @property
    def has_tool_choice(self) -> bool:
        return True

    @property
    def has_structured_output(self) -> bool:
        return True

    @property
    def supports_json_mode(self) -> bool:
        return True

    @property
    def supports_image_inputs(self) -> bool:
        return True

    @property
    def supports_image_urls(self) -> bool:
        return False  # the platform does not fetch remote images

    @property
    def supports_image_tool_message(self) -> bool:
        return False  # function_call_output is text on the platform

    @property
    def supports_pdf_inputs(self) -> bool:
        return False

    @property
    def supports_audio_inputs(self) -> bool:
        return False

    @property
    def supports_anthropic_inputs(self) -> bool:
        return True

    @property
    def returns_usage_metadata(self) -> bool:
        return True

    @property
    def supports_model_override(self) -> bool:
        return True

    @property
    def model_override_value(self) -> str:
        return "Meta-Llama-3_3-70B-Instruct"

    @property
    def supported_usage_metadata_details(self) -> dict[str, list[Any]]:
        return {
            "invoke": ["reasoning_output", "cache_read_input"],
            "stream": ["reasoning_output", "cache_read_input"],
        }

    def invoke_with_reasoning_output(self, *, stream: bool = False) -> AIMessage:
        model = ChatOVHResponses(model=REASONING_MODEL, reasoning_effort="low")
        return _answer(model, "Explain why the sky is blue in one sentence.", stream=stream)

    def invoke_with_cache_read_input(self, *, stream: bool = False) -> AIMessage:
        model = ChatOVHResponses(model=VISION_MODEL)
        return _answer(model, "Say hello. " * 50, stream=stream)


def _answer(model: ChatOVHResponses, prompt: str, *, stream: bool) -> AIMessage:
    if not stream:
        return model.invoke(prompt)
    full = None
    for chunk in model.stream(prompt):
        full = chunk if full is None else full + chunk
    assert full is not None
    return AIMessage(
        content=full.content,
        usage_metadata=full.usage_metadata,
        response_metadata=full.response_metadata,
    )


def test_png_is_valid_base64_image() -> None:
    assert base64.b64encode(_png()).startswith(b"iVBOR")
