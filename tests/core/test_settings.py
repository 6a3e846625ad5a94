"""Where the key and the base URL come from."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from ovh_responses import __version__
from ovh_responses.settings import (
    DEFAULT_BASE_URL,
    DEFAULT_MODEL,
    USER_AGENT,
    resolve_api_key,
    resolve_base_url,
)


def secret(value: SecretStr | None) -> str | None:
    return None if value is None else value.get_secret_value()


def test_no_key_anywhere_means_anonymous() -> None:
    assert resolve_api_key(None) is None


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"OVHCLOUD_API_KEY": "c"}, "c"),
        ({"OVH_AI_ENDPOINTS_ACCESS_TOKEN": "b", "OVHCLOUD_API_KEY": "c"}, "b"),
        ({"AI_ENDPOINT_API_KEY": "a", "OVH_AI_ENDPOINTS_ACCESS_TOKEN": "b"}, "a"),
        ({"AI_ENDPOINT_API_KEY": "", "OVHCLOUD_API_KEY": "c"}, "c"),
        ({"AI_ENDPOINT_API_KEY": "", "OVH_AI_ENDPOINTS_ACCESS_TOKEN": ""}, None),
    ],
)
def test_env_var_precedence(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], expected: str | None
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert secret(resolve_api_key(None)) == expected


def test_argument_beats_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AI_ENDPOINT_API_KEY", "from-env")
    assert secret(resolve_api_key("from-arg")) == "from-arg"
    assert secret(resolve_api_key(SecretStr("secret-arg"))) == "secret-arg"


def test_empty_argument_falls_back_to_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OVHCLOUD_API_KEY", "from-env")
    assert secret(resolve_api_key("")) == "from-env"
    assert secret(resolve_api_key(SecretStr(""))) == "from-env"


def test_resolved_key_is_a_secret() -> None:
    key = resolve_api_key("sk-visible-nowhere")
    assert isinstance(key, SecretStr)
    assert "sk-visible-nowhere" not in repr(key)
    assert "sk-visible-nowhere" not in str(key)


def test_base_url_default() -> None:
    assert resolve_base_url(None) == "https://oai.endpoints.kepler.ai.cloud.ovh.net/v1"
    assert DEFAULT_BASE_URL == "https://oai.endpoints.kepler.ai.cloud.ovh.net/v1"


def test_base_url_from_environment_then_argument(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OVH_AI_ENDPOINTS_BASE_URL", "http://127.0.0.1:9/v1/")
    assert resolve_base_url(None) == "http://127.0.0.1:9/v1"
    assert resolve_base_url("http://example.test/v1///") == "http://example.test/v1"


def test_empty_base_url_variable_is_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OVH_AI_ENDPOINTS_BASE_URL", "")
    assert resolve_base_url(None) == "https://oai.endpoints.kepler.ai.cloud.ovh.net/v1"


def test_user_agent_names_library_and_version() -> None:
    assert f"ovh-responses/{__version__}" == USER_AGENT


def test_default_model() -> None:
    assert DEFAULT_MODEL == "gpt-oss-120b"
