"""The policy and the texts offices paste: what could break a stream is refused at the door (422
naming the field, in Chinese), and the policy keeps answering."""

from __future__ import annotations

import pytest

from village.main import create_app

TOWN = "610305108"


@pytest.fixture
async def village_app(database, make_settings, serve, clock):
    app = create_app(make_settings("village", database))
    async with serve(app) as client:
        app.state.runtime.clock = clock
        yield client


async def test_policy_values_are_bounded_and_a_zero_subsidy_or_bonus_is_refused(village_app, auth, wait_until) -> None:
    client, district = village_app, auth("d1", "district_admin", name="组织部")
    policy = (await client.get("/api/v1/policy", headers=district)).json()
    body = {k: v for k, v in policy.items() if k != "positions"}
    for field, value, where in (
        ("subsidy_one_shoulder_fen", 2**70, "subsidy_one_shoulder_fen"),
        ("subsidy_one_shoulder_fen", 2**63, "subsidy_one_shoulder_fen"),
        ("subsidy_other_fen", 0, "subsidy_other_fen"),
        ("bonus_tiers", [{"threshold_fen": 5_000_000, "bonus_fen": 0}], "bonus_tiers.0.bonus_fen"),
        ("bonus_tiers", [{"threshold_fen": 2**64, "bonus_fen": 1}], "bonus_tiers.0.threshold_fen"),
        ("checklist", [{"aspect_id": "a", "name": "组织", "max_score": 2**65}], "checklist.0.max_score"),
        ("pairing_funds_fen", -1, "pairing_funds_fen"),
    ):
        r = await client.put("/api/v1/policy", json=body | {field: value}, headers=district)
        assert r.status_code == 422, (field, value, r.text)
        assert r.headers["content-type"] == "application/problem+json"
        assert r.json()["errors"][0]["field"] == where
        assert "不能" in r.json()["detail"] or "必须" in r.json()["detail"], r.text
    assert (await client.get("/api/v1/policy", headers=district)).status_code == 200
    r = await client.put("/api/v1/policy", json=body | {"subsidy_other_fen": 250_000}, headers=district)
    assert r.status_code == 200, r.text

    async def changed() -> bool:
        return (await client.get("/api/v1/policy", headers=district)).json()["subsidy_other_fen"] == 250_000

    await wait_until(changed)


async def test_pasted_text_is_normalized_and_control_characters_refused(village_app, auth) -> None:
    client, district = village_app, auth("d1", "district_admin", name="组织部")
    body = {"town_id": TOWN, "name": "陈村镇", "party_secretary_name": "王建国"}
    for name, char in (("陈村\x01镇", "U+0001"), ("陈村\x00镇", "U+0000"), ("陈村\x85镇", "U+0085")):
        r = await client.post("/api/v1/towns", json=body | {"name": name}, headers=district)
        assert (r.status_code, r.json()["errors"][0]["field"]) == (422, "name"), r.text
        assert char in r.json()["detail"] and "控制字符" in r.json()["detail"]
    r = await client.post("/api/v1/towns", json=body | {"town_id": "61030510\x00"}, headers=district)
    assert (r.status_code, r.json()["errors"][0]["field"]) == (422, "town_id")
    r = await client.post("/api/v1/towns", json=body | {"party_secretary_name": "王\x0b建国"}, headers=district)
    assert r.status_code == 201, r.text
    towns = (await client.get(f"/api/v1/towns?after={r.json()['position']}", headers=district)).json()["items"]
    assert [t["party_secretary_name"] for t in towns if t["town_id"] == TOWN] == ["王\n建国"]
