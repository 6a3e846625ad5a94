"""``python -m ovh_responses.testing [--port N] [--api-key KEY]``: run the local endpoint."""

from __future__ import annotations

import argparse
import contextlib
import threading

from ovh_responses.testing.protocol.server import LocalEndpoint


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m ovh_responses.testing",
        description="Run the local OVH-faithful OpenAI-compatible endpoint until interrupted.",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 (default) picks a free port")
    parser.add_argument("--api-key", default=None, help="require this Bearer key")
    parser.add_argument("--stream-delay", type=float, default=0.0, help="seconds between events")
    args = parser.parse_args(argv)
    endpoint = LocalEndpoint(
        host=args.host, port=args.port, api_key=args.api_key, stream_delay=args.stream_delay
    )
    with endpoint:
        print(endpoint.base_url, flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()


if __name__ == "__main__":
    main()
