import datetime as dt
import json
import os

from grassroots_common.workdays import CHINA
from village.demo import DEMO_USERS, town_code
from village.main import create_app


async def test_dump(database, make_settings, serve, auth, wait_until) -> None:
    app = create_app(make_settings("village", database, seed_demo=True))
    year = dt.datetime.now(CHINA).year
    district = auth("da_zzb", "district_admin", name="赵敏")
    out = os.environ["SHAPE_OUT"]
    async with serve(app) as client:
        async def complete():
            r = await client.get(f"/api/v1/dashboards/district?year={year}", headers=district)
            b = r.json()
            ok = b["totals"]["villages"] == 160 and b["inspection"] and b["inspection"]["inspected"] == 160 and b["rectification"]["designated"] == 5 and b["pairing"]["units"] == 40
            return b if ok else None
        await wait_until(complete, timeout=30)
        sec = next(u for u in DEMO_USERS if "village_secretary" in u.roles)
        urls = [
            f"/api/v1/dashboards/district?year={year}",
            f"/api/v1/dashboards/towns/{town_code(7)}?year={year}",
            f"/api/v1/dashboards/towns/{town_code(3)}?year={year - 1}",
            f"/api/v1/villages/{sec.scopes['village']}",
            "/api/v1/villages/610305104201",
            "/api/v1/projects?limit=200",
            f"/api/v1/projects/prj_{sec.scopes['village']}_{year}",
            f"/api/v1/villages?limit=200",
            f"/api/v1/towns",
        ]
        # villages with weakness case, findings
        rows = await app.state.runtime.pool.fetch("SELECT village_id FROM rm_village_weakness.cases WHERE stage <> 'screened' LIMIT 2")
        urls += [f"/api/v1/villages/{r['village_id']}" for r in rows]
        rows = await app.state.runtime.pool.fetch("SELECT village_id FROM rm_village_inspections.findings LIMIT 2")
        urls += [f"/api/v1/villages/{r['village_id']}" for r in rows]
        rows = await app.state.runtime.pool.fetch("SELECT project_id FROM rm_village_projects.investments LIMIT 2")
        urls += [f"/api/v1/projects/{r['project_id']}" for r in rows]
        rows = await app.state.runtime.pool.fetch("SELECT project_id FROM rm_village_projects.project_incomes LIMIT 2")
        urls += [f"/api/v1/projects/{r['project_id']}" for r in rows]
        result = {}
        for u in urls:
            r = await client.get(u, headers=district)
            assert r.status_code == 200, (u, r.text)
            result[u] = r.json()
        openapi = (await client.get("/openapi.json")).json()
        json.dump({"responses": result, "openapi": openapi}, open(out, "w"), ensure_ascii=False, indent=1, sort_keys=True)
