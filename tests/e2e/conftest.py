"""What the fault tests share: a bounded command load through the one origin, and waiting on a
condition with a deadline."""

from __future__ import annotations

import asyncio
import collections
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import httpx
import pytest

from grassroots_common.auth import mint_token

WEEK = "2026-W47"
PEOPLE = 40
WORKERS = 4


@dataclass
class CommandLoad:
    """A bounded load of weekly-log submissions: ``WORKERS`` clients, each one command at a time;
    ``keyed``: each with an ``Idempotency-Key``, as the web app sends them."""

    url: str
    secret: str
    keyed: bool = False
    ok: dict[str, int] = field(default_factory=collections.Counter)  # person -> 2xx submissions
    failed: list[tuple[float, str, str]] = field(default_factory=list)
    last_ok: float = 0.0
    stop: asyncio.Event = field(default_factory=asyncio.Event)

    async def run(self) -> None:
        await asyncio.gather(*(self._worker(w) for w in range(WORKERS)))

    async def _worker(self, w: int) -> None:
        tokens = {
            f"p{i:03d}": mint_token(self.secret, f"p{i:03d}", f"干部{i}", ["staff"], {"unit": "u1"})
            for i in range(w, PEOPLE, WORKERS)
        }
        n = 0
        async with httpx.AsyncClient(base_url=self.url, timeout=15) as client:
            while not self.stop.is_set():
                person = list(tokens)[n % len(tokens)]
                n += 1
                body = {"week": WEEK, "items": [{"text": f"第{n}次整理台账", "indicators": []}]}
                headers = {"Authorization": f"Bearer {tokens[person]}"}
                if self.keyed:
                    headers["Idempotency-Key"] = str(uuid.uuid4())
                try:
                    r = await client.post("/api/appraisal/v1/logs", json=body, headers=headers)
                    status = str(r.status_code)
                except httpx.HTTPError as exc:
                    status = type(exc).__name__
                if status.startswith("2"):
                    self.ok[person] += 1
                    self.last_ok = time.monotonic()
                else:
                    self.failed.append((time.monotonic(), person, status))
                    await asyncio.sleep(0.2)  # a client told to come back later does not hammer

    def print_failures(self) -> None:
        """The commands that failed (person, answer, seconds after the first failure), six a line."""
        if not self.failed:
            return
        first = self.failed[0][0]
        listed = [f"{person} {status} +{at - first:.1f}s" for at, person, status in self.failed]
        print("  failed commands (person, answer, seconds after the first failure):", flush=True)
        for i in range(0, len(listed), 6):
            print("    " + "; ".join(listed[i : i + 6]), flush=True)


async def _until(probe: Callable[[], Awaitable[bool]], timeout: float, what: str) -> float:
    """Seconds until ``probe`` holds (a deadline, never a fixed sleep)."""
    started = time.monotonic()
    while not await probe():
        assert time.monotonic() - started < timeout, f"{what}: not within {timeout}s"
        await asyncio.sleep(0.05)
    return time.monotonic() - started


@pytest.fixture
def command_load() -> type[CommandLoad]:
    return CommandLoad


@pytest.fixture
def until() -> Callable[[Callable[[], Awaitable[bool]], float, str], Awaitable[float]]:
    return _until
