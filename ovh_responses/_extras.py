"""The optional extras: an adapter imported without its framework says what to install."""

from __future__ import annotations

import importlib

__all__ = ["require_framework"]


def require_framework(module: str, *, framework: str, extra: str, adapter: str) -> None:
    """Import ``module``, or raise an ``ImportError`` naming the ``pip install`` line that
    brings it (other import failures are left as they are)."""
    try:
        importlib.import_module(module)
    except ModuleNotFoundError as missing:
        if not (missing.name or "").startswith(module.split(".")[0]):
            raise
        raise ImportError(
            f"{adapter} needs {framework}, which is not installed: "
            f'pip install "ovh-responses[{extra}]"'
        ) from missing
