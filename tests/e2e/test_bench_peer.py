"""The peer benchmark's code runs and checks its own counts, on tiny numbers (speed is not asserted:
that is the benchmark's job)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from grassroots_cli.bench_peer import WORKLOADS, Ours, Sizes, compare

TINY = Sizes(appends=48, aggregates=5, events_per=10)


async def test_our_side_of_the_peer_bench_reads_and_rehydrates_what_it_wrote(database: str) -> None:
    ours = Ours(database)
    await ours.open(TINY)
    try:
        await ours.append(16, 32, "t")
        await ours.fill(TINY)
        assert await ours.read_all() == 32 + TINY.aggregates * TINY.events_per
        await ours.rehydrate(range(TINY.aggregates), TINY.events_per)
        with pytest.raises(RuntimeError, match="revision"):
            await ours.rehydrate(range(1), TINY.events_per + 1)
    finally:
        await ours.close()


async def test_both_sides_run_the_same_workloads_on_the_same_postgresql(
    new_database: Callable[[], Awaitable[str]],
) -> None:
    pytest.importorskip("eventsourcing.postgres", reason="the bench dependency group: uv sync --group bench")
    rates = await compare(await new_database(), await new_database(), TINY)
    assert set(rates) == set(WORKLOADS)
    assert all(mine > 0 and peer > 0 for mine, peer in rates.values())
