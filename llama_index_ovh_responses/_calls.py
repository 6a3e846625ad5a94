"""Profile-aware calls: a request body made to fit its model, sent, and the answer made to fit
what was asked.

The steps are the core's (``ovh_responses.profiles``, ``ovh_responses.adapt``); this module only
strings them together around ``ResponsesClient``. Nothing in it is LlamaIndex-specific, and it
belongs next to ``ResponsesClient`` in the core.

A 400 that names an optional parameter the model refuses is learned (``adapt.LEARNED``) and the
request is sent once more without it; this happens only before any output reached the caller.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ovh_responses.adapt import (
    LEARNED,
    Adaptation,
    DeltaAdapter,
    adapt_request,
    finish_result,
    result_as_deltas,
)
from ovh_responses.errors import BadRequestError
from ovh_responses.profiles import CATALOG

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator

    from openai.types.responses.response_create_params import ResponseCreateParams

    from ovh_responses.client import ResponsesClient
    from ovh_responses.profiles import ModelProfile
    from ovh_responses.types import Delta, Result


def _model(body: ResponseCreateParams) -> str:
    return str(body["model"])


def _fit(
    client: ResponsesClient, body: ResponseCreateParams, profile: ModelProfile, strict: bool
) -> tuple[ResponseCreateParams, Adaptation]:
    model = _model(body)
    profile = LEARNED.refine(client.base_url, model, profile)
    fitted, adaptation = adapt_request(body, profile, strict=strict)
    return LEARNED.apply(client.base_url, model, fitted), adaptation


def _learn(client: ResponsesClient, error: BadRequestError, sent: ResponseCreateParams) -> bool:
    return LEARNED.learn(client.base_url, _model(sent), error.param, sent)


def create(client: ResponsesClient, body: ResponseCreateParams, strict: bool = False) -> Result:
    profile = CATALOG.profile(client.base_url, _model(body), client.fetch_models)
    sent, adaptation = _fit(client, body, profile, strict)
    try:
        result = client.create(sent)
    except BadRequestError as e:
        if not _learn(client, e, sent):
            raise
        sent, adaptation = _fit(client, body, profile, strict)
        result = client.create(sent)
    return finish_result(result, adaptation)


async def acreate(
    client: ResponsesClient, body: ResponseCreateParams, strict: bool = False
) -> Result:
    profile = await CATALOG.aprofile(client.base_url, _model(body), client.afetch_models)
    sent, adaptation = _fit(client, body, profile, strict)
    try:
        result = await client.acreate(sent)
    except BadRequestError as e:
        if not _learn(client, e, sent):
            raise
        sent, adaptation = _fit(client, body, profile, strict)
        result = await client.acreate(sent)
    return finish_result(result, adaptation)


def stream(
    client: ResponsesClient, body: ResponseCreateParams, strict: bool = False
) -> Iterator[Delta]:
    profile = CATALOG.profile(client.base_url, _model(body), client.fetch_models)
    sent, adaptation = _fit(client, body, profile, strict)
    if adaptation.stream_as_single:
        yield from result_as_deltas(create(client, body, strict))
        return
    deltas = client.stream(sent)
    try:
        first = next(deltas, None)
    except BadRequestError as e:
        if not _learn(client, e, sent):
            raise
        sent, adaptation = _fit(client, body, profile, strict)
        deltas = client.stream(sent)
        first = next(deltas, None)
    adapter = DeltaAdapter(adaptation)
    if first is not None:
        yield from adapter.feed(first)
    for delta in deltas:
        yield from adapter.feed(delta)


async def astream(
    client: ResponsesClient, body: ResponseCreateParams, strict: bool = False
) -> AsyncIterator[Delta]:
    profile = await CATALOG.aprofile(client.base_url, _model(body), client.afetch_models)
    sent, adaptation = _fit(client, body, profile, strict)
    if adaptation.stream_as_single:
        for delta in result_as_deltas(await acreate(client, body, strict)):
            yield delta
        return
    deltas = client.astream(sent)
    try:
        first = await anext(deltas, None)
    except BadRequestError as e:
        if not _learn(client, e, sent):
            raise
        sent, adaptation = _fit(client, body, profile, strict)
        deltas = client.astream(sent)
        first = await anext(deltas, None)
    adapter = DeltaAdapter(adaptation)
    for delta in adapter.feed(first) if first is not None else ():
        yield delta
    async for delta in deltas:
        for adapted in adapter.feed(delta):
            yield adapted
