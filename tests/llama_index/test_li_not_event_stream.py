"""A streamed call answered with HTTP 200 and plain JSON instead of an event stream, over real
HTTP: LlamaIndex code gets the core's typed error, saying what came instead and what to
check."""

from __future__ import annotations

import pytest
from llama_index.core.base.llms.types import ChatMessage

from llama_index_ovh_responses import OVHResponses
from ovh_responses import errors
from ovh_responses.testing import LocalEndpoint, NotJsonFault


def test_stream_chat_answered_with_json_says_it_was_not_an_event_stream(
    endpoint: LocalEndpoint,
) -> None:
    endpoint.inject(NotJsonFault(body='{"output": []}', content_type="application/json"))
    llm = OVHResponses("local-chat", api_base=endpoint.base_url, max_retries=2)
    delivered: list[str] = []
    with pytest.raises(errors.NotEventStreamError) as caught:
        delivered.extend(
            p.delta or ""
            for p in llm.stream_chat([ChatMessage(role="user", content="Hello there")])
        )
    assert "not an event stream (Content-Type: application/json)" in str(caught.value)
    assert "Check base_url" in str(caught.value)
    assert caught.value.partial_text == ""
    assert not "".join(delivered)
    assert len(endpoint.requests_to("/v1/responses")) == 1
