"""The operator API on a real service: a projection rebuilt in the background with its progress,
and a parked event retried or skipped, with the refusals an operator meets."""

from __future__ import annotations

import pytest

from grassroots_common.projections.dead_letters import park
from grid.main import create_app


@pytest.fixture
async def grid(database, make_settings, serve, clock, monkeypatch):
    monkeypatch.setenv("GRID_SCHEDULER_INTERVAL_SECONDS", "3600")
    app = create_app(make_settings("grid", database))
    async with serve(app) as client:
        app.state.runtime.clock = clock
        yield client, app.state.runtime


async def test_rebuild_with_progress_and_parked_events_retried_or_skipped(grid, auth, wait_until) -> None:
    client, runtime = grid
    operator, district = auth("o1", "operator", name="运维员"), auth("da", "district_admin", name="区网格办")
    for dep, name in (("dep_urban", "城管局"), ("dep_housing", "住建局")):
        r = await client.post("/api/v1/departments", json={"department_id": dep, "name": name}, headers=district)
        assert r.status_code == 200, r.text

    async def departments_listed() -> bool:
        return len((await client.get("/api/v1/departments", headers=district)).json()) == 2

    await wait_until(departments_listed)

    r = await client.post("/api/v1/ops/projections/grid_hierarchy/rebuild", headers=district)
    assert (r.status_code, r.json()["code"]) == (403, "operator_required")
    r = await client.post("/api/v1/ops/projections/nonsense/rebuild", headers=operator)
    assert (r.status_code, r.json()["code"]) == (404, "projection_not_found")
    r = await client.post("/api/v1/ops/projections/grid_hierarchy/rebuild", headers=operator)
    assert r.status_code == 202 and r.json()["state"] == "running" and r.json()["requested_by"] == "运维员"

    async def rebuilt() -> dict | None:
        jobs = (await client.get("/api/v1/ops/rebuilds", headers=district)).json()
        return jobs[0] if jobs and jobs[0]["state"] != "running" else None

    job = await wait_until(rebuilt)
    assert job["state"] == "done" and job["applied"] >= 2, job
    assert job["sources"][0]["source"] == "grid" and job["sources"][0]["done"] == job["sources"][0]["total"]
    assert len((await client.get("/api/v1/departments", headers=district)).json()) == 2  # the swapped-in copy
    status = (await client.get("/api/v1/ops/projections", headers=operator)).json()
    assert next(p for p in status["projections"] if p["name"] == "grid_hierarchy")["rebuilt_at"] is not None

    # Two events park (as a failing handler would leave them); one is retried, one skipped.
    projection = next(p for p in runtime.projections if p.name == "grid_hierarchy")
    (stream_id,) = {r["stream_id"] for r in await runtime.pool.fetch("SELECT stream_id FROM events WHERE type = 'DepartmentRegistered'")}  # fmt: skip
    for event in await runtime.store.load(stream_id):
        if event.type == "DepartmentRegistered":
            await park(runtime.pool, projection, "grid", event, "simulated: handler failed", 3)
    parked = (await client.get("/api/v1/ops/dead-letters", headers=operator)).json()["items"]
    first, second = sorted(p["id"] for p in parked)
    r = await client.post(f"/api/v1/ops/dead-letters/{first}/retry", headers=district)
    assert (r.status_code, r.json()["code"]) == (403, "operator_required")
    r = await client.post(f"/api/v1/ops/dead-letters/{first}/retry", headers=operator)
    assert r.status_code == 200 and r.json()["state"] == "retried", r.text
    r = await client.post(f"/api/v1/ops/dead-letters/{first}/skip", headers=operator)
    assert (r.status_code, r.json()["code"]) == (409, "not_parked") and "已重试" in r.json()["detail"]
    r = await client.post(f"/api/v1/ops/dead-letters/{second}/skip", headers=operator)
    assert r.status_code == 200 and r.json()["state"] == "skipped"
    r = await client.post("/api/v1/ops/dead-letters/999999/retry", headers=operator)
    assert (r.status_code, r.json()["code"]) == (404, "parked_not_found")
    assert (await client.get("/api/v1/ops/dead-letters", headers=operator)).json()["total"] == 0
    retried = (await client.get("/api/v1/ops/dead-letters?state=retried", headers=operator)).json()["items"]
    assert [p["id"] for p in retried] == [first]
    assert len((await client.get("/api/v1/departments", headers=district)).json()) == 2  # retried: applied again
