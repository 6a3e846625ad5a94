"""Refusals that are the caller's to fix teach nothing about the model, over real HTTP."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from ovh_responses.client import ResponsesClient
from ovh_responses.errors import BadRequestError
from ovh_responses.fitting.learned import LEARNED
from ovh_responses.request import build_request
from ovh_responses.testing import LocalEndpoint, ModelSpec
from ovh_responses.testing.protocol.models import Refusal

SCHEMA = {
    "type": "object",
    "properties": {"a": {"$ref": "#/$defs/missing"}},
    "required": ["a"],
    "additionalProperties": False,
}

# vLLM's words for schemas its guided decoding cannot compile (tests/engine/FINDINGS.md).
GRAMMAR_ERRORS = [
    "Grammar error: Pointer '/$defs/missing' does not exist",
    "Grammar error: regex parse error:\n    (?<=a)b\n    ^^^^\nerror: look-around, including "
    "look-ahead and look-behind, is not supported",
]


@pytest.mark.parametrize("said", GRAMMAR_ERRORS, ids=["pointer", "regex"])
@pytest.mark.parametrize("stream", [False, True], ids=["create", "stream"])
def test_a_schema_the_engine_cannot_compile_is_the_callers_error_and_teaches_nothing(
    make_endpoint: Callable[..., LocalEndpoint], said: str, stream: bool
) -> None:
    spec = ModelSpec(
        "acme-grammar", 8192, structured=False, refusals=(Refusal("json_schema", said),)
    )
    server = make_endpoint(models=[spec])
    client = ResponsesClient(base_url=server.base_url, max_retries=0)
    body = build_request(
        model=spec.id,
        input="Fill it.",
        text_format={"type": "json_schema", "name": "a", "schema": SCHEMA, "strict": True},
        stream=stream,
    )
    call = (lambda: list(client.stream(body))) if stream else (lambda: client.create(body))
    for _ in range(2):
        with pytest.raises(BadRequestError) as info:
            call()
        assert type(info.value) is BadRequestError
        assert isinstance(info.value.body, dict)
        assert info.value.body["message"] == said
    assert len(server.requests) == 2  # one request per call: nothing adapted, nothing retried
    assert all(r.body["text"]["format"]["type"] == "json_schema" for r in server.requests)
    assert LEARNED.learned(server.base_url, spec.id) == frozenset()


def test_a_schema_feature_the_engine_lacks_is_still_learned(
    make_endpoint: Callable[..., LocalEndpoint],
) -> None:
    """The other side: a deployment without json_schema support is a limit of the model."""
    said = "The provided JSON schema contains features not supported by xgrammar."
    spec = ModelSpec(
        "acme-xgrammar", 8192, structured=False, refusals=(Refusal("json_schema", said),)
    )
    server = make_endpoint(models=[spec])
    client = ResponsesClient(base_url=server.base_url, max_retries=0)
    body = build_request(
        model=spec.id,
        input="Fill it.",
        text_format={"type": "json_schema", "name": "a", "schema": SCHEMA, "strict": True},
    )
    with pytest.warns(match="json_schema|structured"):
        client.create(body)
    assert "json_schema" in LEARNED.learned(server.base_url, spec.id)
