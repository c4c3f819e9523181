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

        # Every reviewer of the quarter under review is a demo user: it can be finished in the app.
        boss = next(u for u in DEMO_USERS if "principal_leader" in u.roles and u.scopes["unit"] == "u_zzb")
        headers = auth(boss.sub, *boss.roles, **boss.scopes)
        r = await client.get("/api/v1/units/u_zzb/quarters?status=open", headers=headers)
        quarter = r.json()["items"][0]["quarter"]
        r = await client.get(f"/api/v1/units/u_zzb/quarters/{quarter}/board?limit=200", headers=headers)
        board = r.json()["items"]
        reviewers = {
            p[f"{level}_id"] for p in board for level in ("section_chief", "deputy_leader", "principal_leader")
        }
        assert reviewers - {None} <= {u.sub for u in DEMO_USERS}
        assert any(p["next_level"] == "section_chief" for p in board)
        # The open appeal in the human resources bureau has its principal among the demo users.
        rsj_boss = next(u for u in DEMO_USERS if "principal_leader" in u.roles and u.scopes["unit"] == "u_rsj")
        r = await client.get("/api/v1/me/appeals", headers=auth(rsj_boss.sub, *rsj_boss.roles, **rsj_boss.scopes))
        assert r.json()["total"] >= 1
