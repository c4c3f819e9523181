"""A command refused by role is a 403 problem even with an Idempotency-Key, on a retry too."""

from __future__ import annotations

from appraisal.main import create_app


async def test_a_refused_role_with_an_idempotency_key_is_a_403(database, make_settings, serve, auth) -> None:
    body = {"unit_id": "u9", "unit_name": "凤翔区人社局"}
    async with serve(create_app(make_settings("appraisal", database))) as client:
        r = await client.post("/api/v1/units", json=body, headers=auth("d9", "staff") | {"Idempotency-Key": "k9"})
        assert (r.status_code, r.headers["content-type"]) == (403, "application/problem+json")
        first = await client.post(
            "/api/v1/units", json=body, headers=auth("d9", "district_admin") | {"Idempotency-Key": "k9"}
        )
        assert first.status_code == 200, first.text
        r = await client.post("/api/v1/units", json=body, headers=auth("d9", "staff") | {"Idempotency-Key": "k9"})
        assert (r.status_code, r.json()["code"]) == (403, "role_required")
