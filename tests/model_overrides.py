"""What the override tests of both adapters share: three instances of one model, each with its
own word on it, called every way in turn over real HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

from model_limits import NO_SYSTEM_BY_TABLE_ONLY, Warned, system_sent_as_is

from ovh_responses.testing import LocalEndpoint

WORDS: dict[str, tuple[dict[str, bool] | None, bool]] = {
    # name -> (the instance's override, whether its calls fold the system prompt)
    "trusting": ({"accepts_system_prompt": True}, False),
    "plain": (None, True),  # the table's word: local-no-system takes no system prompt
    "folding": ({"accepts_system_prompt": False}, True),
}

Build = Callable[[LocalEndpoint, str, Any], Any]
"""(endpoint, model id, override or None) -> an adapter instance."""
EachWay = Callable[[Any], AsyncIterator[str]]
"""Sends a system prompt through an instance every way (sync, async, streamed), yielding the
name of each way once its request is done."""


async def check_each_instance_keeps_its_own_word(
    make_endpoint: Callable[..., LocalEndpoint], build: Build, each_way: EachWay
) -> None:
    """Instances made one after the other, called interleaved: each call is fitted with its own
    instance's word (the platform takes system prompts, so nothing is refused or resent)."""
    server = make_endpoint(models=[NO_SYSTEM_BY_TABLE_ONLY])
    model_id = NO_SYSTEM_BY_TABLE_ONLY.id
    models = {name: build(server, model_id, word) for name, (word, _) in WORDS.items()}
    ways: list[str] = []
    with Warned():
        for _ in range(2):
            for name, model in models.items():
                async for way in each_way(model):
                    folded = not system_sent_as_is(server)
                    assert folded is WORDS[name][1], (name, way)
                    ways.append(way)
    assert len(ways) == len(server.requests) == 2 * len(WORDS) * 4
