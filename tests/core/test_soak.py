"""Soak: 2,000 streamed calls in one process, over real HTTP, alternating the two adapters' sync
and async streams (about 90 s: ``make soak``, run by CI, not by ``make test``). Resident memory
stays flat (the slope, fitted after a warm-up, is printed and bounded) and so do open file
descriptors and threads."""

from __future__ import annotations

import asyncio
import gc
import os
import threading

import pytest

from langchain_ovh_responses import ChatOVHResponses
from llama_index_ovh_responses import OVHResponses
from ovh_responses.testing import LocalEndpoint
from ovh_responses.testing.brain.answers import default_reply

CALLS = 2_000
EVERY = 100  # calls between two samples
WARM_UP = 300  # calls before the first sample: pools, caches and imports settle
MAX_SLOPE_KB_PER_1000 = 512.0


def _rss_kb() -> float:
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1024


def _slope(points: list[tuple[int, float]]) -> float:
    """Least-squares slope of ``(call, value)`` points, per 1,000 calls."""
    n = len(points)
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    num = sum((x - mean_x) * (y - mean_y) for x, y in points)
    den = sum((x - mean_x) ** 2 for x, _ in points)
    return 1000 * num / den


@pytest.mark.soak
@pytest.mark.timeout(900)
def test_2000_streamed_calls_leave_memory_and_descriptors_flat(endpoint: LocalEndpoint) -> None:
    chat = ChatOVHResponses(model="local-chat", base_url=endpoint.base_url)
    llm = OVHResponses("local-chat", api_base=endpoint.base_url)
    questions = [f"Tell me about topic{i % 50}" for i in range(CALLS)]

    async def astreams(batch: list[str]) -> list[str]:
        answers = []
        for i, question in enumerate(batch):
            if i % 2:
                answers.append("".join([c.text async for c in chat.astream(question)]))
            else:
                parts = [p.delta or "" async for p in await llm.astream_complete(question)]
                answers.append("".join(parts))
        return answers

    rss: list[tuple[int, float]] = []
    fds: list[tuple[int, int]] = []
    threads: list[int] = []
    for start in range(0, CALLS, EVERY):
        batch = questions[start : start + EVERY]
        half = len(batch) // 2
        answers = ["".join(c.text for c in chat.stream(q)) for q in batch[:half]]
        answers += asyncio.run(astreams(batch[half:]))
        assert answers == [default_reply(q) for q in batch]
        endpoint.clear()  # the endpoint's own request log is not ours to measure
        if start + EVERY > WARM_UP:
            gc.collect()
            rss.append((start + EVERY, _rss_kb()))
            fds.append((start + EVERY, len(os.listdir("/proc/self/fd"))))
            threads.append(threading.active_count())
    slope = _slope(rss)
    print(f"\nsoak: RSS slope {slope:+.1f} KiB per 1,000 streamed calls over {CALLS} calls")
    assert slope < MAX_SLOPE_KB_PER_1000, f"memory grows: {rss}"
    assert max(f for _, f in fds) - min(f for _, f in fds) <= 4, f"descriptors grow: {fds}"
    assert max(threads) <= min(threads) + 2, f"threads grow: {threads}"
