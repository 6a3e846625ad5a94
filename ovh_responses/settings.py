"""Where the endpoint is and who is calling: base URL, API key, User-Agent.

The key comes from the argument, else from the first non-empty of ``AI_ENDPOINT_API_KEY``
(OVHcloud's Responses guide), ``OVH_AI_ENDPOINTS_ACCESS_TOKEN`` (other OVHcloud pages) and
``OVHCLOUD_API_KEY`` (other libraries). No key at all means the anonymous tier.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from ovh_responses._version import __version__

if TYPE_CHECKING:
    from pydantic import SecretStr

DEFAULT_BASE_URL = "https://oai.endpoints.kepler.ai.cloud.ovh.net/v1"
DEFAULT_MODEL = "gpt-oss-120b"
USER_AGENT = f"ovh-responses/{__version__}"

API_KEY_ENV_VARS = ("AI_ENDPOINT_API_KEY", "OVH_AI_ENDPOINTS_ACCESS_TOKEN", "OVHCLOUD_API_KEY")
BASE_URL_ENV_VAR = "OVH_AI_ENDPOINTS_BASE_URL"

__all__ = [
    "API_KEY_ENV_VARS",
    "BASE_URL_ENV_VAR",
    "DEFAULT_BASE_URL",
    "DEFAULT_MODEL",
    "USER_AGENT",
    "resolve_api_key",
    "resolve_base_url",
]


def resolve_api_key(explicit: str | SecretStr | None = None) -> SecretStr | None:
    """The key to send, or ``None`` for the anonymous tier. Empty strings count as unset."""
    from pydantic import SecretStr

    value = explicit.get_secret_value() if isinstance(explicit, SecretStr) else explicit
    if value:
        return SecretStr(value)
    for name in API_KEY_ENV_VARS:
        found = os.environ.get(name, "").strip()
        if found:
            return SecretStr(found)
    return None


def resolve_base_url(explicit: str | None = None) -> str:
    """The argument, else ``OVH_AI_ENDPOINTS_BASE_URL``, else the public endpoint; no trailing
    slash."""
    url = explicit or os.environ.get(BASE_URL_ENV_VAR, "").strip() or DEFAULT_BASE_URL
    return url.rstrip("/")
