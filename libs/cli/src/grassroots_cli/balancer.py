"""One service's replicas behind the gateway: each request goes to the least busy live replica.

``<SERVICE>_URL`` may name several replicas, comma-separated (``grassroots cluster`` runs two API
processes a service). A request goes to the replica with the fewest requests in flight, ties taken
in turn. A replica that refuses a connection is skipped for ``DOWN_FOR`` seconds and the request
goes to the next one at once: it never reached the first, so any method may go. A replica that
breaks off a request it received (killed mid-answer) may have acted on it, so only a read or a
command with an ``Idempotency-Key`` is sent again, once on a fresh connection to the same replica
(a kept-alive connection that proved dead) and then to the next replica.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field

import httpx
import structlog

log = structlog.get_logger(__name__)

DOWN_FOR = 2.0  # seconds a replica that refused a connection is tried only after the others
_CONNECT_FAILED = (httpx.ConnectError, httpx.ConnectTimeout)
_BROKE_OFF = (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)


@dataclass
class Replica:
    url: str
    client: httpx.AsyncClient
    in_flight: int = 0
    down_until: float = 0.0

    def live(self, now: float) -> bool:
        return self.down_until <= now


@dataclass
class Upstream:
    """The replicas of one service, each with its own connection pool."""

    name: str
    replicas: list[Replica]
    _turn: itertools.count = field(default_factory=itertools.count)

    @classmethod
    def of(cls, name: str, urls: str, timeout: httpx.Timeout, limits: httpx.Limits) -> Upstream:
        replicas = [
            Replica(url, httpx.AsyncClient(base_url=url, timeout=timeout, limits=limits))
            for url in (u.strip() for u in urls.split(","))
            if url
        ]
        return cls(name, replicas)

    def order(self) -> list[Replica]:
        """Live replicas, least busy first (ties in turn), then those recently down."""
        now = time.monotonic()
        n = len(self.replicas)
        start = next(self._turn) % n
        turned = self.replicas[start:] + self.replicas[:start]
        return sorted(turned, key=lambda r: (not r.live(now), r.in_flight))

    async def send(
        self, method: str, raw_path: bytes, headers: list[tuple[bytes, bytes]], body: bytes, *, retry: bool
    ) -> httpx.Response:
        """The first answer of a replica (streamed); the last failure when none answered."""
        failure: httpx.TransportError | None = None
        for replica in self.order():
            url = httpx.URL(replica.url).copy_with(raw_path=raw_path)
            attempts = 2 if retry else 1
            for attempt in range(attempts):
                request = replica.client.build_request(method, url, headers=headers, content=body)
                replica.in_flight += 1
                try:
                    return await replica.client.send(request, stream=True)
                except _CONNECT_FAILED as exc:
                    replica.down_until = time.monotonic() + DOWN_FOR
                    log.warning("gateway.replica_down", service=self.name, replica=replica.url, error=repr(exc))
                    failure = exc
                    break  # never reached this replica: the next may take it, whatever the method
                except _BROKE_OFF as exc:
                    failure = exc
                    if not retry:
                        raise
                    if attempt == attempts - 1:
                        log.warning("gateway.replica_broke_off", service=self.name, replica=replica.url)
                finally:
                    replica.in_flight -= 1
        assert failure is not None
        raise failure

    async def aclose(self) -> None:
        for replica in self.replicas:
            await replica.client.aclose()
