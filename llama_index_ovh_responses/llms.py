"""``OVHResponses``: OVHcloud AI Endpoints' ``/v1/responses`` as a LlamaIndex LLM."""

from __future__ import annotations

import functools
import logging
from contextlib import aclosing, closing
from typing import TYPE_CHECKING, Any, Literal

from llama_index.core.base.llms.types import (
    ChatMessage,
    ChatResponse,
    ChatResponseAsyncGen,
    ChatResponseGen,
    CompletionResponse,
    CompletionResponseAsyncGen,
    CompletionResponseGen,
    LLMMetadata,
    MessageRole,
)
from llama_index.core.bridge.pydantic import Field, PrivateAttr, SecretStr
from llama_index.core.constants import DEFAULT_NUM_OUTPUTS
from llama_index.core.llms.callbacks import llm_chat_callback, llm_completion_callback

from llama_index_ovh_responses import _structured, _tools
from llama_index_ovh_responses._connection import connect
from llama_index_ovh_responses._inputs import SystemRole, to_input_items
from llama_index_ovh_responses._outputs import (
    StreamAssembler,
    chat_response,
    completion_response,
)
from llama_index_ovh_responses._structured import NativeStructuredLLM
from ovh_responses._arguments import checked, spellings, with_positional
from ovh_responses.client.holder import ClientHolder
from ovh_responses.errors import RequestRejected
from ovh_responses.fitting.overrides import check_override
from ovh_responses.fitting.profiles import DEFAULT_CONTEXT_WINDOW
from ovh_responses.fitting.request import RouteChoice  # noqa: TC001 (a pydantic field type)
from ovh_responses.fitting.routing import model_profile
from ovh_responses.memory import WARNED
from ovh_responses.request import build_request
from ovh_responses.settings import DEFAULT_MODEL, resolve_api_key, resolve_base_url
from ovh_responses.wire.tools import tool_choice_param

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    import httpx2
    from llama_index.core.llms.llm import ToolSelection
    from llama_index.core.tools.types import BaseTool
    from llama_index.core.types import Model
    from openai.types.responses.response_create_params import ResponseCreateParams

    from ovh_responses.client import ResponsesClient
    from ovh_responses.fitting.profiles import ModelProfile

logger = logging.getLogger(__name__)

ReasoningEffort = Literal["minimal", "low", "medium", "high"]

_EXTRA_FIELDS_HINT = "Extra request-body fields go in additional_kwargs={...}."


class OVHResponses(NativeStructuredLLM, ClientHolder):
    """OVHcloud AI Endpoints through ``POST /v1/responses``.

    Chat, completion, streaming and async; function tools; structured output through
    ``text.format`` json_schema; reasoning. The API key is read from ``AI_ENDPOINT_API_KEY``
    (or ``OVH_AI_ENDPOINTS_ACCESS_TOKEN``, ``OVHCLOUD_API_KEY``) unless given; without one the
    anonymous tier is used. Every request is sent with ``store: false``.
    """

    model: str = Field(default=DEFAULT_MODEL, description="Model id (case-sensitive).")
    temperature: float | None = Field(default=None, ge=0.0, le=2.0)
    top_p: float | None = Field(default=None, ge=0.0, le=1.0)
    max_output_tokens: int | None = Field(default=None, gt=0)
    reasoning_effort: ReasoningEffort | None = Field(
        default=None, description="reasoning.effort, for reasoning models."
    )
    api_key: SecretStr | None = Field(default=None, exclude=True, repr=False)
    api_base: str = Field(default="", description="Base URL, up to /v1.")
    timeout: float = Field(default=60.0, gt=0)
    max_retries: int = Field(default=2, ge=0)
    default_headers: dict[str, str] | None = Field(default=None, exclude=True, repr=False)
    additional_kwargs: dict[str, Any] = Field(
        default_factory=dict, description="Extra request body parameters, sent as given."
    )
    strict: bool = Field(
        default=False,
        description="Strict function schemas and json_schema output; refuse with a typed error, "
        "instead of adapting with a warning, what the platform or the model may not honour.",
    )
    system_role: SystemRole = Field(
        default="system", description="Role given to system messages: system or developer."
    )
    context_window: int | None = Field(
        default=None, description="Overrides the model's known context window."
    )
    route: RouteChoice = Field(
        default="auto",
        description="auto: /v1/responses, or /v1/chat/completions for the models only served "
        "there (known from their profile or learned from the server); or one route.",
    )

    model_profile: Any = Field(
        default=None,
        exclude=True,
        description="Your word on the model, over the table and what the server taught, for "
        "this instance's requests: a whole ovh_responses.fitting.profiles.ModelProfile or some "
        'of its flags ({"tool_calling": True}).',
    )

    _client: ResponsesClient = PrivateAttr()

    def __init__(
        self,
        model: str | None = None,
        *,
        http_client: httpx2.Client | None = None,
        async_http_client: httpx2.AsyncClient | None = None,
        **kwargs: Any,
    ) -> None:
        given = checked(
            "OVHResponses",
            with_positional("model", model, kwargs),
            _llm_spellings(),
            hint=_EXTRA_FIELDS_HINT,
        )
        given["api_key"] = resolve_api_key(given.get("api_key"))
        given["api_base"] = resolve_base_url(given.get("api_base"))
        super().__init__(**given)
        check_override(self.model_profile)
        self._client = connect(self, http_client, async_http_client)

    @classmethod
    def class_name(cls) -> str:
        return "OVHResponses"

    # ----- what the model is ---------------------------------------------------------------

    @property
    def profile(self) -> ModelProfile:
        """The model's capabilities: its family's (with the server's context length once the
        endpoint's models were listed, :meth:`list_models`), what the server refused, and
        ``model_profile`` over all of it."""
        profile = model_profile(self._client.base_url, self.model, self.model_profile)
        unknown = profile.family == "default" and profile.context_window == DEFAULT_CONTEXT_WINDOW
        if unknown and WARNED.first(("unknown profile", self.model)):
            logger.warning(
                "model %r has no known profile; assuming a %d-token context window, tool "
                "calling and structured output. Pass context_window=... to set the size.",
                self.model,
                profile.context_window,
            )
        return profile

    @property
    def metadata(self) -> LLMMetadata:
        profile = self.profile
        return LLMMetadata(
            context_window=self.context_window or profile.context_window,
            num_output=self.max_output_tokens or profile.max_output_tokens or DEFAULT_NUM_OUTPUTS,
            is_chat_model=True,
            is_function_calling_model=profile.tool_calling,
            model_name=self.model,
            system_role=MessageRole.SYSTEM,
        )

    # ----- the request -----------------------------------------------------------------------

    @property
    def _call_options(self) -> dict[str, Any]:
        return {"route": self.route, "strict": self.strict, "profile_override": self.model_profile}

    def _prepare(
        self, messages: Sequence[ChatMessage], stream: bool, kwargs: dict[str, Any]
    ) -> tuple[ResponseCreateParams, list[str]]:
        """The request body for ``messages``, and the stop sequences to apply to the answer.

        Per-call keyword arguments override the fields; those this class does not know go into
        the body as extra parameters. The body is built (and checked) before anything is sent.
        """
        kw = dict(kwargs)
        stop = _stop_list(kw.pop("stop", None))
        effort = kw.pop("reasoning_effort", self.reasoning_effort)
        tools = kw.pop("tools", None) or None
        tool_choice, parallel = kw.pop("tool_choice", None), kw.pop("parallel_tool_calls", None)
        body = build_request(
            model=kw.pop("model", self.model),
            input=to_input_items(messages, self.system_role),
            tools=tools,
            tool_choice=tool_choice if tools else None,  # meaningless without tools
            parallel_tool_calls=parallel if tools else None,
            temperature=kw.pop("temperature", self.temperature),
            top_p=kw.pop("top_p", self.top_p),
            max_output_tokens=kw.pop("max_output_tokens", self.max_output_tokens),
            reasoning={"effort": effort} if effort else None,
            text_format=kw.pop("text_format", None),
            stream=stream,
            extra={**self.additional_kwargs, **_without_tool_keys(kw)},
            strict=self.strict,
        )
        return body, stop

    # ----- chat ------------------------------------------------------------------------------
    # The public methods fire LlamaIndex's callbacks; the private ones do the work, so that a
    # completion (built on them) is reported once, not twice.

    @llm_chat_callback()
    def chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponse:
        return self._chat(messages, **kwargs)

    @llm_chat_callback()
    async def achat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponse:
        return await self._achat(messages, **kwargs)

    @llm_chat_callback()
    def stream_chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponseGen:
        return self._stream_chat(messages, **kwargs)

    @llm_chat_callback()
    async def astream_chat(
        self, messages: Sequence[ChatMessage], **kwargs: Any
    ) -> ChatResponseAsyncGen:
        return self._astream_chat(messages, **kwargs)

    # Stop sequences are applied by the core: the answer ends at the first one and the
    # connection is closed then (its result has no usage: the server reports it only at the end).

    def _chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponse:
        body, stop = self._prepare(messages, False, kwargs)
        return chat_response(self._client.create(body, stop=stop, **self._call_options))

    async def _achat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponse:
        body, stop = self._prepare(messages, False, kwargs)
        return chat_response(await self._client.acreate(body, stop=stop, **self._call_options))

    def _stream_chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponseGen:
        body, stop = self._prepare(messages, True, kwargs)  # bad input raises here, not later

        def gen() -> ChatResponseGen:
            assembler = StreamAssembler()
            with closing(self._client.stream(body, stop=stop, **self._call_options)) as deltas:
                for delta in deltas:
                    yield assembler.feed(delta)

        return gen()

    def _astream_chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponseAsyncGen:
        body, stop = self._prepare(messages, True, kwargs)

        async def gen() -> ChatResponseAsyncGen:
            assembler = StreamAssembler()
            deltas = self._client.astream(body, stop=stop, **self._call_options)
            async with aclosing(deltas):
                async for delta in deltas:
                    yield assembler.feed(delta)

        return gen()

    # ----- completion ------------------------------------------------------------------------

    @llm_completion_callback()
    def complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponse:
        return completion_response(self._chat(_prompt_messages(prompt), **kwargs))

    @llm_completion_callback()
    async def acomplete(
        self, prompt: str, formatted: bool = False, **kwargs: Any
    ) -> CompletionResponse:
        return completion_response(await self._achat(_prompt_messages(prompt), **kwargs))

    @llm_completion_callback()
    def stream_complete(
        self, prompt: str, formatted: bool = False, **kwargs: Any
    ) -> CompletionResponseGen:
        chunks = self._stream_chat(_prompt_messages(prompt), **kwargs)

        def gen() -> CompletionResponseGen:
            for chunk in chunks:
                yield completion_response(chunk)

        return gen()

    @llm_completion_callback()
    async def astream_complete(
        self, prompt: str, formatted: bool = False, **kwargs: Any
    ) -> CompletionResponseAsyncGen:
        chunks = self._astream_chat(_prompt_messages(prompt), **kwargs)

        async def gen() -> CompletionResponseAsyncGen:
            async for chunk in chunks:
                yield completion_response(chunk)

        return gen()

    # ----- tools -----------------------------------------------------------------------------

    def _prepare_chat_with_tools(
        self,
        tools: Sequence[BaseTool],
        user_msg: str | ChatMessage | None = None,
        chat_history: list[ChatMessage] | None = None,
        verbose: bool = False,
        allow_parallel_tool_calls: bool = False,
        tool_required: bool = False,
        tool_choice: str | dict[str, Any] | None = None,
        strict: bool | None = None,
        **kwargs: Any,
    ) -> dict[str, Any]:
        """Chat arguments with flat function tools; the caller's history is copied, not changed."""
        specs = _tools.tool_specs(tools, self.strict if strict is None else strict)
        names = [spec["name"] for spec in specs]
        messages = list(chat_history or [])
        if user_msg is not None:
            messages.append(
                ChatMessage(role=MessageRole.USER, content=user_msg)
                if isinstance(user_msg, str)
                else user_msg
            )
        choice = tool_choice if tool_choice is not None else ("required" if tool_required else None)
        return {
            "messages": messages,
            "tools": specs or None,
            "tool_choice": tool_choice_param(choice, names) if specs else None,
            "parallel_tool_calls": allow_parallel_tool_calls if specs else None,
            **kwargs,
        }

    def _validate_chat_with_tools_response(
        self,
        response: ChatResponse,
        tools: Sequence[BaseTool],
        allow_parallel_tool_calls: bool = False,
        **kwargs: Any,
    ) -> ChatResponse:
        return response if allow_parallel_tool_calls else _tools.keep_first_tool_call(response)

    def get_tool_calls_from_response(
        self, response: ChatResponse, error_on_no_tool_call: bool = True, **kwargs: Any
    ) -> list[ToolSelection]:
        selections = _tools.tool_selections(response)
        if not selections and error_on_no_tool_call:
            raise ValueError(
                f"expected at least one tool call from {self.model!r}, got none; the answer "
                f"was: {response.message.content!r}"
            )
        return selections

    # ----- structured output (see NativeStructuredLLM) -----------------------------------------

    def _structured_kwargs(
        self, output_cls: type[Model], llm_kwargs: dict[str, Any] | None
    ) -> dict[str, Any]:
        return {
            **(llm_kwargs or {}),
            "text_format": _structured.text_format(output_cls, self.strict),
        }


def _stop_list(stop: object) -> list[str]:
    if stop is None:
        return []
    if isinstance(stop, str):
        return [stop]
    if isinstance(stop, list | tuple) and all(isinstance(s, str) for s in stop):
        return list(stop)
    raise RequestRejected(
        f"stop must be a string or a list of strings, not {type(stop).__name__}.", param="stop"
    )


def _prompt_messages(prompt: str) -> list[ChatMessage]:
    return [ChatMessage(role=MessageRole.USER, content=prompt)]


_TOOL_CALL_ONLY_KEYS = ("verbose", "tool_required", "allow_parallel_tool_calls", "strict")


def _without_tool_keys(kwargs: dict[str, Any]) -> dict[str, Any]:
    """Per-call arguments meant for tool preparation never go into the request body."""
    return {k: v for k, v in kwargs.items() if k not in _TOOL_CALL_ONLY_KEYS}


@functools.cache
def _llm_spellings() -> Mapping[str, str]:
    """The names ``OVHResponses`` takes: its fields, and the other spellings LlamaIndex's and
    LangChain's OpenAI classes use for them."""
    aliases = {"model_name": "model", "base_url": "api_base", "max_tokens": "max_output_tokens"}
    return {**spellings(OVHResponses), **aliases}
