"""``ChatOVHResponses``: OVHcloud AI Endpoints' ``/v1/responses`` route as a LangChain chat
model."""

from __future__ import annotations

import math
from contextlib import aclosing, closing, contextmanager
from typing import TYPE_CHECKING, Any

from langchain_core.language_models import BaseChatModel, LangSmithParams
from langchain_core.messages.utils import count_tokens_approximately
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import AliasChoices, ConfigDict, Field, PrivateAttr, SecretStr, model_validator

from langchain_ovh_responses._connection import connect
from langchain_ovh_responses._errors import langchain_errors
from langchain_ovh_responses._inputs import messages_to_input
from langchain_ovh_responses._outputs import PROVIDER, OutputVersion, result_to_message
from langchain_ovh_responses._profile import langchain_profile, merged_override
from langchain_ovh_responses._streaming import ChunkStream
from langchain_ovh_responses._structured import (
    Method,
    response_format_text_format,
    structured_runnable,
)
from langchain_ovh_responses._tools import to_function_tool
from ovh_responses._arguments import checked, spellings
from ovh_responses.client.holder import ClientHolder
from ovh_responses.fitting.learned import LEARNED
from ovh_responses.fitting.request import RouteChoice  # noqa: TC001 (a pydantic field type)
from ovh_responses.request import build_request
from ovh_responses.settings import DEFAULT_MODEL
from ovh_responses.wire.tools import tool_choice_param

if TYPE_CHECKING:
    from collections.abc import (
        AsyncIterator,
        Iterator,
        Mapping,
        Sequence,
    )
    from contextlib import AbstractContextManager
    from typing import Self

    from langchain_core.callbacks import (
        AsyncCallbackManagerForLLMRun,
        CallbackManagerForLLMRun,
    )
    from langchain_core.language_models import LanguageModelInput
    from langchain_core.language_models.chat_models import _ChatModelBinding
    from langchain_core.language_models.model_profile import ModelProfile as LCModelProfile
    from langchain_core.messages import AIMessage, BaseMessage
    from langchain_core.runnables import Runnable
    from openai.types.responses import ResponseFormatTextConfigParam
    from openai.types.responses.response_create_params import ResponseCreateParams
    from openai.types.shared_params import Reasoning

    from langchain_ovh_responses._tools import ToolLike
    from ovh_responses.client import ResponsesClient

__all__ = ["ChatOVHResponses"]

CHARS_PER_TOKEN = 4.0
"""The offline token estimate's ratio (OpenAI's rule of thumb for English text)."""

_EXTRA_FIELDS_HINT = "Extra request-body fields go in model_kwargs={...}."


class ChatOVHResponses(BaseChatModel, ClientHolder):
    """OVHcloud AI Endpoints through ``/v1/responses``.

    The key comes from ``api_key`` or the environment (``AI_ENDPOINT_API_KEY``,
    ``OVH_AI_ENDPOINTS_ACCESS_TOKEN``, ``OVHCLOUD_API_KEY``); without one, requests use the
    anonymous tier. Every request is sent with ``store: false`` and the whole history.
    """

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    model: str = Field(default=DEFAULT_MODEL, validation_alias=AliasChoices("model", "model_name"))
    """Catalog model id (case-sensitive), or a virtual model such as ``mistral@latest``."""
    temperature: float | None = None
    top_p: float | None = None
    max_tokens: int | None = Field(
        default=None,
        validation_alias=AliasChoices("max_tokens", "max_output_tokens", "max_completion_tokens"),
    )
    """Upper bound on generated tokens (sent as ``max_output_tokens``)."""
    stop: list[str] | None = Field(
        default=None, validation_alias=AliasChoices("stop", "stop_sequences")
    )
    """Stop sequences, applied on the client (the route has no ``stop`` parameter)."""
    reasoning_effort: str | None = None
    """``"low"``, ``"medium"`` or ``"high"`` on reasoning models."""
    reasoning: dict[str, Any] | None = None
    """The whole ``reasoning`` parameter; ``reasoning_effort`` is merged into it."""
    timeout: float | None = Field(
        default=60.0, validation_alias=AliasChoices("timeout", "request_timeout")
    )
    max_retries: int = 2
    api_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("api_key", "openai_api_key")
    )
    base_url: str | None = Field(
        default=None, validation_alias=AliasChoices("base_url", "openai_api_base", "api_base")
    )
    """Default: ``OVH_AI_ENDPOINTS_BASE_URL``, else OVHcloud's public endpoint."""
    default_headers: dict[str, str] | None = Field(default=None, exclude=True, repr=False)
    """Headers sent with every request; never serialized nor shown (they may carry
    credentials)."""
    http_client: Any | None = Field(default=None, exclude=True)
    """An ``httpx2.Client`` to send requests with (the caller closes it)."""
    http_async_client: Any | None = Field(default=None, exclude=True)
    """An ``httpx2.AsyncClient`` for async calls (the caller closes it)."""
    model_kwargs: dict[str, Any] = Field(default_factory=dict)
    """Extra request-body fields, merged last (``store`` and stateful fields are refused). A
    ``response_format`` here, in ``bind``, ``bind_tools`` or a call, in any shape ``ChatOpenAI``
    takes, is sent as ``text.format``."""
    streaming: bool = False
    """Stream even when called with ``invoke``."""
    strict: bool = False
    """Refuse with a typed error, instead of adapting with a warning, what the platform or the
    model may not honour (doubtful parameters, system prompts on a model without them, a
    ``tool_choice`` it does not take, ...)."""
    route: RouteChoice = "auto"
    """``"auto"``: ``/v1/responses``, or ``/v1/chat/completions`` for the models only served
    there (known from their profile, or learned from the server's answer); or one route."""

    model_profile: Any = Field(default=None, exclude=True)
    """Your word on the model, over the table and what the server taught, for this instance's
    requests: a whole ``ovh_responses.fitting.profiles.ModelProfile`` or some of its flags
    (``{"tool_calling": True}``). A LangChain ``profile=`` you give counts too (``model_profile``
    wins where both say)."""

    _client: ResponsesClient = PrivateAttr()
    _profile_follows: bool = PrivateAttr(default=False)
    """``profile`` was made here (no ``profile=`` given): it follows what the server taught."""
    _profile_made_at: int = PrivateAttr(default=-1)
    """``LEARNED.generation`` when ``profile`` was made."""
    _extra_body: dict[str, Any] = PrivateAttr(default_factory=dict)
    _text_format: ResponseFormatTextConfigParam | None = PrivateAttr(default=None)

    @model_validator(mode="before")
    @classmethod
    def _reject_unknown_arguments(cls, values: Any) -> Any:
        if isinstance(values, dict):
            values = checked(cls.__name__, values, spellings(cls), hint=_EXTRA_FIELDS_HINT)
            override = merged_override(values.get("profile"), values.get("model_profile"))
            values = {**values, "model_profile": override}
        return values

    @model_validator(mode="after")
    def _make_client(self) -> Self:
        self._client = connect(self)
        return self

    @model_validator(mode="after")
    def _read_response_format(self) -> Self:
        """A ``response_format`` in ``model_kwargs`` becomes ``text.format``, once."""
        extra = dict(self.model_kwargs)
        if "response_format" in extra:
            self._text_format = response_format_text_format(extra.pop("response_format"))
        self._extra_body = extra
        return self

    # ----- what the model is --------------------------------------------------------------

    @property
    def model_name(self) -> str:
        """The model id, under the name ``ChatOpenAI`` gives it."""
        return self.model

    def _resolve_model_profile(self) -> LCModelProfile | None:
        """``profile`` when none is given: what is believed of the model now (the table, what
        the server taught, ``model_profile``). LangChain asks only when ``profile=`` was not
        given, so from then on ``profile`` is this class's to keep up to date."""
        self._profile_follows = True
        self._profile_made_at = LEARNED.generation
        return langchain_profile(self.model, self.base_url, self.model_profile)

    def _follow_the_server(self) -> None:
        """Make ``profile`` again if the server taught something since it was made (a
        ``profile=`` the user gave is left as given). ``create_agent`` reads ``profile`` before
        each model call to choose between the provider's structured output and a tool."""
        if self._profile_follows and self._profile_made_at != LEARNED.generation:
            self.profile = self._resolve_model_profile()

    @contextmanager
    def _calling(self) -> Iterator[None]:
        """Around each call: errors in LangChain's types, and ``profile`` brought up to date
        with what the call taught (also when it failed)."""
        try:
            with langchain_errors():
                yield
        finally:
            self._follow_the_server()

    def _errors(self) -> AbstractContextManager[object]:
        return langchain_errors()

    # ----- LangChain identity --------------------------------------------------------------

    @property
    def _llm_type(self) -> str:
        return "ovhcloud-responses-chat"

    @property
    def lc_secrets(self) -> dict[str, str]:
        return {"api_key": "AI_ENDPOINT_API_KEY"}

    @classmethod
    def is_lc_serializable(cls) -> bool:
        return True

    @classmethod
    def get_lc_namespace(cls) -> list[str]:
        return ["langchain_ovh_responses", "chat_models"]

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "base_url": self.base_url,
            "temperature": self.temperature,
            "top_p": self.top_p,
            "max_tokens": self.max_tokens,
            "reasoning": self._reasoning(),
        }

    def _get_ls_params(self, stop: list[str] | None = None, **kwargs: Any) -> LangSmithParams:
        params = LangSmithParams(
            ls_provider=PROVIDER,
            ls_model_name=str(kwargs.get("model") or self.model),
            ls_model_type="chat",
        )
        temperature = kwargs.get("temperature", self.temperature)
        if temperature is not None:
            params["ls_temperature"] = temperature
        max_tokens = kwargs.get("max_tokens", self.max_tokens)
        if max_tokens is not None:
            params["ls_max_tokens"] = max_tokens
        if stops := self._stops(stop):
            params["ls_stop"] = stops
        return params

    # ----- the request ---------------------------------------------------------------------

    @property
    def _version(self) -> OutputVersion:
        return "v1" if self.output_version == "v1" else "v0"

    def _stops(self, stop: list[str] | None) -> list[str] | None:
        return stop if stop is not None else self.stop

    def _reasoning(
        self, reasoning: Mapping[str, Any] | None = None, effort: str | None = None
    ) -> Reasoning | None:
        merged: dict[str, Any] = {**(self.reasoning or {}), **(reasoning or {})}
        if effort or self.reasoning_effort:
            merged["effort"] = effort or self.reasoning_effort
        return merged or None  # type: ignore[return-value]

    def _body(
        self, messages: list[BaseMessage], *, stream: bool, **kwargs: Any
    ) -> ResponseCreateParams:
        kw = dict(kwargs)
        kw.pop("stream", None)
        text_format = kw.pop("text_format", self._text_format)
        if "response_format" in kw:
            text_format = response_format_text_format(kw.pop("response_format"))
        max_tokens = kw.pop("max_tokens", kw.pop("max_output_tokens", self.max_tokens))
        return build_request(
            model=kw.pop("model", self.model),
            input=messages_to_input(messages),
            instructions=kw.pop("instructions", None),
            tools=kw.pop("tools", None),
            tool_choice=kw.pop("tool_choice", None),
            parallel_tool_calls=kw.pop("parallel_tool_calls", None),
            temperature=kw.pop("temperature", self.temperature),
            top_p=kw.pop("top_p", self.top_p),
            max_output_tokens=max_tokens,
            reasoning=self._reasoning(kw.pop("reasoning", None), kw.pop("reasoning_effort", None)),
            text_format=text_format,
            stream=stream,
            extra={**self._extra_body, **kw},
            strict=self.strict,
        )

    @property
    def _call_options(self) -> dict[str, Any]:
        return {"route": self.route, "strict": self.strict, "profile_override": self.model_profile}

    # ----- calls ----------------------------------------------------------------------------

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        body = self._body(messages, stream=False, **kwargs)
        with self._calling():
            result = self._client.create(body, stop=self._stops(stop), **self._call_options)
        return _chat_result(result_to_message(result, self._version))

    async def _agenerate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        body = self._body(messages, stream=False, **kwargs)
        with self._calling():
            result = await self._client.acreate(body, stop=self._stops(stop), **self._call_options)
        return _chat_result(result_to_message(result, self._version))

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        body = self._body(messages, stream=True, **kwargs)
        chunks = ChunkStream(version=self._version)
        deltas = self._client.stream(body, stop=self._stops(stop), **self._call_options)
        with self._calling(), closing(deltas):
            for delta in deltas:
                for chunk in chunks.feed(delta):
                    yield ChatGenerationChunk(message=chunk)
                if chunks.finished:
                    return

    async def _astream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> AsyncIterator[ChatGenerationChunk]:
        body = self._body(messages, stream=True, **kwargs)
        chunks = ChunkStream(version=self._version)
        deltas = self._client.astream(body, stop=self._stops(stop), **self._call_options)
        with self._calling():
            async with aclosing(deltas):
                async for delta in deltas:
                    for chunk in chunks.feed(delta):
                        yield ChatGenerationChunk(message=chunk)
                    if chunks.finished:
                        return

    # ----- token counting (offline estimate) -----------------------------------------------

    def get_num_tokens(self, text: str) -> int:
        """An estimate: one token per ``CHARS_PER_TOKEN`` characters (no tokenizer download).
        See :meth:`get_num_tokens_from_messages`."""
        return math.ceil(len(text) / CHARS_PER_TOKEN)

    def get_num_tokens_from_messages(
        self, messages: list[BaseMessage], tools: Sequence[Any] | None = None
    ) -> int:
        """An offline estimate of the prompt's tokens, for ``trim_messages`` and
        summarization: LangChain's ``count_tokens_approximately`` (4 characters a token, 3 per
        message, tools included). When an answer in ``messages`` carries the usage the server
        reported and that count is higher, the estimate is raised towards it (by at most a
        quarter). It is OpenAI's rule of thumb for English prose, not the model's tokenizer:
        code and non-Latin scripts take more tokens per character; leave a margin."""
        return count_tokens_approximately(
            messages,
            chars_per_token=CHARS_PER_TOKEN,
            tools=list(tools) if tools else None,
            use_usage_metadata_scaling=True,
        )

    # ----- tools and structured output ----------------------------------------------------

    def bind_tools(
        self,
        tools: Sequence[ToolLike],
        *,
        tool_choice: str | bool | dict[str, Any] | None = None,
        strict: bool | None = None,
        parallel_tool_calls: bool | None = None,
        **kwargs: Any,
    ) -> Runnable[LanguageModelInput, AIMessage]:
        """Bind function tools. ``tool_choice``: ``"auto"``, ``"none"``, ``"required"`` /
        ``"any"`` / ``True``, a tool's name, or a dict. ``strict=True`` sends strict schemas.
        A ``response_format`` (as ``ChatOpenAI`` takes it) is sent as ``text.format``."""
        formatted = [to_function_tool(tool, strict=strict) for tool in tools]
        choice = tool_choice_param(tool_choice, [tool["name"] for tool in formatted])
        if choice is not None:
            kwargs["tool_choice"] = choice
        if parallel_tool_calls is not None:
            kwargs["parallel_tool_calls"] = parallel_tool_calls
        if "response_format" in kwargs:
            kwargs["text_format"] = response_format_text_format(
                kwargs.pop("response_format"), strict
            )
        if formatted:  # an agent without tools binds none: send no empty list
            kwargs["tools"] = formatted
        return self.bind(**kwargs)

    def bind(self, **kwargs: Any) -> _ChatModelBinding:
        """Bind call arguments; a ``response_format`` (as ``ChatOpenAI`` takes it) is turned
        into ``text.format`` here, once."""
        if "response_format" in kwargs:
            kwargs["text_format"] = response_format_text_format(kwargs.pop("response_format"))
        return super().bind(**kwargs)

    def with_structured_output(
        self,
        schema: dict[str, Any] | type | None = None,
        *,
        method: Method = "json_schema",
        include_raw: bool = False,
        strict: bool | None = None,
        **kwargs: Any,
    ) -> Runnable[LanguageModelInput, dict[str, Any] | Any]:
        """Answers as ``schema`` (a pydantic model, a TypedDict or a JSON schema).

        ``method``: ``"json_schema"`` (``text.format``, strict unless ``strict=False``),
        ``"function_calling"`` (a forced tool call) or ``"json_mode"`` (any JSON object).
        Streaming yields partial objects. A refusal raises ``OVHRefusalError``.
        """
        if kwargs:
            raise ValueError(f"Unexpected arguments: {', '.join(sorted(kwargs))}")
        return structured_runnable(
            self, schema, method=method, include_raw=include_raw, strict=strict
        )


def _chat_result(message: AIMessage) -> ChatResult:
    return ChatResult(generations=[ChatGeneration(message=message)])
