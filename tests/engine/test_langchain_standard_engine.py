"""langchain-tests' ``ChatModelIntegrationTests`` for ChatOVHResponses, against vLLM.

The engine serves a tiny model that knows formats, not facts: the tests that need it to follow an
instruction (answer a question, call a tool it was not forced to call, copy a value) are marked
xfail, each with its reason. Everything that guided decoding or the protocol decides is expected
to pass.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage
from langchain_tests.integration_tests import ChatModelIntegrationTests

from langchain_ovh_responses import ChatOVHResponses

_IDS = os.environ.get("OVH_ENGINE_MODEL_IDS", "ovh-tiny-chat Qwen3-32B").split()
_COPY = "the tiny model does not copy the value asked for (magic_function(3)) into the arguments"
_LOOSE = (
    "the suite binds tools without strict=True, and vLLM then lets the arguments be any JSON "
    "value; the tiny model writes ones that do not fit the tool (they become invalid_tool_calls)"
)
_ALIAS = (
    "vLLM answers every alias of --served-model-name with its first name, so the response "
    "names the engine's primary id, not the override (as OVH's virtual models name the model "
    "that answered)"
)


class TestChatOVHResponsesEngine(ChatModelIntegrationTests):
    @pytest.fixture(autouse=True)
    def _engine(self, engine_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
        """Every model the suite builds talks to the engine."""
        monkeypatch.setenv("OVH_AI_ENDPOINTS_BASE_URL", engine_url)

    @property
    def chat_model_class(self) -> type[BaseChatModel]:
        return ChatOVHResponses

    @property
    def chat_model_params(self) -> dict[str, Any]:
        return {"model": _IDS[0], "api_key": "unused", "max_retries": 0}

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
        return False  # a text-only model

    @property
    def supports_image_tool_message(self) -> bool:
        return False

    @property
    def supports_pdf_inputs(self) -> bool:
        return False

    @property
    def supports_audio_inputs(self) -> bool:
        return False

    @property
    def supports_anthropic_inputs(self) -> bool:
        return False  # its image and document blocks need a vision model

    @property
    def returns_usage_metadata(self) -> bool:
        return True

    @property
    def supports_model_override(self) -> bool:
        return True

    @property
    def model_override_value(self) -> str:
        return _IDS[-1]

    @property
    def supported_usage_metadata_details(self) -> dict[str, list[Any]]:
        details = ["reasoning_output", "cache_read_input"]
        return {"invoke": details, "stream": details}

    @pytest.mark.xfail(strict=True, reason=_ALIAS)
    def test_invoke_with_model_override(self, model: BaseChatModel) -> None:
        super().test_invoke_with_model_override(model)

    @pytest.mark.xfail(strict=True, reason=_ALIAS)
    async def test_ainvoke_with_model_override(self, model: BaseChatModel) -> None:
        await super().test_ainvoke_with_model_override(model)

    @pytest.mark.xfail(strict=True, reason=_ALIAS)
    def test_stream_with_model_override(self, model: BaseChatModel) -> None:
        super().test_stream_with_model_override(model)

    @pytest.mark.xfail(strict=True, reason=_ALIAS)
    async def test_astream_with_model_override(self, model: BaseChatModel) -> None:
        await super().test_astream_with_model_override(model)

    @pytest.mark.parametrize("model", [{}, {"output_version": "v1"}], indirect=True)
    @pytest.mark.xfail(reason=_COPY)
    def test_tool_calling(self, model: BaseChatModel) -> None:
        super().test_tool_calling(model)

    @pytest.mark.xfail(reason=_COPY)
    async def test_tool_calling_async(self, model: BaseChatModel) -> None:
        await super().test_tool_calling_async(model)

    @pytest.mark.xfail(reason=_LOOSE)
    def test_tool_choice(self, model: BaseChatModel) -> None:
        super().test_tool_choice(model)

    @pytest.mark.xfail(reason=_LOOSE)
    def test_bind_runnables_as_tools(self, model: BaseChatModel) -> None:
        super().test_bind_runnables_as_tools(model)

    @pytest.mark.parametrize("model", [{}, {"output_version": "v1"}], indirect=True)
    @pytest.mark.xfail(reason=_LOOSE)
    def test_agent_loop(self, model: BaseChatModel) -> None:
        super().test_agent_loop(model)

    @pytest.mark.xfail(reason=_LOOSE)
    def test_unicode_tool_call_integration(self, model: BaseChatModel) -> None:  # type: ignore[override]
        super().test_unicode_tool_call_integration(model)

    def invoke_with_reasoning_output(self, *, stream: bool = False) -> AIMessage:
        model = ChatOVHResponses(model=_IDS[0], api_key="unused", reasoning_effort="low")
        return _answer(model, "What is 2 + 3?", stream=stream)

    def invoke_with_cache_read_input(self, *, stream: bool = False) -> AIMessage:
        """vLLM caches prompt prefixes in blocks (128 tokens here): the second of two requests
        with the same long prompt reads the first's."""
        model = ChatOVHResponses(model=_IDS[0], api_key="unused")
        prompt = "Say hello. " * 60
        _answer(model, prompt, stream=stream)
        return _answer(model, prompt, stream=stream)


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
