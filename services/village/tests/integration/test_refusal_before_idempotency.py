"""A command refused by role is a 403 problem even with an Idempotency-Key, on a retry too."""

from __future__ import annotations

from village.main import create_app


async def test_a_refused_role_with_an_idempotency_key_is_a_403(database, make_settings, serve, auth) -> None:
    body = {"town_id": "610305101", "name": "陈村镇", "party_secretary_name": "王建国"}
    async with serve(create_app(make_settings("village", database))) as client:
        town = auth("v9", "town_admin", town="610305101") | {"Idempotency-Key": "k9"}
        r = await client.post("/api/v1/towns", json=body, headers=town)
        assert (r.status_code, r.headers["content-type"]) == (403, "application/problem+json")
        first = await client.post(
            "/api/v1/towns", json=body, headers=auth("v9", "district_admin") | {"Idempotency-Key": "k9"}
        )
        assert first.status_code == 201, first.text
        r = await client.post("/api/v1/towns", json=body, headers=town)
        assert (r.status_code, r.json()["code"]) == (403, "role_required")
