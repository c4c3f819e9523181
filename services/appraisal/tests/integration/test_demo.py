"""The demo seed: fast, idempotent, and what the demo users see is there."""

from __future__ import annotations

from appraisal.demo import DEMO_USERS, seed
from appraisal.main import create_app


async def test_demo_seed_fills_every_read_model_once(database, make_settings, serve, auth, wait_until) -> None:
    app = create_app(make_settings("appraisal", database))
    async with serve(app) as client:
        runtime = app.state.runtime
        await seed(runtime)
        count = await runtime.store.count()
        await seed(runtime)
        assert await runtime.store.count() == count

        chief = next(u for u in DEMO_USERS if "section_chief" in u.roles)
        staff = next(u for u in DEMO_USERS if "staff" in u.roles)
        district = next(u for u in DEMO_USERS if "district_admin" in u.roles)
        head = await runtime.store.head()

        async def queue_filled():
            r = await client.get(
                f"/api/v1/me/queue?after={head}", headers=auth(chief.sub, *chief.roles, **chief.scopes)
            )
            return r.json() if r.json()["total"] > 0 else None

        queue = await wait_until(queue_filled, timeout=60)
        assert queue["items"][0]["level"] == "section_chief"
        r = await client.get("/api/v1/units", headers=auth(district.sub, *district.roles))
        assert r.json()["total"] == 4
        r = await client.get("/api/v1/me/quarters", headers=auth(staff.sub, *staff.roles, **staff.scopes))
        assert r.json()["total"] >= 1
        admin = next(u for u in DEMO_USERS if "unit_admin" in u.roles)
        r = await client.get(
            f"/api/v1/units/{admin.scopes['unit']}/quarters", headers=auth(admin.sub, *admin.roles, **admin.scopes)
        )
        assert {q["status"] for q in r.json()["items"]} >= {"finalized"}
        r = await client.get(
            "/api/v1/units/u_rsj/quarters/2026-Q3/appeals", headers=auth(district.sub, *district.roles)
        )
        assert r.status_code == 200
