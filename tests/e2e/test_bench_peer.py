"""The peer benchmark's code runs and checks its own counts, on tiny numbers (speed is not asserted:
that is the benchmark's job)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest

from grassroots_cli.bench_peer import WORKLOADS, Sizes, ours, theirs

TINY = Sizes(appends=32, aggregates=5, events_per=10)


async def test_our_side_of_the_peer_bench_reads_and_rehydrates_what_it_wrote(database: str) -> None:
    rates = await ours(database, TINY)
    assert set(rates) == set(WORKLOADS)
    assert all(rate > 0 for rate in rates.values())


async def test_the_peer_library_side_runs_on_the_same_postgresql(
    new_database: Callable[[], Awaitable[str]],
) -> None:
    pytest.importorskip("eventsourcing.postgres", reason="the bench dependency group: uv sync --group bench")
    dsn = await new_database()
    rates = await asyncio.to_thread(theirs, dsn, TINY)
    assert set(rates) == set(WORKLOADS)
    assert all(rate > 0 for rate in rates.values())
