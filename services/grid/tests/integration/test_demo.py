"""The demo seed: fast, idempotent, every state present, and demo users matching the data."""

from __future__ import annotations

import time

from grid.demo import DEMO_USERS, seed
from grid.demo.cast import COMMUNITY
from grid.main import create_app


async def test_demo_seed_covers_every_state_and_its_users_see_their_records(
    database, make_settings, serve, auth, wait_until, monkeypatch
) -> None:
    monkeypatch.setenv("GRID_SCHEDULER_INTERVAL_SECONDS", "3600")
    app = create_app(make_settings("grid", database))
    async with serve(app) as client:
        runtime = app.state.runtime
        started = time.perf_counter()
        await seed(runtime)
        assert time.perf_counter() - started < 20
        count = await runtime.store.count()
        await seed(runtime)
        assert await runtime.store.count() == count

        users = {u.roles[0]: u for u in DEMO_USERS}
        admin = auth(users["community_admin"].sub, "community_admin", **users["community_admin"].scopes)

        async def board():
            r = await client.get("/api/v1/boards/dispatch", headers=admin)
            counts = r.json()["counts"]
            return counts if len(counts) == 7 else None

        counts = await wait_until(board, timeout=30)
        assert set(counts) == {"dispatched", "accepted", "handled", "reported_back", "verified", "closed", "returned"}
        r = await client.get("/api/v1/communities/" + COMMUNITY + "/members?limit=1", headers=admin)
        assert r.json()["total"] == 379
        r = await client.get("/api/v1/communities/" + COMMUNITY + "/grids", headers=admin)
        assert len(r.json()) == 22

        types = {r["type"] for r in await runtime.pool.fetch("SELECT DISTINCT type FROM events")}
        for expected in ("TicketOverdue", "TicketEscalated", "TicketReopened", "TicketExtended", "WishReleased"):
            assert expected in types

        async def wishes():
            r = await client.get("/api/v1/wishes/counts", headers=admin)
            return r.json() if r.json()["total"] == 40 else None

        wish_counts = await wait_until(wishes)
        assert set(wish_counts["counts"]) == {"collected", "rejected", "open", "claimed", "fulfilled", "revisited"}

        head = users["grid_head"]
        r = await client.get("/api/v1/reports", headers=auth(head.sub, "grid_head", **head.scopes))
        assert r.json()["total"] > 0
        dept = users["department"]
        r = await client.get("/api/v1/boards/department", headers=auth(dept.sub, "department", **dept.scopes))
        assert r.status_code == 200
        r = await client.get("/api/v1/figures/departments", headers=admin)
        assert len(r.json()["departments"]) == 8
