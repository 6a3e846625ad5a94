"""vLLM's own refusals read by the client: a text-only model sent an image."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ovh_responses.client import ResponsesClient
from ovh_responses.errors import UnsupportedFeatureError
from ovh_responses.fitting.learned import LEARNED
from ovh_responses.request import build_request

PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgAAACAAAB4iG8MwAAAABJRU5ErkJggg=="


@pytest.fixture
def client(engine_url: str) -> Iterator[ResponsesClient]:
    LEARNED.clear()
    c = ResponsesClient(api_key="unused", base_url=engine_url, max_retries=0)
    yield c
    c.close()
    LEARNED.clear()


def test_an_image_to_a_text_model_is_refused_typed_then_before_sending(
    client: ResponsesClient, model: str
) -> None:
    image = {"type": "input_image", "image_url": f"data:image/png;base64,{PNG}"}
    content = [{"type": "input_text", "text": "What is this?"}, image]
    request = build_request(model=model, input=[{"role": "user", "content": content}])  # type: ignore[list-item]
    with pytest.raises(UnsupportedFeatureError, match="does not read images") as first:
        client.create(request)
    assert "is not a multimodal model" in str(first.value)  # vLLM's own words
    with pytest.raises(UnsupportedFeatureError, match="earlier in this process"):
        client.create(request)
