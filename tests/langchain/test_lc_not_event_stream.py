"""A streamed call answered with HTTP 200 and a page instead of an event stream, over real
HTTP: LangChain code gets a typed error it can catch as the core's or as LangChain's, saying
what came instead and what to check."""

from __future__ import annotations

import pytest
from langchain_core import exceptions as lc_errors

from langchain_ovh_responses import ChatOVHResponses
from ovh_responses import errors
from ovh_responses.testing import LocalEndpoint, NotJsonFault


def test_stream_answered_with_a_page_says_it_was_not_an_event_stream(
    endpoint: LocalEndpoint,
) -> None:
    endpoint.inject(NotJsonFault())
    model = ChatOVHResponses(model="local-chat", base_url=endpoint.base_url, max_retries=2)
    delivered: list[str] = []
    with pytest.raises(errors.NotEventStreamError) as caught:
        delivered.extend(chunk.text for chunk in model.stream("Hello there"))
    assert isinstance(caught.value, lc_errors.ModelAPIError)
    assert "not an event stream (Content-Type: text/html)" in str(caught.value)
    assert "Check base_url" in str(caught.value)
    assert caught.value.partial_text == ""
    assert not "".join(delivered)
    assert len(endpoint.requests_to("/v1/responses")) == 1
