"""Stream an answer through the core client, offline against the local endpoint by default.

python examples/quickstart.py                      # local endpoint, no network
python examples/quickstart.py --endpoint ovh       # OVHcloud AI Endpoints (key from the env)
"""

from __future__ import annotations

import argparse
import contextlib
import sys

from ovh_responses.client import ResponsesClient
from ovh_responses.request import build_request
from ovh_responses.settings import DEFAULT_MODEL
from ovh_responses.testing import LocalEndpoint
from ovh_responses.types import Done, ReasoningDelta, TextDelta


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoint", choices=["local", "ovh"], default="local")
    parser.add_argument("--model", default=DEFAULT_MODEL)
    parser.add_argument("question", nargs="?", default="What does the store parameter do?")
    args = parser.parse_args(argv)

    with contextlib.ExitStack() as stack:
        base_url = None
        if args.endpoint == "local":
            base_url = stack.enter_context(LocalEndpoint()).base_url
        client = ResponsesClient(base_url=base_url)
        body = build_request(
            model=args.model,
            instructions="Answer briefly.",
            input=args.question,
            stream=True,
        )
        for delta in client.stream(body):
            if isinstance(delta, ReasoningDelta):
                continue
            if isinstance(delta, TextDelta):
                print(delta.text, end="", flush=True)
            elif isinstance(delta, Done) and delta.result.usage is not None:
                usage = delta.result.usage
                print(
                    f"\n[{delta.result.model}: {usage.input_tokens} in, "
                    f"{usage.output_tokens} out, status {delta.result.status}]"
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
