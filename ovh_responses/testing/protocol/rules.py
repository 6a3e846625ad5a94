"""The platform's rules shared by ``/v1/responses`` and ``/v1/chat/completions``.

Each check raises :class:`EndpointError` with the status, message and ``param`` that OVH's
vLLM-based stack answers with.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import TYPE_CHECKING, Any

from ovh_responses.testing.protocol.failures import EndpointError, bad_request

if TYPE_CHECKING:
    from ovh_responses.testing.brain.conversation import Ask
    from ovh_responses.testing.protocol.models import ModelSpec, ServedPath

IMAGE_TOKENS = 64
_DATA_URL = re.compile(r"^data:(?P<mime>[\w.+-]+/[\w.+-]+);base64,(?P<data>.*)$", re.DOTALL)
ROUTE_PATHS: dict[ServedPath, str] = {
    "responses": "/v1/responses",
    "chat": "/v1/chat/completions",
    "embeddings": "/v1/embeddings",
}


def find_model(index: dict[str, ModelSpec], body: dict[str, Any], route: ServedPath) -> ModelSpec:
    name = body.get("model")
    if not isinstance(name, str) or not name:
        raise bad_request("Field required: model", "model")
    spec = index.get(name)
    if spec is None:
        raise EndpointError(404, f"The model `{name}` does not exist.", param="model")
    if route not in spec.routes:
        served = ", ".join(ROUTE_PATHS[r] for r in sorted(spec.routes))
        raise EndpointError(
            404,
            f"The model `{name}` is not available on route {ROUTE_PATHS[route]}; "
            f"it is served on {served}.",
            param="model",
        )
    return spec


def check_image_url(url: object, spec: ModelSpec) -> None:
    if not isinstance(url, str) or not url:
        raise bad_request("An input_image needs an image_url (a base64 data: URL).", "input")
    match = _DATA_URL.match(url)
    if match is None:
        raise bad_request(
            "Only base64 data: URLs are supported for images; remote image URLs are not "
            "fetched. Send the image as data:<mime>;base64,<data>.",
            "input",
        )
    try:
        base64.b64decode(match["data"], validate=True)
    except (binascii.Error, ValueError) as e:
        raise bad_request(f"The image data URL is not valid base64: {e}", "input") from e
    if not spec.vision:
        raise bad_request(
            f"The model `{spec.id}` is not a multimodal model: it does not accept image inputs.",
            "input",
        )


def check_model_rules(
    spec: ModelSpec, ask: Ask, *, stream: bool, has_system: bool, route: ServedPath = "responses"
) -> None:
    """Per-model rules: system prompts, tools, tool_choice, reasoning, structured streaming."""
    chat = route == "chat"
    if has_system and not spec.system_prompt:
        raise bad_request(
            f"System role not supported: the model `{spec.id}` accepts no system or developer "
            "messages and no instructions; put them in the first user message.",
            "messages" if chat else "instructions",
        )
    if ask.tools and not spec.tools and ask.tool_choice != "none":
        raise bad_request(
            '"auto" tool choice requires --enable-auto-tool-choice and --tool-call-parser to '
            f"be set: the model `{spec.id}` does not support tool calling.",
            "tools",
        )
    if spec.tool_choice_auto_only and (ask.tool_choice != "auto" or ask.forced_tool):
        shown = ask.forced_tool or ask.tool_choice
        raise bad_request(
            f"The model `{spec.id}` only supports tool_choice 'auto'; got {shown!r}.",
            "tool_choice",
        )
    if ask.effort is not None and spec.reasoning == "none":
        raise bad_request(
            f"The model `{spec.id}` is not a reasoning model: reasoning.effort is not supported.",
            "reasoning_effort" if chat else "reasoning",
        )
    if ask.output == "json_schema" and not spec.structured:
        raise bad_request(
            f"The model `{spec.id}` does not support structured output (json_schema); ask for "
            "json_object or plain text instead.",
            "response_format" if chat else "text",
        )
    if stream and ask.output == "json_schema" and not spec.stream_structured:
        raise bad_request(
            f"The model `{spec.id}` does not support structured output (json_schema) with "
            "stream=true; send the request without streaming.",
            "response_format" if chat else "text",
        )


def check_parallel_tool_calls(spec: ModelSpec, ask: Ask, sent: object) -> None:
    """Models that refuse the parameter: an explicit ``parallel_tool_calls: true`` with tools."""
    if spec.rejects_parallel_tool_calls and sent is True and ask.tools:
        raise bad_request(
            f"The model `{spec.id}` does not support parallel tool calls: send "
            "parallel_tool_calls=false or leave it out.",
            "parallel_tool_calls",
        )


_LOGPROBS_INCLUDE = "message.output_text.logprobs"


def check_logprobs(spec: ModelSpec, body: dict[str, Any], route: ServedPath = "responses") -> None:
    """Models without token log probabilities: asking for them is refused, naming the field."""
    if spec.logprobs:
        return
    asked: str | None = None
    if body.get("top_logprobs") is not None:
        asked = "top_logprobs"
    elif route == "chat" and body.get("logprobs") is True:
        asked = "logprobs"
    elif route != "chat" and _LOGPROBS_INCLUDE in (body.get("include") or ()):
        asked = "include"
    if asked is not None:
        raise bad_request(
            f"The model `{spec.id}` does not return log probabilities: remove `{asked}`.", asked
        )


def check_tool_choice(ask: Ask) -> None:
    if ask.tool_choice == "required" and not ask.tools:
        raise bad_request("tool_choice 'required' needs at least one tool.", "tool_choice")
    if ask.forced_tool is not None and ask.forced_tool not in {t.name for t in ask.tools}:
        raise bad_request(
            f"Tool '{ask.forced_tool}' named in tool_choice is not among the tools.",
            "tool_choice",
        )


def prompt_tokens(ask: Ask) -> list[str]:
    """The prompt as tokens: the tools, then each turn's words (and image and call tokens), then
    the schema. Each token carries its turn and role, so equal words in different places differ."""
    out: list[str] = []
    for i, tool in enumerate(ask.tools):
        out += _tagged(f"tool{i}", json.dumps({"name": tool.name, "description": tool.description}))
        out += _tagged(f"tool{i}", json.dumps(tool.parameters))
    for i, turn in enumerate(ask.turns):
        tag = f"{i}:{turn.role}"
        out += _tagged(tag, turn.text)
        out += [f"{tag}\x00<image>"] * (IMAGE_TOKENS * turn.images)
        for call in turn.calls:
            out += _tagged(f"{tag}:{call.name}", call.arguments)
    if ask.schema is not None:
        out += _tagged("schema", json.dumps(ask.schema))
    return out


def _tagged(tag: str, text: str) -> list[str]:
    return [f"{tag}\x00{word}" for word in text.split()]


def input_tokens(ask: Ask) -> int:
    return len(prompt_tokens(ask))


def check_context(spec: ModelSpec, prompt_tokens: int, max_tokens: int | None) -> None:
    """vLLM's chat-completions answers when the prompt (plus the asked output) does not fit."""
    ctx = spec.context
    if max_tokens is None:
        if prompt_tokens >= ctx:
            # vLLM derives the output budget as context - prompt and rejects it when < 1.
            raise bad_request(f"max_tokens must be at least 1, got {ctx - prompt_tokens}.")
        return
    if prompt_tokens >= ctx:
        raise bad_request(
            f"This model's maximum context length is {ctx} tokens. However, your request has "
            f"{prompt_tokens} input tokens. Please reduce the length of the input messages.",
            "input",
        )
    if prompt_tokens + max_tokens > ctx:
        raise bad_request(
            f"This model's maximum context length is {ctx} tokens. However, you requested "
            f"{prompt_tokens + max_tokens} tokens ({prompt_tokens} in the messages, {max_tokens} "
            "in the completion). Please reduce the length of the messages or completion.",
            "max_output_tokens",
        )


def output_budget(spec: ModelSpec, prompt_tokens: int, max_tokens: int | None) -> int:
    """``/v1/responses``: the output budget vLLM 0.32 grants, or its error.

    A ``max_output_tokens`` over the whole context is refused; a prompt that fills the context
    is refused (OVH's answer when no limit is sent); otherwise the budget is the room left,
    lowered silently below ``max_output_tokens`` when the prompt leaves less.
    """
    ctx = spec.context
    if max_tokens is not None and max_tokens > ctx:
        raise bad_request(
            f"max_output_tokens={max_tokens} cannot be greater than max_model_len={ctx}. "
            f"Please request fewer output tokens. (parameter=max_output_tokens, "
            f"value={max_tokens})",
            "max_output_tokens",
        )
    room = ctx - prompt_tokens
    if room >= 1:
        return room if max_tokens is None else min(max_tokens, room)
    if max_tokens is None:
        raise bad_request(f"max_tokens must be at least 1, got {room}.")
    # vLLM stops counting at the limit plus one.
    counted = min(prompt_tokens, ctx + 1)
    raise bad_request(
        f"This model's maximum context length is {ctx} tokens. However, your prompt contains "
        f"at least {counted} input tokens, which exceeds this limit even without any output "
        "tokens. Please reduce the length of the input prompt. "
        f"(parameter=input_tokens, value={counted})",
        "input_tokens",
    )


def check_sampling(body: dict[str, Any], max_key: str) -> int | None:
    temperature = body.get("temperature")
    if temperature is not None and (
        not isinstance(temperature, (int, float)) or not 0 <= temperature <= 2
    ):
        raise bad_request("temperature must be a number between 0 and 2.", "temperature")
    top_p = body.get("top_p")
    if top_p is not None and (not isinstance(top_p, (int, float)) or not 0 < top_p <= 1):
        raise bad_request("top_p must be in (0, 1].", "top_p")
    max_tokens = body.get(max_key)
    if max_tokens is None:
        return None
    if isinstance(max_tokens, bool) or not isinstance(max_tokens, int) or max_tokens < 1:
        raise bad_request(f"{max_key} must be at least 1, got {max_tokens}.", max_key)
    return max_tokens
