"""Structured output through ``text.format`` json_schema: the request's format, the answer's
parsing, and the growing partial objects of a stream."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from llama_index.core.program.utils import FlexibleModel, create_flexible_model
from pydantic import BaseModel, ValidationError

from ovh_responses.structured import parse_json_output, parse_partial_json
from ovh_responses.structured import text_format as core_text_format

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator

    from llama_index.core.base.llms.types import ChatResponse
    from openai.types.responses import ResponseFormatTextJSONSchemaConfigParam

ModelT = TypeVar("ModelT", bound=BaseModel)


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

    def final(self, response: ChatResponse) -> BaseModel | None:
        """The validated whole answer, or ``None`` when the last partial object was it."""
        final = parse_answer(self.output_cls, response)
        return None if final == self.last_object else final


def partial_objects(
    output_cls: type[BaseModel], chunks: Iterator[ChatResponse]
) -> Iterator[BaseModel | FlexibleModel]:
    objects = PartialObjects(output_cls)
    last: ChatResponse | None = None
    for last in chunks:
        found = objects.partial(last.message.content or "")
        if found is not None:
            yield found
    final = objects.final(last) if last is not None else None
    if final is not None:
        yield final


async def apartial_objects(
    output_cls: type[BaseModel], chunks: AsyncIterator[ChatResponse]
) -> AsyncIterator[BaseModel | FlexibleModel]:
    objects = PartialObjects(output_cls)
    last: ChatResponse | None = None
    async for last in chunks:
        found = objects.partial(last.message.content or "")
        if found is not None:
            yield found
    final = objects.final(last) if last is not None else None
    if final is not None:
        yield final
