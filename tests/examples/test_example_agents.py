"""The agent examples call their tools, show the calls, and answer from the results."""

from __future__ import annotations

import json

import langchain_agent
import llama_index_agent
import pytest
from _tools import calculator, model_catalog


@pytest.mark.parametrize("example", [langchain_agent, llama_index_agent])
def test_agent_calls_both_tools_and_answers_with_their_results(example, endpoint, capsys):
    assert example.main(["--base-url", endpoint.base_url]) == 0
    out = capsys.readouterr().out

    assert '-> calculator({"expression": "131072 / 1024"})' in out
    assert "<- 128" in out
    assert '-> model_catalog({"model": "Qwen3-32B"})' in out
    assert '"context_window": 32768' in out
    final = out.strip().splitlines()[-1]
    assert "128" in final
    assert "32768" in final

    # The results went back to the model as function_call_output items, with their call ids.
    bodies = endpoint.bodies("/v1/responses")
    calls = {
        item["call_id"]
        for body in bodies
        for item in body["input"]
        if isinstance(item, dict) and item.get("type") == "function_call"
    }
    outputs = [
        item
        for item in bodies[-1]["input"]
        if isinstance(item, dict) and item.get("type") == "function_call_output"
    ]
    assert {o["call_id"] for o in outputs} == calls
    assert {o["output"] for o in outputs} >= {"128"}
    assert {t["name"] for t in bodies[0]["tools"]} == {"calculator", "model_catalog"}


@pytest.mark.parametrize(
    ("expression", "expected"),
    [("131072 / 1024", "128"), ("(2 + 3) * 4", "20"), ("2 ** 10 - 1", "1023"), ("-7 % 3", "2")],
)
def test_calculator(expression, expected):
    assert calculator(expression) == expected


@pytest.mark.parametrize("expression", ["__import__('os')", "open('x')", "2 ** 1000", "1 / 0", "a"])
def test_calculator_refuses_what_is_not_arithmetic(expression):
    assert calculator(expression).startswith("Error:")


def test_model_catalog_lookup():
    assert json.loads(model_catalog("Qwen2.5-VL-72B-Instruct"))["tools"] is False
    assert model_catalog("GPT-4").startswith("Error:")  # type: ignore[arg-type]


@pytest.mark.parametrize("example", [langchain_agent, llama_index_agent])
def test_agent_keeps_the_conversation_across_questions(example, endpoint, capsys):
    first = 'Using the calculator, what is "2 ** 4"?'
    assert example.main(["--base-url", endpoint.base_url, first, "Reply with exactly: done"]) == 0
    out = capsys.readouterr().out
    assert '-> calculator({"expression": "2 ** 4"})' in out
    assert out.strip().splitlines()[-1] == "done"
    bodies = endpoint.bodies("/v1/responses")
    assert len(bodies) == 3  # the call, its answer, then the second question
    last = bodies[-1]["input"]
    texts = [str(item.get("content")) for item in last if item.get("role") == "user"]
    assert len(texts) == 2
    assert "2 ** 4" in texts[0]
    assert "done" in texts[1]
    assert any(item.get("type") == "function_call_output" for item in last)
