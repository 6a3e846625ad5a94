"""``with_structured_output``: the request side (``text.format`` or a forced tool call) and the
parser that reads the answer, whole or while it streams.

A refusal raises :class:`~langchain_ovh_responses._errors.OVHRefusalError` (a LangChain
``ModelRefusalError``); JSON that does not parse raises
:class:`~langchain_ovh_responses._errors.OVHOutputParserError` (an ``OutputParserException``).
"""

from __future__ import annotations

from collections.abc import Mapping
from operator import itemgetter
from typing import TYPE_CHECKING, Any, Literal, cast

import pydantic
import pydantic.v1
from langchain_core.output_parsers import JsonOutputKeyToolsParser, PydanticToolsParser
from langchain_core.output_parsers.transform import BaseCumulativeTransformOutputParser
from langchain_core.outputs import ChatGeneration, Generation
from langchain_core.runnables import RunnableMap, RunnablePassthrough
from langchain_core.utils.function_calling import convert_to_json_schema, convert_to_openai_tool
from langchain_core.utils.pydantic import is_basemodel_subclass

from langchain_ovh_responses._errors import OVHOutputParserError, OVHRefusalError
from ovh_responses.errors import StructuredOutputError
from ovh_responses.wire.structured import (
    JSON_OBJECT_FORMAT,
    parse_json_output,
    parse_partial_json,
    response_format_param,
)
from ovh_responses.wire.structured import text_format as core_text_format

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel, LanguageModelInput
    from langchain_core.messages import BaseMessage
    from langchain_core.runnables import Runnable
    from openai.types.responses import ResponseFormatTextConfigParam

__all__ = [
    "Method",
    "StructuredOutputParser",
    "response_format_text_format",
    "structured_runnable",
]

Method = Literal["json_schema", "function_calling", "json_mode"]


class StructuredOutputParser(BaseCumulativeTransformOutputParser[Any]):
    """JSON text -> a dict, or an instance of ``pydantic_schema``. While streaming it yields
    each new partial dict, and a pydantic object only once it validates."""

    pydantic_schema: Any = None
    """A pydantic (v2 or v1) model class, or ``None`` for plain dicts."""

    def parse_result(self, result: list[Generation], *, partial: bool = False) -> Any:
        message = result[0].message if isinstance(result[0], ChatGeneration) else None
        refusal = message_refusal(message) if message is not None else None
        if refusal:
            raise OVHRefusalError(
                f"The model refused to produce the structured output: {refusal}",
                refusal=refusal,
                raw_message=message,
            )
        text = result[0].text
        if partial:
            return self._partial(text)
        try:
            value = parse_json_output(text)
        except StructuredOutputError as e:
            raise OVHOutputParserError(str(e), text=text) from e
        return self._validated(value, text)

    def parse(self, text: str) -> Any:
        return self.parse_result([Generation(text=text)])

    def _partial(self, text: str) -> Any:
        value = parse_partial_json(text)
        if value is None or self.pydantic_schema is None:
            return value
        try:
            return _validate(self.pydantic_schema, value)
        except (pydantic.ValidationError, pydantic.v1.ValidationError):
            return None

    def _validated(self, value: object, text: str) -> Any:
        if self.pydantic_schema is None:
            return value
        try:
            return _validate(self.pydantic_schema, value)
        except (pydantic.ValidationError, pydantic.v1.ValidationError) as e:
            raise OVHOutputParserError(
                f"The model's JSON does not match {self.pydantic_schema.__name__}: {e}", text=text
            ) from e

    @property
    def _type(self) -> str:
        return "ovhcloud_structured_output"


def _validate(schema: Any, value: object) -> Any:
    if issubclass(schema, pydantic.BaseModel):
        return schema.model_validate(value)
    return schema.parse_obj(value)


def message_refusal(message: BaseMessage) -> str | None:
    """The refusal an answer carries, in either output version."""
    refusal = message.additional_kwargs.get("refusal")
    if isinstance(refusal, str) and refusal:
        return refusal
    if isinstance(message.content, list):
        texts = [
            str(block.get("refusal", ""))
            for block in message.content
            if isinstance(block, dict) and block.get("type") == "refusal"
        ]
        return "".join(texts) or None
    return None


def structured_runnable(
    model: BaseChatModel,
    schema: dict[str, Any] | type | None,
    *,
    method: Method,
    include_raw: bool,
    strict: bool | None,
) -> Runnable[LanguageModelInput, Any]:
    """``model`` bound for structured output, followed by its parser."""
    pydantic_schema: Any = schema if _is_pydantic(schema) else None
    ls_format = {"kwargs": {"method": method, "strict": strict}, "schema": schema}
    parser: Runnable[Any, Any]
    if method == "function_calling":
        if schema is None:
            raise ValueError("method='function_calling' needs a schema.")
        name = convert_to_openai_tool(schema)["function"]["name"]
        # Strict unless ``strict=False``: vLLM constrains a forced call's arguments to the
        # tool's schema only when the tool is strict.
        llm = model.bind_tools(
            [cast("Any", schema)],
            tool_choice=name,
            strict=strict is not False,
            parallel_tool_calls=False,
            ls_structured_output_format=ls_format,
        )
        parser = (
            PydanticToolsParser(tools=[pydantic_schema], first_tool_only=True)
            if pydantic_schema is not None
            else JsonOutputKeyToolsParser(key_name=name, first_tool_only=True)
        )
    elif method == "json_schema":
        if schema is None:
            raise ValueError("method='json_schema' needs a schema.")
        llm = model.bind(
            text_format=text_format(schema, strict), ls_structured_output_format=ls_format
        )
        parser = StructuredOutputParser(pydantic_schema=pydantic_schema)
    elif method == "json_mode":
        llm = model.bind(text_format=JSON_OBJECT_FORMAT, ls_structured_output_format=ls_format)
        parser = StructuredOutputParser(pydantic_schema=pydantic_schema)
    else:
        raise ValueError(
            f"Unknown method {method!r}; use 'json_schema', 'function_calling' or 'json_mode'."
        )
    if not include_raw:
        return llm | parser
    parsed = RunnablePassthrough.assign(
        parsed=itemgetter("raw") | parser, parsing_error=lambda _: None
    )
    nothing = RunnablePassthrough.assign(parsed=lambda _: None)
    return RunnableMap(raw=llm) | parsed.with_fallbacks([nothing], exception_key="parsing_error")


def text_format(
    schema: dict[str, Any] | type, strict: bool | None
) -> ResponseFormatTextConfigParam:
    """``text.format`` for ``schema``; strict (the schema made strict) unless ``strict=False``."""
    json_schema = convert_to_json_schema(cast("Any", schema))
    return core_text_format(json_schema, strict=strict is not False)


def response_format_text_format(
    response_format: object, strict: bool | None = None
) -> ResponseFormatTextConfigParam:
    """``text.format`` for a ``response_format`` in any shape ``ChatOpenAI`` takes: chat
    completions' ``json_schema`` / ``json_object`` / ``text`` dicts (as LangChain agents'
    ``ProviderStrategy`` sends them), a Responses ``text.format``, a bare JSON schema, a
    pydantic model or a TypedDict. Schemas given as classes or bare JSON are strict unless
    ``strict=False``; dicts say themselves whether they are strict."""
    if isinstance(response_format, Mapping):
        known = response_format_param(response_format)
        return known if known is not None else text_format(dict(response_format), strict)
    if isinstance(response_format, type):
        return text_format(response_format, strict)
    raise ValueError(
        f"response_format must be a dict, a pydantic model or a TypedDict, not "
        f"{type(response_format).__name__}; e.g. response_format={{'type': 'json_schema', "
        "'json_schema': {'name': ..., 'schema': {...}}}} or response_format=MyModel."
    )


def _is_pydantic(schema: object) -> bool:
    return isinstance(schema, type) and is_basemodel_subclass(schema)
