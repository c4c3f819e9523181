"""A command refused by role is a 403 problem even with an Idempotency-Key, on a retry too."""

from __future__ import annotations

from grid.main import create_app


async def test_a_refused_role_with_an_idempotency_key_is_a_403(database, make_settings, serve, auth) -> None:
    body = {"department_id": "dep_water", "name": "水务局"}
    async with serve(create_app(make_settings("grid", database))) as client:
        member = auth("x9", "grid_member") | {"Idempotency-Key": "k9"}
        r = await client.post("/api/v1/departments", json=body, headers=member)
        assert (r.status_code, r.headers["content-type"]) == (403, "application/problem+json")
        first = await client.post(
            "/api/v1/departments", json=body, headers=auth("x9", "district_admin") | {"Idempotency-Key": "k9"}
        )
        assert first.status_code == 200, first.text
        r = await client.post("/api/v1/departments", json=body, headers=member)
        assert r.status_code == 403
