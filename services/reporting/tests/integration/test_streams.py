"""Through JetStream: the other services' streams feed every reporting projection live; the demo
seed issues the first notices and bulletin once they have caught up; a rebuild gives the same
answer."""

from __future__ import annotations

from grassroots_cli.bench_histories import publish
from grassroots_common.jetstream import connect
from grassroots_common.projections.rebuild import rebuild
from grassroots_common.runtime import stream_spec
from reporting.figures import rate
from reporting.main import create_app
from reporting.projections import AppraisalProjection, TicketsProjection, VillagesProjection

from .conftest import HISTORY


async def test_streams_feed_the_read_models_and_the_demo_documents(
    servers, database, make_settings, serve, auth, wait_until, clock
) -> None:
    settings = make_settings("reporting", database, seed_demo=True)
    nc = await connect(str(servers["nats_url"]), "test-publisher")
    js = nc.jetstream()
    for source, events in HISTORY.items():
        await publish(js, stream_spec(settings, source), events)
    district = auth("d1", "district_admin")
    app = create_app(settings)
    async with serve(app) as client:
        app.state.runtime.clock = clock

        def last(source: str, projection) -> int:
            return max(e.sequence for e in HISTORY[source] if projection.handles(e.type))

        async def caught_up():
            r = await client.get("/api/v1/statistics?period=2026-Q3", headers=district)
            at = r.json()["positions"]
            done = (
                at.get("appraisal", {}).get("appraisal", {}).get("sequence") == last("appraisal", AppraisalProjection())
                and at.get("tickets", {}).get("grid", {}).get("sequence") == last("grid", TicketsProjection())
                and at.get("villages", {}).get("village", {}).get("sequence") == last("village", VillagesProjection())
            )
            return r.json() if done else None

        stats = await wait_until(caught_up, timeout=30)
        tickets = next(f for f in stats["figures"] if f["key"] == "ticket_departments")
        assert sum(d["dispatched"] for d in tickets["rows"]) == 30
        # A revisit answering partly solved or not solved counts against the satisfaction rate.
        answers: dict[str, list[str]] = {}
        for e in HISTORY["grid"]:
            if e.type == "SatisfactionRecorded":
                answers.setdefault(e.data["department_id"], []).append(e.data["satisfaction"])
        assert any("partly" in a for a in answers.values())
        for row in tickets["rows"]:
            given = answers.get(row["department_id"], [])
            for key, answer in (
                ("satisfaction_rate", "satisfied"),
                ("partly_rate", "partly"),
                ("unsolved_rate", "unsatisfied"),
            ):
                assert row[key] == rate(given.count(answer), len(given)), (row, key)

        async def documents():
            n = (await client.get("/api/v1/notices", headers=district)).json()
            b = (await client.get("/api/v1/bulletins", headers=district)).json()
            return (n, b) if b["total"] == 1 else None

        # The seed issues the notices of the periods of the latest data, and a first bulletin.
        notices, bulletins = await wait_until(documents, timeout=30)
        periods = {(n["kind"], n["period"]) for n in notices["items"]}
        latest = max(e.data["submitted_at"] for e in HISTORY["appraisal"] if e.type == "LogSubmitted")
        assert {("monthly", latest[:7]), ("quarterly", "2026-Q3")} <= periods
        assert sorted(n["number"] for n in notices["items"]) == list(range(1, notices["total"] + 1))
        assert bulletins["items"][0]["issue_label"].endswith("第1期")

        runtime = app.state.runtime
        projection = TicketsProjection()
        replayed = await rebuild(runtime.pool, nc, projection, runtime.bindings(projection))
        assert replayed == len(HISTORY["grid"])
        again = await client.get("/api/v1/statistics?period=2026-Q3", headers=district)
        assert next(f for f in again.json()["figures"] if f["key"] == "ticket_departments") == tickets
    await nc.close()
