"""``LocalEndpoint``: an OVH-faithful OpenAI-compatible server on a free loopback port."""

from __future__ import annotations

import hmac
import threading
from typing import TYPE_CHECKING, Any

from ovh_responses.testing.protocol.failures import EndpointError
from ovh_responses.testing.protocol.faults import Fault, FaultQueue
from ovh_responses.testing.protocol.handler import EndpointServer
from ovh_responses.testing.protocol.log import RecordedRequest, RequestLog
from ovh_responses.testing.protocol.models import CATALOG, ModelSpec, catalog_index
from ovh_responses.testing.protocol.routes import Router

if TYPE_CHECKING:
    from collections.abc import Iterable
    from types import TracebackType

    from ovh_responses.testing.protocol.events import Style


class LocalEndpoint:
    """A real HTTP server speaking AI Endpoints' protocol, for tests, demos and offline use.

    ``with LocalEndpoint() as ep: OpenAI(base_url=ep.base_url, api_key="x")``. ``models``: the
    catalog to serve instead of the default one, which may disagree with the library's model
    table; each :class:`ModelSpec` sets its limits and may word its refusals as a given
    deployment does (``refusals=(VLLM_SYSTEM_ROLE,)``, see
    ``ovh_responses.testing.protocol.models``).
    With ``api_key``, requests without ``Authorization: Bearer <key>`` get 401 and a wrong key
    gets 403.
    ``truncation_style="openai"`` ends streams cut by ``max_output_tokens`` with
    ``response.incomplete`` instead of vLLM's ``response.completed`` (status incomplete).
    Prompts sharing a prefix of 32 tokens or more with an earlier prompt to the same model report
    it in ``cached_tokens`` (whole blocks of 16, per endpoint; :meth:`clear_prompt_cache`).
    A client closing a connection mid-answer is counted in :attr:`client_disconnects`, not
    printed; any other failure of a request handler still prints its traceback.
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        api_key: str | None = None,
        models: Iterable[ModelSpec] | None = None,
        truncation_style: Style = "vllm",
        stream_delay: float = 0.0,
        max_body_bytes: int = 2_000_000,
    ) -> None:
        self.host = host
        self._port = port
        self._api_key = api_key
        self.models: tuple[ModelSpec, ...] = tuple(models) if models is not None else CATALOG
        self.router = Router(catalog_index(self.models), self.models, truncation_style)
        self.stream_delay = stream_delay
        self.max_body_bytes = max_body_bytes
        self.log = RequestLog()
        self.faults = FaultQueue()
        self._disconnects = 0
        self._disconnect_lock = threading.Lock()
        self._server: EndpointServer | None = None
        self._thread: threading.Thread | None = None

    def __repr__(self) -> str:
        state = self.base_url if self._server is not None else "stopped"
        return f"LocalEndpoint({state})"

    # ----- lifecycle -------------------------------------------------------------------------

    def start(self) -> LocalEndpoint:
        if self._server is not None:
            return self
        self._server = EndpointServer((self.host, self._port), self)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="ovh-local-endpoint",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        self._server = self._thread = None
        if server is not None:
            server.shutdown()
            server.server_close()
        if thread is not None:
            thread.join(timeout=5)

    def __enter__(self) -> LocalEndpoint:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("The endpoint is not running; call start() first.")
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT`` (no path)."""
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT/v1``: what to give an OpenAI client as ``base_url``."""
        return f"{self.url}/v1"

    # ----- auth ------------------------------------------------------------------------------

    def check_auth(self, header: str | None) -> None:
        if self._api_key is None:
            return
        if not header or not header.startswith("Bearer ") or not header[7:].strip():
            raise EndpointError(
                401, "Missing API key: send the header Authorization: Bearer <key>."
            )
        if not hmac.compare_digest(header[7:].strip().encode(), self._api_key.encode()):
            raise EndpointError(403, "Authentication Failed")

    # ----- request log -----------------------------------------------------------------------

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request received so far, oldest first."""
        return self.log.all()

    def requests_to(self, path: str) -> list[RecordedRequest]:
        """The requests to ``path`` (``"/v1/responses"``, or a suffix such as ``"/responses"``)."""
        return [r for r in self.log.all() if r.path == path or r.path.endswith(path)]

    def bodies(self, path: str = "/v1/responses") -> list[Any]:
        return [r.body for r in self.requests_to(path)]

    @property
    def last_request(self) -> RecordedRequest:
        items = self.log.all()
        if not items:
            raise LookupError("The endpoint has received no request yet.")
        return items[-1]

    @property
    def last_body(self) -> Any:
        return self.last_request.body

    def clear(self) -> None:
        """Forget the recorded requests."""
        self.log.clear()

    def clear_prompt_cache(self) -> None:
        """Forget the prompts seen so far: the next ones report no cached tokens."""
        self.router.cache.clear()

    # ----- disconnects ------------------------------------------------------------------------

    @property
    def client_disconnects(self) -> int:
        """How many connections the client closed while the endpoint was still answering."""
        with self._disconnect_lock:
            return self._disconnects

    def note_disconnect(self) -> None:
        with self._disconnect_lock:
            self._disconnects += 1

    # ----- faults ----------------------------------------------------------------------------

    def inject(self, *faults: Fault) -> None:
        """Queue faults for the next matching requests (see ``testing.protocol.faults``)."""
        self.faults.add(*faults)

    def clear_faults(self) -> None:
        self.faults.clear()

    @property
    def pending_faults(self) -> list[Fault]:
        return self.faults.pending
