"""Statistics as they stood at a past time: folded again from the streams up to the events recorded
by then, equal to what the live read models answered at that time, and never touching them."""

from __future__ import annotations

import datetime as dt

from grassroots_cli.bench_histories import publish
from grassroots_common.jetstream import connect
from grassroots_common.runtime import stream_spec
from reporting.main import create_app

from .conftest import HISTORY, feed

AT = dt.datetime(2026, 7, 6, 1, 1, 20, tzinfo=dt.UTC)


class Clock:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


def split(at: dt.datetime) -> tuple[dict, dict]:
    """Each source's history recorded by ``at`` and after it (a prefix of the stream: the synthetic
    history is recorded in stream order)."""
    before, after = {}, {}
    for source, events in HISTORY.items():
        assert [e.recorded_at for e in events] == sorted(e.recorded_at for e in events)
        before[source] = [e for e in events if e.recorded_at <= at]
        after[source] = [e for e in events if e.recorded_at > at]
    return before, after


async def test_statistics_as_of_a_time_are_what_the_read_models_held_then(
    servers, database, make_settings, serve, auth, wait_until
) -> None:
    settings = make_settings("reporting", database, run_workers=False)
    nc = await connect(str(servers["nats_url"]), "test-publisher")
    try:
        js = nc.jetstream()
        for source, events in HISTORY.items():
            await publish(js, stream_spec(settings, source), events)
    finally:
        await nc.close()
    before, after = split(AT)
    assert all(before.values()) and after["appraisal"] and after["grid"]
    district = auth("d1", "district_admin")
    query = "/api/v1/statistics?period=2026-Q3"
    app = create_app(settings)
    async with serve(app) as client:
        runtime = app.state.runtime
        runtime.clock = Clock(AT)
        await feed(runtime.pool, before)
        then = (await client.get(query, headers=district)).json()
        runtime.clock = Clock(dt.datetime(2026, 11, 18, 9, 0, tzinfo=dt.UTC))
        await feed(runtime.pool, after)
        live = (await client.get(query, headers=district)).json()
        assert live["figures"] != then["figures"]

        async def connected() -> bool:
            return runtime.nc is not None and runtime.nc.is_connected

        await wait_until(connected, timeout=30)

        past = await client.get(query, params={"as_of": AT.isoformat()}, headers=district)
        assert past.status_code == 200, past.text
        body = past.json()
        assert body["as_of"].startswith("2026-07-06T01:01:20")
        assert body["figures"] == then["figures"]
        # The fold states the last sequence of each source it took: those recorded by then.
        taken = body["positions"]["tickets"]["grid"]["sequence"]
        assert taken == max(e.sequence for e in before["grid"] if e.type in app_projection_types(runtime, "tickets"))

        # The live read models are as they were, and no past fold is left behind.
        assert (await client.get(query, headers=district)).json()["figures"] == live["figures"]
        left = await runtime.pool.fetchval("SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'as_of_%'")
        assert left == 0

        workbook = await client.get(
            "/api/v1/statistics.xlsx", params={"period": "2026-Q3", "as_of": AT.isoformat()}, headers=district
        )
        assert workbook.status_code == 200

        # A time without a zone, or in the future, is refused with a message a user can act on.
        naive = await client.get(f"{query}&as_of=2026-07-06T01:01:20", headers=district)
        assert naive.status_code == 422 and naive.json()["code"] == "as_of_without_zone"
        future = await client.get(query, params={"as_of": "2099-01-01T00:00:00+08:00"}, headers=district)
        assert future.status_code == 422 and future.json()["code"] == "as_of_in_future"
        # The past answers the same scopes as the present: another unit's figures stay refused.
        unit_admin = auth("ua", "unit_admin", unit="u001")
        refused = await client.get(query, params={"unit": "u002", "as_of": AT.isoformat()}, headers=unit_admin)
        assert refused.status_code == 403


def app_projection_types(runtime, name: str) -> frozenset[str]:
    projection = next(p for p in runtime.projections if p.name == name)
    return projection.event_types
