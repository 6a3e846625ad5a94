"""The local endpoint's model catalog: one :class:`ModelSpec` per model id, as data.

The real ids mirror OVHcloud AI Endpoints' catalog with their documented capabilities; the
``local-*`` ids are test models, each switching on one per-model rule of the platform so that
client code can be tested against it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ServedPath = Literal["responses", "chat", "embeddings"]
"""Where a model is served: ``/v1/responses``, ``/v1/chat/completions`` or ``/v1/embeddings``."""
ReasoningMode = Literal["none", "effort", "toggle"]
Limit = Literal[
    "system", "tools", "tool_choice", "parallel_tool_calls", "json_schema",
    "structured_streaming", "reasoning", "images",
]  # fmt: skip


@dataclass(frozen=True, slots=True)
class Refusal:
    """How a model refuses one of its limits: the 400's ``message`` (``{model}`` is replaced by
    the model id), ``param`` (``None`` sends ``null``) and ``code`` (the status when ``None``).
    Without one, the endpoint uses its own wording with the ``param`` naming the field."""

    limit: Limit
    message: str
    param: str | None = None
    code: str | int | None = None
    status: int = 400


# Refusals in the words real vLLM deployments use (the chat template's own exceptions, the tool
# parser's and guided decoding's errors), with ``param: null`` as vLLM sends them.
VLLM_SYSTEM_ROLE = Refusal("system", "System role not supported")
VLLM_ROLES_ALTERNATE = Refusal(
    "system", "Conversation roles must alternate user/assistant/user/assistant/..."
)
VLLM_USER_ASSISTANT_ONLY = Refusal("system", "Only user and assistant roles are supported!")
VLLM_NO_TOOL_PARSER = Refusal(
    "tools",
    '"auto" tool choice requires --enable-auto-tool-choice and --tool-call-parser to be set',
)
VLLM_NOT_MULTIMODAL = Refusal("images", "{model} is not a multimodal model")
VLLM_NO_GUIDED_JSON = Refusal(
    "json_schema", "The provided JSON schema contains features not supported by xgrammar."
)

CHAT_ROUTES: frozenset[ServedPath] = frozenset({"responses", "chat"})
EMBEDDING_ROUTES: frozenset[ServedPath] = frozenset({"embeddings"})


@dataclass(frozen=True, slots=True)
class ModelSpec:
    """What one model id accepts and how it behaves on the local endpoint.

    ``reasoning``: ``"effort"`` emits reasoning and accepts ``reasoning.effort``; ``"toggle"`` emits
    reasoning unless the prompt contains ``/no_think`` and accepts ``reasoning.effort`` silently;
    ``"none"`` answers 400 (param ``reasoning``) to ``reasoning.effort``.
    ``structured=False``: ``json_schema`` output is refused with 400 (``json_object`` still works).
    ``parallel_tool_calls=False``: at most one function call per answer;
    ``rejects_parallel_tool_calls``: an explicit ``parallel_tool_calls: true`` with tools is
    refused with 400 (param ``parallel_tool_calls``).
    ``logprobs=False``: asking for token log probabilities is refused with 400 (``top_logprobs``,
    or an ``include`` of ``message.output_text.logprobs``; on chat completions ``top_logprobs``
    or ``logprobs: true``).
    ``refusals``: the model's own wording for a limit it refuses (by default the endpoint's).
    ``qwen3_parser``: vLLM's ``qwen3`` reasoning parser leaves the blank line written after
    ``</think>`` in the answer (``"\\n\\n"`` before the text, ``"\\n"`` after the reasoning),
    except under a JSON format, whose grammar starts at ``{``.
    """

    id: str
    context: int = 131072
    routes: frozenset[ServedPath] = CHAT_ROUTES
    tools: bool = True
    structured: bool = True
    vision: bool = False
    reasoning: ReasoningMode = "none"
    tool_choice_auto_only: bool = False
    system_prompt: bool = True
    parallel_tool_calls: bool = True
    rejects_parallel_tool_calls: bool = False
    logprobs: bool = True
    stream_structured: bool = True
    qwen3_parser: bool = False
    dimensions: int = 0
    owned_by: str = "vllm"
    refusals: tuple[Refusal, ...] = ()
    """The wording of this model's refusals, per limit (see :class:`Refusal`)."""

    def refusal(self, limit: Limit) -> Refusal | None:
        return next((r for r in self.refusals if r.limit == limit), None)

    @property
    def is_embedding(self) -> bool:
        return "embeddings" in self.routes


def _embedding(model_id: str, dimensions: int, context: int = 8192) -> ModelSpec:
    return ModelSpec(
        id=model_id,
        context=context,
        routes=EMBEDDING_ROUTES,
        tools=False,
        structured=False,
        dimensions=dimensions,
    )


CATALOG: tuple[ModelSpec, ...] = (
    ModelSpec("gpt-oss-120b", reasoning="effort"),
    ModelSpec("gpt-oss-20b", reasoning="effort"),
    ModelSpec("Qwen3-32B", 32768, reasoning="toggle", qwen3_parser=True),
    ModelSpec("Mistral-Small-3.2-24B-Instruct-2506", vision=True),
    ModelSpec("Meta-Llama-3_3-70B-Instruct"),
    ModelSpec("Qwen2.5-VL-72B-Instruct", 32768, vision=True, tools=False),
    ModelSpec("Qwen3-Coder-30B-A3B-Instruct", 262144),
    ModelSpec("Mistral-Nemo-Instruct-2407", 65536),
    ModelSpec("Mistral-7B-Instruct-v0.3", 65536),
    ModelSpec("Qwen3.5-9B", 262144, vision=True, reasoning="effort"),
    ModelSpec("Qwen3.5-397B-A17B", 262144, vision=True, reasoning="effort"),
    ModelSpec("Qwen3.6-27B", 262144, vision=True, reasoning="effort"),
    _embedding("bge-m3", 1024),
    _embedding("bge-multilingual-gemma2", 3584),
    _embedding("bge-base-en-v1.5", 768, context=512),
    # Test models: each one exercises one per-model rule.
    ModelSpec("local-chat", 8192),
    ModelSpec("local-reasoning", 8192, reasoning="effort"),
    ModelSpec("local-vision", 8192, vision=True),
    ModelSpec("local-tool-choice-auto-only", 8192, tool_choice_auto_only=True),
    ModelSpec("local-no-system", 8192, system_prompt=False),
    ModelSpec("local-chat-completions-only", 8192, routes=frozenset({"chat"})),
    ModelSpec("local-no-parallel-tools", 8192, parallel_tool_calls=False),
    ModelSpec(
        "local-rejects-parallel-tools",
        8192,
        parallel_tool_calls=False,
        rejects_parallel_tool_calls=True,
    ),
    ModelSpec("local-no-stream-structured", 8192, stream_structured=False),
    ModelSpec("local-no-logprobs", 8192, logprobs=False),
    ModelSpec("local-no-json-schema", 8192, structured=False),
    ModelSpec("local-no-tools", 8192, tools=False),
    ModelSpec("local-small-context", 128),
    _embedding("local-embedding", 256),
)

ALIASES: dict[str, str] = {"mistral@latest": "Mistral-Small-3.2-24B-Instruct-2506"}


def catalog_index(models: tuple[ModelSpec, ...]) -> dict[str, ModelSpec]:
    """Model id (and alias) -> spec; ids are case-sensitive, as on the platform."""
    index = {spec.id: spec for spec in models}
    for alias, target in ALIASES.items():
        if target in index:
            index[alias] = index[target]
    return index
