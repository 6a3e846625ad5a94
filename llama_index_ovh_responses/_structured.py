"""Structured output through ``text.format`` json_schema: the request's format, the answer's
parsing, the growing partial objects of a stream, and :class:`NativeStructuredLLM`, the LLM
methods that use them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

import llama_index.core.instrumentation as instrument
from llama_index.core.instrumentation.events.llm import (
    LLMStructuredPredictEndEvent,
    LLMStructuredPredictStartEvent,
)
from llama_index.core.llms.function_calling import FunctionCallingLLM
from llama_index.core.program.utils import FlexibleModel, create_flexible_model
from llama_index.core.types import PydanticProgramMode
from pydantic import BaseModel, ValidationError

from ovh_responses.wire.structured import parse_json_output, parse_partial_json
from ovh_responses.wire.structured import text_format as core_text_format

if TYPE_CHECKING:
    from collections.abc import AsyncGenerator, AsyncIterator, Generator, Iterator

    from llama_index.core.base.llms.types import ChatMessage, ChatResponse
    from llama_index.core.prompts import PromptTemplate
    from llama_index.core.types import Model
    from openai.types.responses import ResponseFormatTextJSONSchemaConfigParam

ModelT = TypeVar("ModelT", bound=BaseModel)
Partial = Any  # Model | list[Model] | FlexibleModel | list[FlexibleModel], as LlamaIndex yields

dispatcher = instrument.get_dispatcher(__name__)  # type: ignore[attr-defined]


def text_format(
    output_cls: type[BaseModel], strict: bool
) -> ResponseFormatTextJSONSchemaConfigParam:
    """The json_schema format for ``output_cls``; with ``strict``, in OpenAI's strict form."""
    return core_text_format(output_cls.model_json_schema(), strict=strict, name=output_cls.__name__)


def parse_answer(output_cls: type[ModelT], response: ChatResponse) -> ModelT:
    """The finished answer as ``output_cls``. A refusal or text that is not JSON raises the
    core's ``StructuredOutputError``; JSON that does not fit raises pydantic's error."""
    refusal = response.message.additional_kwargs.get("refusal")
    value = parse_json_output(response.message.content or "", refusal=refusal)
    return output_cls.model_validate(value)


class PartialObjects:
    """Growing partial objects from the cumulative JSON text of a stream.

    Each distinct readable prefix gives ``output_cls`` when it already validates, else a
    flexible copy (every field optional); the end gives the fully validated object.
    """

    def __init__(self, output_cls: type[BaseModel]) -> None:
        self.output_cls = output_cls
        self.flexible = create_flexible_model(output_cls)
        self.last: dict[str, Any] | None = None
        self.last_object: BaseModel | None = None
        self.last_chunk: ChatResponse | None = None

    def feed(self, chunk: ChatResponse) -> list[BaseModel]:
        """The new partial object of ``chunk``'s text, if it reads as a new one."""
        self.last_chunk = chunk
        found = self.partial(chunk.message.content or "")
        return [found] if found is not None else []

    def end(self) -> list[BaseModel]:
        """The validated whole answer, unless the last partial object was it already."""
        if self.last_chunk is None:
            return []
        final = parse_answer(self.output_cls, self.last_chunk)
        return [] if final == self.last_object else [final]

    def partial(self, text: str) -> BaseModel | None:
        value = parse_partial_json(text) if text else None
        if not isinstance(value, dict) or value == self.last:
            return None
        self.last = value
        try:
            self.last_object = self.output_cls.model_validate(value)
        except ValidationError:
            self.last_object = self.flexible.model_validate(value)
        return self.last_object


def partial_objects(
    output_cls: type[BaseModel], chunks: Iterator[ChatResponse]
) -> Iterator[BaseModel | FlexibleModel]:
    objects = PartialObjects(output_cls)
    for chunk in chunks:
        yield from objects.feed(chunk)
    yield from objects.end()


async def apartial_objects(
    output_cls: type[BaseModel], chunks: AsyncIterator[ChatResponse]
) -> AsyncIterator[BaseModel | FlexibleModel]:
    """The async twin of :func:`partial_objects`: only the loop differs."""
    objects = PartialObjects(output_cls)
    async for chunk in chunks:
        for found in objects.feed(chunk):
            yield found
    for found in objects.end():
        yield found


class NativeStructuredLLM(FunctionCallingLLM):
    """Structured prediction through ``text.format`` json_schema (adapted by the core for a
    model without it) unless another program mode was chosen; then LlamaIndex's own program
    is used. Sync and async methods differ only in the call."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)

    def _structured_kwargs(
        self, output_cls: type[Model], llm_kwargs: dict[str, Any] | None
    ) -> dict[str, Any]:
        """The chat arguments asking for ``output_cls`` (with its ``text_format``)."""
        raise NotImplementedError

    def _native_structured(self) -> bool:
        return self.pydantic_program_mode == PydanticProgramMode.DEFAULT

    def _structured_request(
        self,
        output_cls: type[Model],
        prompt: PromptTemplate,
        llm_kwargs: dict[str, Any] | None,
        prompt_args: dict[str, Any],
    ) -> tuple[list[ChatMessage], dict[str, Any]]:
        messages = self._get_messages(prompt, **prompt_args)
        return messages, self._structured_kwargs(output_cls, llm_kwargs)

    def _predicted(self, output_cls: type[ModelT], response: ChatResponse) -> ModelT:
        result = parse_answer(output_cls, response)
        dispatcher.event(LLMStructuredPredictEndEvent(output=result))
        return result

    @staticmethod
    def _predict_started(
        output_cls: type[Model], prompt: PromptTemplate, prompt_args: dict[str, Any]
    ) -> None:
        dispatcher.event(
            LLMStructuredPredictStartEvent(
                output_cls=output_cls, template=prompt, template_args=prompt_args
            )
        )

    @dispatcher.span
    def structured_predict(
        self,
        output_cls: type[Model],
        prompt: PromptTemplate,
        llm_kwargs: dict[str, Any] | None = None,
        **prompt_args: Any,
    ) -> Model:
        if not self._native_structured():
            fallback: Model = super().structured_predict(
                output_cls, prompt, llm_kwargs, **prompt_args
            )
            return fallback
        self._predict_started(output_cls, prompt, prompt_args)
        messages, kwargs = self._structured_request(output_cls, prompt, llm_kwargs, prompt_args)
        return self._predicted(output_cls, self.chat(messages, **kwargs))

    @dispatcher.span
    async def astructured_predict(
        self,
        output_cls: type[Model],
        prompt: PromptTemplate,
        llm_kwargs: dict[str, Any] | None = None,
        **prompt_args: Any,
    ) -> Model:
        if not self._native_structured():
            fallback: Model = await super().astructured_predict(
                output_cls, prompt, llm_kwargs, **prompt_args
            )
            return fallback
        self._predict_started(output_cls, prompt, prompt_args)
        messages, kwargs = self._structured_request(output_cls, prompt, llm_kwargs, prompt_args)
        return self._predicted(output_cls, await self.achat(messages, **kwargs))

    def _structured_stream_call(
        self,
        output_cls: type[Model],
        prompt: PromptTemplate,
        llm_kwargs: dict[str, Any] | None = None,
        **prompt_args: Any,
    ) -> Generator[Partial, None, None]:
        if not self._native_structured():
            return super()._structured_stream_call(output_cls, prompt, llm_kwargs, **prompt_args)
        messages, kwargs = self._structured_request(output_cls, prompt, llm_kwargs, prompt_args)
        return partial_objects(output_cls, self.stream_chat(messages, **kwargs))  # type: ignore[return-value]

    async def _structured_astream_call(
        self,
        output_cls: type[Model],
        prompt: PromptTemplate,
        llm_kwargs: dict[str, Any] | None = None,
        **prompt_args: Any,
    ) -> AsyncGenerator[Partial, None]:
        if not self._native_structured():
            return await super()._structured_astream_call(
                output_cls, prompt, llm_kwargs, **prompt_args
            )
        messages, kwargs = self._structured_request(output_cls, prompt, llm_kwargs, prompt_args)
        chunks = await self.astream_chat(messages, **kwargs)
        return apartial_objects(output_cls, chunks)  # type: ignore[return-value]
