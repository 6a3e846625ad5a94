"""Side-by-side benchmark of the adapters against the official OpenAI ones and the raw SDK.

Run through ``benchmarks/run.sh``, which prepares the two environments. This file is both the
driver (run in the environment that has ``ovh-responses``) and the worker that measures one
adapter (run in whichever environment has that adapter). Only the standard library is imported
at the top, so the worker also runs where ``ovh-responses`` is not installed.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import statistics
import subprocess
import sys
import time
import tracemalloc
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

MODEL = "Meta-Llama-3_3-70B-Instruct"
PROMPT = "Say hello in one word."
KEY = "bench-key"
CONTEXT = 131072
USER_MESSAGE = {"type": "message", "role": "user", "content": PROMPT}

# name -> (environment, module imported for the import-time figure, label)
ADAPTERS: dict[str, tuple[str, str, str]] = {
    "ours-langchain": ("ours", "langchain_ovh_responses", "ChatOVHResponses (ours)"),
    "ours-llamaindex": ("ours", "llama_index_ovh_responses", "OVHResponses (ours)"),
    "raw-sdk-ours-env": ("ours", "openai", "openai SDK, ours env"),
    "chatopenai": ("official", "langchain_openai", "ChatOpenAI responses mode"),
    "openairesponses": ("official", "llama_index.llms.openai", "llama-index OpenAIResponses"),
    "raw-sdk-official-env": ("official", "openai", "openai SDK, official env"),
}
# (ours, baseline) pairs reported as ratios
RATIOS = [
    ("ours-langchain", "chatopenai"),
    ("ours-llamaindex", "openairesponses"),
    ("ours-langchain", "raw-sdk-ours-env"),
    ("ours-llamaindex", "raw-sdk-ours-env"),
    ("chatopenai", "raw-sdk-official-env"),
    ("openairesponses", "raw-sdk-official-env"),
]
PACKAGES = ["openai", "langchain-core", "llama-index-core", "langchain-openai"]
PACKAGES += ["llama-index-llms-openai", "ovh-responses"]

# The endpoint runs in its own process so that it never competes for this process's GIL.
ENDPOINT = "from ovh_responses.testing.__main__ import main\nmain(['--port', '0'])\n"


@dataclass
class Calls:
    invoke: Callable[[], object]
    stream: Callable[[], object]
    ainvoke: Callable[[], Awaitable[object]]


# ----- adapters (imports inside: each environment has only some of them) -----------------------


def _langchain(model: Any) -> Calls:
    def stream() -> None:
        for _ in model.stream(PROMPT):
            pass

    return Calls(lambda: model.invoke(PROMPT), stream, lambda: model.ainvoke(PROMPT))


def _llamaindex(llm: Any) -> Calls:
    from llama_index.core.llms import ChatMessage

    messages = [ChatMessage(role="user", content=PROMPT)]

    def stream() -> None:
        for _ in llm.stream_chat(messages):
            pass

    return Calls(lambda: llm.chat(messages), stream, lambda: llm.achat(messages))


def _raw(base_url: str) -> Calls:
    from openai import AsyncOpenAI, OpenAI

    client = OpenAI(base_url=base_url, api_key=KEY)
    aclient = AsyncOpenAI(base_url=base_url, api_key=KEY)
    # one user message, as the adapters send it: the SDK's per-call work grows with the input's
    # shape (a bare string is cheaper to prepare than a list of message items)
    body: dict[str, Any] = {"model": MODEL, "input": [USER_MESSAGE], "store": False}

    def stream() -> None:
        for _ in client.responses.create(**body, stream=True):
            pass

    return Calls(
        lambda: client.responses.create(**body),
        stream,
        lambda: aclient.responses.create(**body),
    )


def build(name: str, base_url: str) -> Calls:
    if name == "ours-langchain":
        from langchain_ovh_responses import ChatOVHResponses

        return _langchain(ChatOVHResponses(model=MODEL, base_url=base_url, api_key=KEY))
    if name == "ours-llamaindex":
        from llama_index_ovh_responses import OVHResponses

        return _llamaindex(OVHResponses(model=MODEL, api_base=base_url, api_key=KEY))
    if name == "chatopenai":
        from langchain_openai import ChatOpenAI

        return _langchain(
            ChatOpenAI(
                model=MODEL, base_url=base_url, api_key=KEY, use_responses_api=True, store=False
            )
        )
    if name == "openairesponses":
        from llama_index.llms.openai import OpenAIResponses

        # context_window: the model is not in the adapter's table of OpenAI models
        llm = OpenAIResponses(
            model=MODEL, api_base=base_url, api_key=KEY, store=False, context_window=CONTEXT
        )
        return _llamaindex(llm)
    return _raw(base_url)


# ----- measurement (worker side) ---------------------------------------------------------------


def summary(wall: list[float], cpu: list[float]) -> dict[str, float]:
    return {
        "wall_ms": statistics.median(wall) * 1e3,
        "wall_p90_ms": statistics.quantiles(wall, n=10)[-1] * 1e3,
        "cpu_ms": statistics.median(cpu) * 1e3,
    }


def time_sync(call: Callable[[], object], n: int) -> dict[str, float]:
    wall, cpu = [], []
    for _ in range(n):
        w, c = time.perf_counter(), time.process_time()
        call()
        cpu.append(time.process_time() - c)
        wall.append(time.perf_counter() - w)
    return summary(wall, cpu)


async def _time_async(
    call: Callable[[], Awaitable[object]], warmup: int, n: int
) -> dict[str, float]:
    for _ in range(warmup):
        await call()
    wall, cpu = [], []
    for _ in range(n):
        w, c = time.perf_counter(), time.process_time()
        await call()
        cpu.append(time.process_time() - c)
        wall.append(time.perf_counter() - w)
    return summary(wall, cpu)


def memory(call: Callable[[], object], n: int) -> dict[str, float]:
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    for _ in range(n):
        call()
    gc.collect()
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"peak_kib": (peak - base) / 1024, "retained_kib": (current - base) / 1024}


def versions() -> dict[str, str]:
    found = {}
    for package in PACKAGES:
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            continue
    return found


def work(name: str, base_url: str, calls: int, warmup: int, mem_calls: int) -> dict[str, Any]:
    adapter = build(name, base_url)
    for _ in range(warmup):
        adapter.invoke()
        adapter.stream()
    return {
        "versions": versions(),
        "invoke": time_sync(adapter.invoke, calls),
        "stream": time_sync(adapter.stream, calls),
        "ainvoke": asyncio.run(_time_async(adapter.ainvoke, warmup, calls)),
        "memory": memory(adapter.invoke, mem_calls),
    }


def cold(name: str, base_url: str) -> float:
    """Seconds from a fresh process to the first answer: import, construct, one call."""
    start = time.perf_counter()
    build(name, base_url).invoke()
    return time.perf_counter() - start


# ----- driver ----------------------------------------------------------------------------------


def run_json(cmd: list[str]) -> Any:
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        tail = done.stderr.strip().splitlines()[-3:]
        raise RuntimeError(" | ".join(tail) or f"exit {done.returncode}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def import_time(python: str, module: str, repeat: int) -> float:
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    return statistics.median(run_json([python, "-c", code]) for _ in range(repeat))


def merge(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """Median over the rounds of every per-round figure."""
    merged: dict[str, Any] = {"versions": rounds[0]["versions"], "rounds": len(rounds)}
    for key in ("invoke", "stream", "ainvoke", "memory"):
        merged[key] = {f: statistics.median(r[key][f] for r in rounds) for f in rounds[0][key]}
    return merged


def per_call(pythons: dict[str, str], base_url: str, args: argparse.Namespace) -> dict[str, Any]:
    """Worker runs, adapters interleaved round after round so that a busy spell hits them all."""
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in pythons}
    errors: dict[str, str] = {}
    for i in range(args.rounds):
        for name, python in pythons.items():
            if name in errors:
                continue
            print(f"round {i + 1}/{args.rounds}: {name}", file=sys.stderr, flush=True)
            cmd = [python, __file__, "--base-url", base_url, "--worker", name]
            cmd += ["--calls", str(args.calls), "--warmup", str(args.warmup)]
            try:
                runs[name].append(run_json(cmd))
            except RuntimeError as e:
                errors[name] = str(e)
    return {name: {"error": errors[name]} if name in errors else merge(runs[name]) for name in runs}


def startup(name: str, python: str, base_url: str, repeat: int) -> dict[str, Any]:
    print(f"startup: {name}", file=sys.stderr, flush=True)
    try:
        imports = import_time(python, ADAPTERS[name][1], repeat)
        cmd = [python, __file__, "--base-url", base_url, "--cold", name]
        firsts = statistics.median(run_json(cmd) for _ in range(repeat))
    except RuntimeError as e:
        return {"error": str(e)}
    return {"import_ms": imports * 1e3, "first_call_ms": firsts * 1e3}


def start_endpoint() -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", ENDPOINT], stdout=subprocess.PIPE, text=True, bufsize=1
    )
    assert proc.stdout is not None
    return proc, proc.stdout.readline().strip()


def fmt(value: float | None, digits: int = 2) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def row_values(r: dict[str, Any]) -> list[float | None]:
    if "error" in r:
        return [None] * len(HEAD)
    return [
        r["import_ms"],
        r["first_call_ms"],
        r["invoke"]["wall_ms"],
        r["invoke"]["cpu_ms"],
        r["stream"]["wall_ms"],
        r["stream"]["cpu_ms"],
        r["ainvoke"]["wall_ms"],
        r["ainvoke"]["cpu_ms"],
        r["memory"]["peak_kib"],
    ]


HEAD = [
    "import ms",
    "first call ms",
    "invoke ms",
    "invoke CPU ms",
    "stream ms",
    "stream CPU ms",
    "ainvoke ms",
    "ainvoke CPU ms",
    "peak KiB/100 calls",
]


def table(results: dict[str, dict[str, Any]]) -> str:
    lines = ["| adapter | env | " + " | ".join(HEAD) + " |", "|---|---|" + "---:|" * len(HEAD)]
    for name, r in results.items():
        cells = [fmt(v, 0 if i in (0, 1, 8) else 2) for i, v in enumerate(row_values(r))]
        lines.append(f"| {ADAPTERS[name][2]} | {ADAPTERS[name][0]} | " + " | ".join(cells) + " |")
    lines += ["", "| ratio | " + " | ".join(HEAD) + " |", "|---|" + "---:|" * len(HEAD)]
    for top, bottom in RATIOS:
        a, b = row_values(results[top]), row_values(results[bottom])
        cells = [fmt(x / y if x is not None and y else None) for x, y in zip(a, b, strict=True)]
        lines.append(f"| {top} / {bottom} | " + " | ".join(cells) + " |")
    errors = [f"- {n}: {r['error']}" for n, r in results.items() if "error" in r]
    return "\n".join(lines + (["", "Failures:", *errors] if errors else []))


def drive(args: argparse.Namespace) -> None:
    envs = {"ours": sys.executable, "official": args.official_python or ""}
    pythons = {name: envs[env] for name, (env, _, _) in ADAPTERS.items() if envs[env]}
    proc, base_url = start_endpoint()
    try:
        results = per_call(pythons, base_url, args)
        for name, python in pythons.items():
            if "error" not in results[name]:
                results[name] |= startup(name, python, base_url, args.repeat)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    for name, (env, _, _) in ADAPTERS.items():
        results.setdefault(name, {"error": f"no python for the {env} environment"})
    report = {"model": MODEL, "prompt": PROMPT, "calls": args.calls, "rounds": args.rounds}
    report["results"] = results
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(report, indent=2))
    print(table(results))
    print(f"\nresults: {args.out}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--official-python", help="python of the official adapters' environment")
    parser.add_argument("--out", default="latest.json", help="where to write the JSON results")
    parser.add_argument("--calls", type=int, default=100, help="timed calls per measure and round")
    parser.add_argument(
        "--rounds", type=int, default=3, help="worker runs per adapter, interleaved"
    )
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=5, help="fresh processes for import times")
    parser.add_argument("--base-url", help=argparse.SUPPRESS)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--cold", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(work(args.worker, args.base_url, args.calls, args.warmup, 100)))
    elif args.cold:
        print(json.dumps(cold(args.cold, args.base_url)))
    else:
        drive(args)


if __name__ == "__main__":
    main()
