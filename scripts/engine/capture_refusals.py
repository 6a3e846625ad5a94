"""Capture vLLM's own refusal bodies into tests/recordings/vllm/ (run with the engine's Python).

Start a vLLM server from the engine cache (see run.sh) on the tiny model, with a chat template
that refuses the system role and *without* ``--enable-auto-tool-choice``/``--tool-call-parser``:

    { echo "{%- for m in messages -%}{%- if m.role in ('system', 'developer') -%}"\
"{{ raise_exception('System role not supported') }}{%- endif -%}{%- endfor -%}";
      cat scripts/engine/chat_template.jinja; } > /tmp/no_system.jinja
    python -m vllm.entrypoints.openai.api_server --model <engine>/models/tiny-<hash> \\
        --served-model-name ovh-tiny-chat --host 127.0.0.1 --port PORT --dtype float32 \\
        --max-model-len 1024 --chat-template /tmp/no_system.jinja

then ``python scripts/engine/capture_refusals.py http://127.0.0.1:PORT/v1``. Each recording is
``{"route", "request", "status", "response"}``. (vLLM 0.32's ``/v1/responses`` accepts tools with
``tool_choice: "auto"`` on such a server and answers the tool call as text; its
``/v1/chat/completions`` refuses them, which is what is recorded.)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import httpx

OUT = Path(__file__).resolve().parents[2] / "tests" / "recordings" / "vllm"
TOOL = {
    "name": "get_weather",
    "description": "Get the weather.",
    "parameters": {
        "type": "object",
        "properties": {"city": {"type": "string"}},
        "required": ["city"],
    },
}
PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgAAACAAAB4iG8MwAAAABJRU5ErkJggg=="
CASES: dict[str, tuple[str, dict[str, Any]]] = {
    "vllm_refusal_system_role": (
        "/v1/responses",
        {
            "model": "ovh-tiny-chat",
            "store": False,
            "max_output_tokens": 16,
            "input": [
                {"type": "message", "role": "system", "content": "Be brief."},
                {"type": "message", "role": "user", "content": "Hello"},
            ],
        },
    ),
    "vllm_refusal_image": (
        "/v1/responses",
        {
            "model": "ovh-tiny-chat",
            "store": False,
            "max_output_tokens": 8,
            "input": [
                {
                    "type": "message",
                    "role": "user",
                    "content": [
                        {"type": "input_text", "text": "What is this?"},
                        {"type": "input_image", "image_url": f"data:image/png;base64,{PNG}"},
                    ],
                }
            ],
        },
    ),
    "vllm_refusal_auto_tool_choice": (
        "/v1/chat/completions",
        {
            "model": "ovh-tiny-chat",
            "max_tokens": 16,
            "messages": [{"role": "user", "content": "Use get_weather for Rome"}],
            "tools": [{"type": "function", "function": TOOL}],
            "tool_choice": "auto",
        },
    ),
}


def main(base_url: str) -> None:
    root = base_url.removesuffix("/v1")
    for name, (route, body) in CASES.items():
        answer = httpx.post(root + route, json=body, timeout=60)
        record = {
            "route": route,
            "request": body,
            "status": answer.status_code,
            "response": answer.json(),
        }
        (OUT / f"{name}.json").write_text(json.dumps(record, indent=2) + "\n")
        print(name, answer.status_code, answer.text[:200])


if __name__ == "__main__":
    main(sys.argv[1])
