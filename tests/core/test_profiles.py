"""Model profiles chosen from the model id, and the /v1/models listing merged into them."""

from __future__ import annotations

import subprocess
import sys
import warnings

import openai
import pytest
from openai.types import Model

from ovh_responses.errors import (
    APIConnectionError,
    OVHCompatibilityWarning,
    translate,
)
from ovh_responses.fitting.learned import LEARNED
from ovh_responses.fitting.overrides import override_profile
from ovh_responses.fitting.profiles import (
    DEFAULT_CONTEXT_WINDOW,
    DEFAULT_PROFILE,
    ModelCatalog,
    ModelProfile,
    forget_registered_profiles,
    model_info,
    profile_for,
    register_profile,
)
from ovh_responses.fitting.routing import model_profile
from ovh_responses.testing.protocol.models import CATALOG as LOCAL_CATALOG

# The chat models of OVHcloud's catalog: id, context, tools, vision, reasoning.
OVH_CHAT_MODELS = [
    ("gpt-oss-120b", 131072, True, False, "effort"),
    ("gpt-oss-20b", 131072, True, False, "effort"),
    ("Qwen3-32B", 32768, True, False, "toggle"),
    ("Mistral-Small-3.2-24B-Instruct-2506", 131072, True, True, None),
    ("Meta-Llama-3_3-70B-Instruct", 131072, True, False, None),
    ("Qwen2.5-VL-72B-Instruct", 32768, False, True, None),
    ("Qwen3-Coder-30B-A3B-Instruct", 262144, True, False, None),
    ("Mistral-Nemo-Instruct-2407", 65536, True, False, None),
    ("Mistral-7B-Instruct-v0.3", 65536, True, False, None),
    ("Qwen3.5-9B", 262144, True, True, "effort"),
    ("Qwen3.5-397B-A17B", 262144, True, True, "effort"),
    ("Qwen3.6-27B", 262144, True, True, "effort"),
]


@pytest.mark.parametrize(("model", "context", "tools", "vision", "reasoning"), OVH_CHAT_MODELS)
def test_catalog_models_get_their_documented_capabilities(model, context, tools, vision, reasoning):
    profile = profile_for(model)
    assert profile.kind == "chat"
    assert profile.context_window == context
    assert profile.tool_calling is tools
    assert profile.vision is vision
    assert profile.reasoning == reasoning
    assert profile.json_schema
    assert profile.route == "responses"


@pytest.mark.parametrize("model", ["bge-m3", "bge-multilingual-gemma2", "bge-base-en-v1.5"])
def test_embedding_models_are_known_as_such(model):
    assert profile_for(model).kind == "embedding"


def test_unknown_and_virtual_ids_get_the_permissive_default():
    for model in ("some-new-model", "mistral@latest", ""):
        profile = profile_for(model)
        assert profile is DEFAULT_PROFILE
    assert DEFAULT_PROFILE.context_window == DEFAULT_CONTEXT_WINDOW
    assert DEFAULT_PROFILE.accepts_system_prompt
    assert DEFAULT_PROFILE.tool_choice_modes == "all"
    assert DEFAULT_PROFILE.parallel_tool_calls
    assert DEFAULT_PROFILE.json_schema
    assert DEFAULT_PROFILE.structured_streaming
    assert DEFAULT_PROFILE.vision
    assert DEFAULT_PROFILE.reasoning == "effort"
    assert DEFAULT_PROFILE.route == "responses"


def test_test_model_ids_match_exactly():
    assert profile_for("local-no-system").accepts_system_prompt is False
    assert profile_for("local-no-system-2") is DEFAULT_PROFILE


def test_the_built_in_table_knows_no_test_model():
    """Only importing ovh_responses.testing adds the local-* profiles."""
    code = (
        "from ovh_responses.fitting.profiles import DEFAULT_PROFILE, profile_for\n"
        "assert profile_for('local-no-system') is DEFAULT_PROFILE\n"
        "import ovh_responses.testing\n"
        "assert profile_for('local-no-system').accepts_system_prompt is False\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr


@pytest.mark.parametrize("spec", LOCAL_CATALOG, ids=lambda s: s.id)
def test_profiles_agree_with_the_local_endpoint_models(spec):
    """Every model the local endpoint serves has a profile saying what the endpoint enforces."""
    profile = profile_for(spec.id)
    assert profile is not DEFAULT_PROFILE
    assert profile.kind == ("embedding" if spec.is_embedding else "chat")
    assert profile.context_window == spec.context
    if spec.is_embedding:
        return
    assert profile.tool_calling is spec.tools
    assert profile.vision is spec.vision
    assert profile.reasoning == (None if spec.reasoning == "none" else spec.reasoning)
    assert profile.accepts_system_prompt is spec.system_prompt
    assert (profile.tool_choice_modes == "auto_only") is spec.tool_choice_auto_only
    assert profile.parallel_tool_calls is spec.parallel_tool_calls
    assert profile.structured_streaming is spec.stream_structured
    assert profile.json_schema is spec.structured
    assert profile.route == ("responses" if "responses" in spec.routes else "chat_completions")


# ----- the listing ------------------------------------------------------------------------------


def listed(model_id: str, **extra: object) -> Model:
    return Model.model_validate(
        {"id": model_id, "object": "model", "created": 0, "owned_by": "ovh", **extra}
    )


def test_model_info_takes_context_and_output_limits_from_the_listing():
    info = model_info(listed("gpt-oss-120b", max_model_len=65536))
    assert info.context_window == 65536
    assert info.profile.reasoning == "effort"  # the family's flags stay
    catalog_shaped = model_info(listed("new-model", context_length=1000, max_output_length=200))
    assert (catalog_shaped.context_window, catalog_shaped.max_output_tokens) == (1000, 200)
    assert model_info(listed("Qwen3-32B")).context_window == 32768
    assert model_info(listed("Qwen3-32B", max_model_len=None)).context_window == 32768


class Counter:
    def __init__(self, *models: Model, fail: bool = False) -> None:
        self.calls = 0
        self.models = list(models)
        self.fail = fail

    def __call__(self) -> list[Model]:
        self.calls += 1
        if self.fail:
            raise APIConnectionError("unreachable")
        return self.models


def test_the_catalog_lists_each_endpoint_once_and_merges_context_windows():
    catalog = ModelCatalog()
    fetch = Counter(listed("local-chat", max_model_len=4096))
    assert catalog.profile("http://a/v1", "local-chat", fetch).context_window == 4096
    assert catalog.profile("http://a/v1", "gpt-oss-20b", fetch).context_window == 131072
    assert fetch.calls == 1
    other = Counter()
    assert catalog.profile("http://b/v1", "local-chat", other).context_window == 8192
    assert other.calls == 1
    catalog.clear()
    catalog.profile("http://a/v1", "local-chat", fetch)
    assert fetch.calls == 2


def test_a_failed_listing_warns_once_and_falls_back_to_the_families():
    catalog = ModelCatalog()
    fetch = Counter(fail=True)
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        for _ in range(3):
            assert catalog.profile("http://down/v1", "Qwen3-32B", fetch) == profile_for("Qwen3-32B")
    assert fetch.calls == 1
    messages = [str(w.message) for w in record if w.category is OVHCompatibilityWarning]
    assert len(messages) == 1
    assert "http://down/v1" in messages[0]
    with pytest.raises(APIConnectionError):
        catalog.list_models("http://down/v1", fetch)  # an explicit listing raises


async def test_the_async_catalog_lists_once():
    catalog = ModelCatalog()
    fetch = Counter(listed("local-chat", max_model_len=2048))

    async def afetch() -> list[Model]:
        return fetch()

    assert (await catalog.aprofile("http://a/v1", "local-chat", afetch)).context_window == 2048
    await catalog.aprofile("http://a/v1", "local-chat", afetch)
    assert fetch.calls == 1
    assert [m.id for m in await catalog.alist_models("http://a/v1", afetch)] == ["local-chat"]


# ----- over HTTP --------------------------------------------------------------------------------


def sdk_fetch(base_url: str):
    client = openai.OpenAI(base_url=base_url, api_key="unused", max_retries=0)

    def fetch() -> list[Model]:
        with translate():
            return list(client.models.list())

    return fetch


def test_list_models_reads_the_endpoint_listing(endpoint):
    catalog = ModelCatalog()
    infos = {
        info.id: info
        for info in catalog.list_models(endpoint.base_url, sdk_fetch(endpoint.base_url))
    }
    assert infos["local-small-context"].context_window == 128
    assert infos["gpt-oss-120b"].context_window == 131072
    assert infos["bge-m3"].profile.kind == "embedding"
    assert infos["local-no-system"].profile.accepts_system_prompt is False
    assert catalog.cached_profile(endpoint.base_url, "local-small-context").context_window == 128


def test_an_unreachable_endpoint_gives_the_family_profile_and_one_warning():
    base_url = "http://127.0.0.1:9/v1"  # the discard port: nothing listens there
    catalog = ModelCatalog()
    with pytest.warns(OVHCompatibilityWarning, match="Could not list the models"):
        profile = catalog.profile(base_url, "gpt-oss-120b", sdk_fetch(base_url))
    assert profile == profile_for("gpt-oss-120b")


def test_an_override_names_a_flag_that_does_not_exist() -> None:
    base = profile_for("local-chat")
    assert override_profile(base, {"vision": True}).vision is True
    assert override_profile(base, None) is base
    with pytest.raises(ValueError, match=r"Unknown model profile flag\(s\) tools;.*tool_calling"):
        override_profile(base, {"tools": False})


@pytest.mark.usefixtures("forget_process_memory")
def test_a_callers_override_wins_over_the_table_and_what_was_learned() -> None:
    base_url = "http://127.0.0.1:9/v1"
    with pytest.warns(OVHCompatibilityWarning, match="not served on /v1/responses"):
        LEARNED.learn_route(base_url, "local-no-system")
    learned = model_profile(base_url, "local-no-system")
    assert (learned.route, learned.accepts_system_prompt) == ("chat_completions", False)
    mine = model_profile(base_url, "local-no-system", {"route": "responses"})
    assert (mine.route, mine.accepts_system_prompt) == ("responses", False)
    whole = ModelProfile(family="mine", context_window=1000)
    assert model_profile(base_url, "local-no-system", whole) is whole
    assert model_profile(base_url, "local-no-system") == learned  # nothing kept of the others


def test_a_registered_profile_wins_over_the_table_and_can_be_forgotten() -> None:
    assert profile_for("Qwen2.5-VL-72B-Instruct").tool_calling is False
    register_profile(r"qwen2\.5-vl", {"tool_calling": True})
    try:
        registered = profile_for("Qwen2.5-VL-72B-Instruct")
        assert registered.tool_calling is True
        assert registered.family == r"qwen2\.5-vl"
        with pytest.raises(ValueError, match="the flags of a model profile are"):
            register_profile("acme", {"tools": True})
    finally:
        forget_registered_profiles()
    assert profile_for("Qwen2.5-VL-72B-Instruct").tool_calling is False
