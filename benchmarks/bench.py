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
    "raw-sdk-text-ours-env": ("ours", "openai", "openai SDK, string input, ours env"),
    "raw-sdk-text-official-env": ("official", "openai", "openai SDK, string input, official env"),
}
# (ours, baseline) pairs reported as ratios
RATIOS = [
    ("ours-langchain", "chatopenai"),
    ("ours-llamaindex", "openairesponses"),
    ("ours-langchain", "raw-sdk-ours-env"),
    ("ours-llamaindex", "raw-sdk-ours-env"),
    ("chatopenai", "raw-sdk-official-env"),
    ("openairesponses", "raw-sdk-official-env"),
    ("ours-langchain", "raw-sdk-text-ours-env"),
    ("ours-llamaindex", "raw-sdk-text-ours-env"),
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
    first_delta: Callable[[], object]


# The client-only mode: every adapter's HTTP client answers from memory with bytes captured from
# the local endpoint, so that only client-side work is timed (on a 2-core machine the local
# endpoint's own CPU share hides client differences).
LONG_STREAM_DELTAS = 2000
CONCURRENT = 200


# ----- adapters (imports inside: each environment has only some of them) -----------------------


def _first(iterator: Any) -> None:
    next(iter(iterator))
    iterator.close()


def _langchain(model: Any) -> Calls:
    def stream() -> None:
        for _ in model.stream(PROMPT):
            pass

    return Calls(
        lambda: model.invoke(PROMPT),
        stream,
        lambda: model.ainvoke(PROMPT),
        lambda: _first(model.stream(PROMPT)),
    )


def _llamaindex(llm: Any) -> Calls:
    from llama_index.core.llms import ChatMessage

    messages = [ChatMessage(role="user", content=PROMPT)]

    def stream() -> None:
        for _ in llm.stream_chat(messages):
            pass

    return Calls(
        lambda: llm.chat(messages),
        stream,
        lambda: llm.achat(messages),
        lambda: _first(llm.stream_chat(messages)),
    )


def _raw(base_url: str, http: dict[str, Any], text_input: bool) -> Calls:
    from openai import AsyncOpenAI, OpenAI

    client = OpenAI(base_url=base_url, api_key=KEY, http_client=http.get("sync"))
    aclient = AsyncOpenAI(base_url=base_url, api_key=KEY, http_client=http.get("async"))
    # one user message, as the adapters send it: the SDK's per-call work grows with the input's
    # shape (a bare string is cheaper to prepare than a list of message items)
    prompt: Any = PROMPT if text_input else [USER_MESSAGE]
    body: dict[str, Any] = {"model": MODEL, "input": prompt, "store": False}

    def stream() -> None:
        for _ in client.responses.create(**body, stream=True):
            pass

    return Calls(
        lambda: client.responses.create(**body),
        stream,
        lambda: aclient.responses.create(**body),
        lambda: _first(client.responses.create(**body, stream=True)),
    )


def _http(http: dict[str, Any], async_name: str) -> dict[str, Any]:
    """An adapter's HTTP client arguments (``async_name``: its name for the async one)."""
    return {"http_client": http.get("sync"), async_name: http.get("async")}


def build(name: str, base_url: str, http: dict[str, Any] | None = None) -> Calls:
    """The calls of adapter ``name``; ``http``: its sync and async HTTP clients, if given."""
    http = http or {}
    if name == "ours-langchain":
        from langchain_ovh_responses import ChatOVHResponses

        model = ChatOVHResponses(
            model=MODEL,
            base_url=base_url,
            api_key=KEY,
            **_http(http, "http_async_client"),
        )
        return _langchain(model)
    if name == "ours-llamaindex":
        from llama_index_ovh_responses import OVHResponses

        llm = OVHResponses(
            model=MODEL,
            api_base=base_url,
            api_key=KEY,
            **_http(http, "async_http_client"),
        )
        return _llamaindex(llm)
    if name == "chatopenai":
        from langchain_openai import ChatOpenAI

        chat = ChatOpenAI(
            model=MODEL,
            base_url=base_url,
            api_key=KEY,
            use_responses_api=True,
            store=False,
            **_http(http, "http_async_client"),
        )
        return _langchain(chat)
    if name == "openairesponses":
        from llama_index.llms.openai import OpenAIResponses

        # context_window: the model is not in the adapter's table of OpenAI models
        llm = OpenAIResponses(
            model=MODEL,
            api_base=base_url,
            api_key=KEY,
            store=False,
            context_window=CONTEXT,
            **_http(http, "async_http_client"),
        )
        return _llamaindex(llm)
    return _raw(base_url, http, text_input=name.startswith("raw-sdk-text"))


# ----- captured answers (client-only mode) -----------------------------------------------------


def capture(base_url: str) -> dict[str, str]:
    """A JSON answer and an SSE answer of the local endpoint, and a long stream made from it."""
    import httpx2

    body = {"model": MODEL, "input": [USER_MESSAGE], "store": False}
    with httpx2.Client(base_url=base_url, headers={"Authorization": f"Bearer {KEY}"}) as http:
        answer = http.post("/responses", json=body).text
        sse = http.post("/responses", json=body | {"stream": True}).text
    return {"json": answer, "sse": sse, "long_sse": long_stream(sse, LONG_STREAM_DELTAS)}


def _events(sse: str) -> list[dict[str, Any]]:
    return [
        json.loads(line[len("data: ") :])
        for line in sse.splitlines()
        if line.startswith("data: ") and line != "data: [DONE]"
    ]


def _set_text(event: dict[str, Any], text: str) -> None:
    """Put ``text`` wherever a finishing event carries the whole text of the message."""
    kind = event["type"]
    if kind == "response.output_text.done":
        event["text"] = text
    elif kind == "response.content_part.done":
        event["part"]["text"] = text
    elif kind == "response.output_item.done" and event["item"]["type"] == "message":
        event["item"]["content"][0]["text"] = text
    elif kind in ("response.completed", "response.incomplete"):
        for item in event["response"]["output"]:
            if item["type"] == "message":
                item["content"][0]["text"] = text


def long_stream(sse: str, deltas: int) -> str:
    """``sse`` with its text deltas replaced by ``deltas`` one-word deltas (and the finishing
    events carrying the same text), so that a stream's per-delta cost dominates."""
    events = _events(sse)
    first = next(i for i, e in enumerate(events) if e["type"] == "response.output_text.delta")
    template = events[first]
    words = [dict(template, delta=f"w{i} ") for i in range(deltas)]
    rest = [e for e in events[first:] if e["type"] != "response.output_text.delta"]
    text = "".join(w["delta"] for w in words)
    for event in rest:
        _set_text(event, text)
    ordered = [*events[:first], *words, *rest]
    for number, event in enumerate(ordered):
        event["sequence_number"] = number
    return "".join(f"event: {e['type']}\ndata: {json.dumps(e)}\n\n" for e in ordered)


def captured_clients(captured: dict[str, str], sse_key: str) -> dict[str, Any]:
    """Sync and async HTTP clients of the SDK in use (httpx2 for openai 3.x, httpx for 2.x)
    answering every request from ``captured`` bytes in memory."""
    import importlib

    import openai

    major = int(openai.__version__.split(".", 1)[0])
    httpx = importlib.import_module("httpx2" if major >= 3 else "httpx")
    answers = {
        False: (captured["json"].encode(), "application/json"),
        True: (captured[sse_key].encode(), "text/event-stream"),
    }

    def answer(request: Any) -> Any:
        content, kind = answers[b'"stream":true' in request.content.replace(b" ", b"")]
        return httpx.Response(200, content=content, headers={"content-type": kind})

    transport = httpx.MockTransport(answer)
    return {
        "sync": httpx.Client(transport=transport),
        "async": httpx.AsyncClient(transport=transport),
    }


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


async def _concurrent(call: Callable[[], Awaitable[object]], n: int) -> float:
    """Calls per second with ``n`` calls awaited together (after one warm-up round)."""
    await asyncio.gather(*(call() for _ in range(n)))
    start = time.perf_counter()
    await asyncio.gather(*(call() for _ in range(n)))
    return n / (time.perf_counter() - start)


def memory_growth(call: Callable[[], object], n: int) -> dict[str, float]:
    """Python allocations kept after the first tenth of ``n`` calls and after all of them."""
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    tenth = max(1, n // 10)
    for _ in range(tenth):
        call()
    gc.collect()
    early = tracemalloc.get_traced_memory()[0] - base
    for _ in range(n - tenth):
        call()
    gc.collect()
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "peak_kib": (peak - base) / 1024,
        "early_kib": early / 1024,
        "retained_kib": (current - base) / 1024,
    }


def work_client(name: str, captured_path: str, calls: int, warmup: int, mem_calls: int) -> Any:
    """The client-only measures of one adapter: answers come from captured bytes in memory."""
    captured = json.loads(Path(captured_path).read_text())
    base_url = "http://captured.invalid/v1"
    long = build(name, base_url, captured_clients(captured, "long_sse"))
    short = build(name, base_url, captured_clients(captured, "sse"))
    for _ in range(warmup):
        long.invoke()
        short.stream()
    stream_calls = max(5, calls // 10)
    return {
        "versions": versions(),
        "invoke": time_sync(long.invoke, calls),
        "stream": time_sync(long.stream, stream_calls),
        "first_delta": time_sync(long.first_delta, calls),
        "ainvoke": asyncio.run(_time_async(long.ainvoke, warmup, calls)),
        "concurrent_per_s": asyncio.run(_concurrent(short.ainvoke, CONCURRENT)),
        "memory": memory_growth(short.stream, mem_calls),
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
    for key, first in rounds[0].items():
        if isinstance(first, dict) and key != "versions":
            merged[key] = {f: statistics.median(r[key][f] for r in rounds) for f in first}
        elif isinstance(first, float):
            merged[key] = statistics.median(r[key] for r in rounds)
    return merged


def per_call(
    pythons: dict[str, str], base_url: str, args: argparse.Namespace, captured: str | None = None
) -> dict[str, Any]:
    """Worker runs, adapters interleaved round after round so that a busy spell hits them all;
    with ``captured`` (a file of captured answers), the client-only measures."""
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in pythons}
    errors: dict[str, str] = {}
    for i in range(args.rounds):
        for name, python in pythons.items():
            if name in errors:
                continue
            print(f"round {i + 1}/{args.rounds}: {name}", file=sys.stderr, flush=True)
            cmd = [python, __file__, "--base-url", base_url, "--worker", name]
            cmd += ["--calls", str(args.calls), "--warmup", str(args.warmup)]
            cmd += ["--mem-calls", str(args.mem_calls)]
            cmd += ["--captured", captured] if captured else []
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


CLIENT_HEAD = [
    "invoke ms",
    f"stream {LONG_STREAM_DELTAS} deltas ms",
    "first delta ms",
    "ainvoke ms",
    f"{CONCURRENT} concurrent ainvoke calls/s",
    "KiB kept after 1/10 of streams",
    "KiB kept after all streams",
]
# the raw SDK's rows that the client-only ratios are taken over
CLIENT_RATIOS = [(top, bottom) for top, bottom in RATIOS if top.startswith("ours")]
CLIENT_RATIOS += [("ours-langchain", "chatopenai"), ("ours-llamaindex", "openairesponses")]


def client_values(r: dict[str, Any]) -> list[float | None]:
    if "error" in r:
        return [None] * len(CLIENT_HEAD)
    return [
        r["invoke"]["cpu_ms"],
        r["stream"]["cpu_ms"],
        r["first_delta"]["cpu_ms"],
        r["ainvoke"]["cpu_ms"],
        r["concurrent_per_s"],
        r["memory"]["early_kib"],
        r["memory"]["retained_kib"],
    ]


def client_table(results: dict[str, dict[str, Any]]) -> str:
    head = "| adapter | env | " + " | ".join(CLIENT_HEAD) + " |"
    lines = [head, "|---|---|" + "---:|" * len(CLIENT_HEAD)]
    for name, r in results.items():
        cells = [fmt(v, 0 if i >= 4 else 2) for i, v in enumerate(client_values(r))]
        lines.append(f"| {ADAPTERS[name][2]} | {ADAPTERS[name][0]} | " + " | ".join(cells) + " |")
    lines += ["", "| ratio | " + " | ".join(CLIENT_HEAD[:5]) + " |", "|---|" + "---:|" * 5]
    for top, bottom in dict.fromkeys(CLIENT_RATIOS):
        a, b = client_values(results[top])[:5], client_values(results[bottom])[:5]
        cells = [fmt(x / y if x is not None and y else None) for x, y in zip(a, b, strict=True)]
        lines.append(f"| {top} / {bottom} | " + " | ".join(cells) + " |")
    errors = [f"- {n}: {r['error']}" for n, r in results.items() if "error" in r]
    return "\n".join(lines + (["", "Failures:", *errors] if errors else []))


def drive(args: argparse.Namespace) -> None:
    envs = {"ours": sys.executable, "official": args.official_python or ""}
    pythons = {name: envs[env] for name, (env, _, _) in ADAPTERS.items() if envs[env]}
    report: dict[str, Any] = {"model": MODEL, "prompt": PROMPT, "calls": args.calls}
    report["rounds"] = args.rounds
    proc, base_url = start_endpoint()
    try:
        if args.mode in ("client", "both"):
            captured = Path(args.out).with_name("captured.json")
            captured.parent.mkdir(parents=True, exist_ok=True)
            captured.write_text(json.dumps(capture(base_url)))
            report["client_only"] = per_call(pythons, base_url, args, str(captured))
        if args.mode in ("endpoint", "both"):
            report["results"] = endpoint_results(pythons, base_url, args)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    for results in (report.get("client_only", {}), report.get("results", {})):
        for name, (env, _, _) in ADAPTERS.items():
            results.setdefault(name, {"error": f"no python for the {env} environment"})
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(report, indent=2))
    if "client_only" in report:
        print("Client only (CPU ms per call, captured answers served from memory):\n")
        print(client_table(report["client_only"]) + "\n")
    if "results" in report:
        print("Local endpoint:\n")
        print(table(report["results"]))
    print(f"\nresults: {args.out}")


def endpoint_results(
    pythons: dict[str, str], base_url: str, args: argparse.Namespace
) -> dict[str, Any]:
    results = per_call(pythons, base_url, args)
    for name, python in pythons.items():
        if "error" not in results[name]:
            results[name] |= startup(name, python, base_url, args.repeat)
    return results


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
    parser.add_argument(
        "--mode",
        choices=["client", "endpoint", "both"],
        default="both",
        help="client: answers captured once and served from memory (client-side cost only); "
        "endpoint: every call goes to the local endpoint",
    )
    parser.add_argument(
        "--mem-calls", type=int, default=2000, help="streamed calls of the memory measure"
    )
    parser.add_argument("--base-url", help=argparse.SUPPRESS)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--captured", help=argparse.SUPPRESS)
    parser.add_argument("--cold", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker and args.captured:
        found = work_client(args.worker, args.captured, args.calls, args.warmup, args.mem_calls)
        print(json.dumps(found))
    elif args.worker:
        print(json.dumps(work(args.worker, args.base_url, args.calls, args.warmup, 100)))
    elif args.cold:
        print(json.dumps(cold(args.cold, args.base_url)))
    else:
        drive(args)


if __name__ == "__main__":
    main()
