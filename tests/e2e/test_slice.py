"""The first slice end to end: appraisal and reporting on real NATS and PostgreSQL.

Submit a weekly log over HTTP, see it in appraisal's read model and in reporting's; stop NATS
between a submit and the read; rebuild the reporting projection and get the same answer.
"""

from __future__ import annotations

import pytest
from nats.aio.client import Client as NATS

from appraisal.main import create_app as appraisal_app
from grassroots_common.db import create_pool
from grassroots_common.jetstream import connect
from grassroots_common.projections.projection import binding
from grassroots_common.projections.rebuild import rebuild
from grassroots_common.runtime import stream_spec
from reporting.main import create_app as reporting_app
from reporting.projections import SubmissionsProjection

pytestmark = pytest.mark.slow


async def test_log_flows_to_both_read_models_across_a_nats_restart(
    servers, database, new_database, make_settings, serve, auth, wait_until, clock, nats_server
) -> None:
    reporting_dsn = await new_database()
    a_settings = make_settings("appraisal", database)
    r_settings = make_settings("reporting", reporting_dsn)
    a_app, r_app = appraisal_app(a_settings), reporting_app(r_settings)
    staff = auth("p1", "staff", name="张三", unit="u1", section="s1")
    staff2 = auth("p2", "staff", name="李四", unit="u1", section="s1")
    district = auth("d1", "district_admin", name="组织部")

    async with serve(a_app) as appraisal, serve(r_app) as reporting:
        a_app.state.runtime.clock = clock
        body = {"week": "2026-W47", "items": [{"text": "整理党建台账", "indicators": ["qin-1"]}]}
        r = await appraisal.post("/api/v1/logs", json=body, headers=staff)
        assert r.status_code == 200, r.text
        first = r.json()
        assert first["events"] == ["LogSubmitted"] and first["version"] == 1

        r = await appraisal.get(f"/api/v1/logs?week=2026-W47&after={first['position']}", headers=staff)
        assert r.json()["total"] == 1
        assert r.json()["items"][0]["items"][0]["text"] == "整理党建台账"

        async def reported():
            r = await reporting.get("/api/v1/submissions?week=2026-W47", headers=district)
            units = r.json()["units"]
            return units if units and units[0]["submitted"] == 1 else None

        await wait_until(reported)

        # NATS goes away; the command still succeeds; the event flows once NATS is back.
        nats_server.stop()
        r = await appraisal.post("/api/v1/logs", json=body, headers=staff2)
        assert r.status_code == 200, r.text
        nats_server.start()

        async def both():
            r = await reporting.get("/api/v1/submissions?week=2026-W47", headers=district)
            units = r.json()["units"]
            return units if units and units[0]["submitted"] == 2 else None

        before = await wait_until(both, timeout=30)

        # Rebuild the reporting projection from the stream: same answer.
        pool = await create_pool(reporting_dsn)
        nc: NATS = await connect(str(servers["nats_url"]), "rebuild")
        projection = SubmissionsProjection()
        b = binding(projection, stream_spec(r_settings, "appraisal"), "reporting")
        replayed = await rebuild(pool, nc, projection, [b])
        assert replayed == 2
        await nc.close()
        await pool.close()
        r = await reporting.get("/api/v1/submissions?week=2026-W47", headers=district)
        assert r.json()["units"] == before
