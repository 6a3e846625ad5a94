"""Run one README quick start (argv[1]) for one extra (argv[2]: core, langchain, llama-index)
in an environment holding the wheel and that extra alone, against a local endpoint.

The environment's settings point it at the endpoint (OVH_AI_ENDPOINTS_BASE_URL), so the quick
start runs as written. First, each adapter whose extra is not installed must fail to import
with an ImportError naming its pip install line.
"""

from __future__ import annotations

import importlib
import os
import runpy
import sys

from ovh_responses.settings import BASE_URL_ENV_VAR
from ovh_responses.testing import LocalEndpoint

ADAPTERS = {"langchain": "langchain_ovh_responses", "llama-index": "llama_index_ovh_responses"}


def check_missing_extras(extra: str) -> None:
    for name, module in ADAPTERS.items():
        if name == extra:
            continue
        try:
            importlib.import_module(module)
        except ImportError as missing:
            if f'pip install "ovh-responses[{name}]"' not in str(missing):
                raise
        else:
            sys.exit(f"{module} imported although ovh-responses[{name}] is not installed")


def main(path: str, extra: str) -> None:
    check_missing_extras(extra)
    with LocalEndpoint() as endpoint:
        os.environ[BASE_URL_ENV_VAR] = endpoint.base_url
        runpy.run_path(path, run_name="__main__")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
