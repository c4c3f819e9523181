"""A running reporting app whose read models hold a synthetic history of the three services."""

from __future__ import annotations

import datetime as dt

import pytest

from grassroots_cli.bench_histories import Scale, history
from grassroots_common.projections.checkpoints import apply_batch
from reporting.main import create_app
from reporting.projections import PROJECTIONS

START = dt.datetime(2026, 11, 18, 9, 0, tzinfo=dt.UTC)  # where the clock fixture starts
HISTORY = history(11, Scale(units=3, people_per_unit=6, weeks=3, tickets=30, towns=2, villages_per_town=3))


async def feed(pool, events_by_source) -> None:
    async with pool.acquire() as conn:
        for source, events in events_by_source.items():
            for p in PROJECTIONS:
                if source in p.sources:
                    await apply_batch(conn, p, events, source=source)


@pytest.fixture
async def reporting(database, make_settings, serve, clock):
    app = create_app(make_settings("reporting", database, run_workers=False))
    async with serve(app) as client:
        app.state.runtime.clock = clock
        await feed(app.state.runtime.pool, HISTORY)
        client.runtime = app.state.runtime
        yield client


@pytest.fixture(scope="module")
async def reporting_read_only(module_database, module_settings, serve):
    """The same app, shared by the tests of a module that only read it (on the clock's start)."""
    app = create_app(module_settings("reporting", module_database, run_workers=False))
    async with serve(app) as client:
        app.state.runtime.clock = lambda: START
        await feed(app.state.runtime.pool, HISTORY)
        client.runtime = app.state.runtime
        yield client
