"""The agents' tools, as plain Python functions: each framework wraps them its own way.

``calculator`` evaluates arithmetic without ``eval`` (a small walk over Python's syntax tree);
``model_catalog`` looks a model up in a small local table of OVHcloud AI Endpoints models.
"""

# No ``from __future__ import annotations`` here: the frameworks read these signatures at run
# time to build the tools' JSON schemas.
import ast
import json
import operator
from collections.abc import Callable
from typing import Literal

_BINARY: dict[type[ast.operator], Callable[[float, float], float]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
}
_UNARY: dict[type[ast.unaryop], Callable[[float], float]] = {
    ast.USub: operator.neg,
    ast.UAdd: operator.pos,
}

ModelId = Literal[
    "gpt-oss-120b",
    "gpt-oss-20b",
    "Qwen3-32B",
    "Mistral-Small-3.2-24B-Instruct-2506",
    "Meta-Llama-3_3-70B-Instruct",
    "Qwen2.5-VL-72B-Instruct",
]

MODEL_TABLE: dict[str, dict[str, object]] = {
    "gpt-oss-120b": {"context_window": 131072, "tools": True, "vision": False, "reasoning": True},
    "gpt-oss-20b": {"context_window": 131072, "tools": True, "vision": False, "reasoning": True},
    "Qwen3-32B": {"context_window": 32768, "tools": True, "vision": False, "reasoning": True},
    "Mistral-Small-3.2-24B-Instruct-2506": {
        "context_window": 131072,
        "tools": True,
        "vision": True,
        "reasoning": False,
    },
    "Meta-Llama-3_3-70B-Instruct": {
        "context_window": 131072,
        "tools": True,
        "vision": False,
        "reasoning": False,
    },
    "Qwen2.5-VL-72B-Instruct": {
        "context_window": 32768,
        "tools": False,
        "vision": True,
        "reasoning": False,
    },
}


def calculator(expression: str) -> str:
    """Evaluate an arithmetic expression such as "131072 / 1024" or "(2 + 3) * 4".

    Supports + - * / // % ** and parentheses on numbers."""
    try:
        value = _evaluate(ast.parse(expression, mode="eval").body)
    except (SyntaxError, ValueError, ZeroDivisionError, OverflowError) as e:
        return f"Error: cannot evaluate {expression!r} ({e})"
    return f"{value:g}" if isinstance(value, float) else str(value)


def _evaluate(node: ast.AST) -> float:
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        return node.value
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        if isinstance(node.op, ast.Pow) and abs(_evaluate(node.right)) > 100:
            raise ValueError("exponent too large")
        return _BINARY[type(node.op)](_evaluate(node.left), _evaluate(node.right))
    if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
        return _UNARY[type(node.op)](_evaluate(node.operand))
    raise ValueError(f"unsupported element {type(node).__name__}")


def model_catalog(model: ModelId) -> str:
    """Look up an OVHcloud AI Endpoints chat model: its context window in tokens and whether it
    calls tools, reads images and reasons."""
    facts = MODEL_TABLE.get(model)
    if facts is None:
        return f"Error: {model!r} is not in the table; known models: {', '.join(MODEL_TABLE)}"
    return json.dumps({"model": model, **facts})
