"""Twins over HTTP: a report finds the open or lately closed reports of its category within 50 m
in its community, a second grid member joins one, the dispatcher merges a duplicate, and every
reporter sees the report (and its ticket) with the co-reporters by name.

The tests share one app, each on its own clock and in a community of its own (``Place``)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import pytest

HERE = (34.5213, 107.3926)
NEAR = (34.5215, 107.3928)  # ≈ 29 m away
FAR = (34.5213, 107.3936)  # ≈ 92 m away
PLACES = itertools.count(1)


@pytest.fixture(scope="module")
async def routing(shared_grid, auth) -> None:
    """城管, and the two categories routed to it (the district's, shared by the module's places)."""
    client, _ = shared_grid
    district = auth("da", "district_admin", name="区网格办")
    r = await client.post(
        "/api/v1/departments", json={"department_id": "dep_urban", "name": "城管局"}, headers=district
    )
    assert r.status_code == 200, r.text
    for category, name in (("sanitation", "环境卫生"), ("roads", "道路设施")):
        r = await client.put(
            f"/api/v1/routing-rules/{category}",
            json={"category_name": name, "default_department_id": "dep_urban"},
            headers=district,
        )
        assert r.status_code == 200, r.text


@dataclass(frozen=True)
class Place:
    """A community (凤鸣社区) with two grids; a community it is not."""

    community: str
    grids: tuple[str, str]
    other_community: str

    def people(self, auth) -> dict[str, dict[str, str]]:
        first, second = (
            {"community": self.community, "grid": self.grids[0]},
            {"community": self.community, "grid": self.grids[1]},
        )
        return {
            "first": auth("gm1", "grid_member", name="李网格", **first),
            "second": auth("gm2", "grid_member", name="王网格", **second),
            "third": auth("gm3", "grid_member", name="赵网格", **second),
            "admin": auth("ca", "community_admin", name="调度员", community=self.community),
            "other_admin": auth("cb", "community_admin", name="外社区", community=self.other_community),
        }


@pytest.fixture
async def place(grid, routing, auth) -> Place:
    n = next(PLACES)
    place = Place(community=f"com_fm{n}", grids=(f"grd_{n}_01", f"grd_{n}_02"), other_community=f"com_other{n}")
    r = await grid.post(
        "/api/v1/communities",
        json={"community_id": place.community, "name": "凤鸣社区", "street": "城关街道", "district": "凤翔区"},
        headers=auth("da", "district_admin", name="区网格办"),
    )
    assert r.status_code == 200, r.text
    admin = place.people(auth)["admin"]
    for grid_id in place.grids:
        r = await grid.post(
            f"/api/v1/communities/{place.community}/grids",
            json={"grid_id": grid_id, "name": f"网格{grid_id}"},
            headers=admin,
        )
        assert r.status_code == 200, r.text
    return place


positions: list[str] = []
DISPATCH = {"category": "sanitation", "kind": "help_request", "title": "东大街垃圾", "text": "东大街垃圾堆积"}


async def file(client, who, at=HERE, category="sanitation", text="东大街 12 号垃圾堆积") -> str:
    body = {"category": category, "text": text, "address": "东大街 12 号", "latitude": at[0], "longitude": at[1]}
    r = await client.post("/api/v1/reports", json=body, headers=who)
    assert r.status_code == 200, r.text
    positions.append(r.json()["position"])
    return r.json()["data"]["report_id"]


async def twins(client, who, at=NEAR, category="sanitation", **params):
    return await client.get(
        "/api/v1/reports/twins",
        params={"category": category, "latitude": at[0], "longitude": at[1], **params},
        headers=who,
    )


async def found(client, who, **kw) -> list[dict]:
    r = await twins(client, who, **kw)
    assert r.status_code == 200, r.text
    return r.json()


async def joined_report(client, who) -> tuple[str, str]:
    """李网格's report, joined by 王网格 of another grid: (its id, the join's position)."""
    kept = await file(client, who["first"])
    r = await client.post(f"/api/v1/reports/{kept}/co-reporters", json={"note": "又看到了"}, headers=who["second"])
    assert r.status_code == 200, r.text
    assert r.json()["events"] == ["ReportJoined"]
    return kept, r.json()["position"]


async def merged_duplicate(client, who) -> tuple[str, str, str]:
    """That report, and a duplicate of it filed by 赵网格 and merged into it by the dispatcher:
    (kept, duplicate, the merge's position)."""
    kept, _ = await joined_report(client, who)
    duplicate = await file(client, who["third"], at=NEAR, text="东大街垃圾没人清")
    r = await client.post(f"/api/v1/reports/{duplicate}/merge", json={"into": kept}, headers=who["admin"])
    assert r.status_code == 200, r.text
    assert r.json()["events"] == ["ReportJoined"] and r.json()["stream_id"] == kept
    return kept, duplicate, r.json()["position"]


async def test_a_near_report_of_the_same_category_is_a_twin_another_grids_member_joins_and_then_reads(
    grid, auth, place
) -> None:
    """A grid member reports; a member of another grid, about to report the same, finds it as a
    twin and joins it; then lists and reads it, with the co-reporters by name."""
    client = grid
    who = place.people(auth)
    first, second = who["first"], who["second"]

    kept = await file(client, first)
    [twin] = await found(client, second, after=positions[-1])
    assert (twin["report_id"], twin["state"], twin["ticket_state"], twin["joined"]) == (kept, "filed", None, False)
    assert 20 <= twin["distance_m"] <= 40
    assert twin["title"] == "东大街 12 号垃圾堆积" and twin["reporter_name"] == "李网格"
    assert (await found(client, first))[0]["joined"] is True

    r = await client.post(f"/api/v1/reports/{kept}/co-reporters", json={"note": "又看到了"}, headers=second)
    assert r.status_code == 200, r.text
    assert r.json()["events"] == ["ReportJoined"]
    joined_at = r.json()["position"]
    r = await client.get(f"/api/v1/reports?after={joined_at}", headers=second)
    assert [i["report_id"] for i in r.json()["items"]] == [kept]
    r = await client.get(f"/api/v1/reports/{kept}", headers=second)
    assert r.status_code == 200
    assert [(c["person_name"], c["via"], c["note"]) for c in r.json()["co_reporters"]] == [
        ("王网格", "join", "又看到了")
    ]


async def test_a_merged_duplicates_reporter_becomes_a_co_reporter_of_the_report_it_is_merged_into(
    grid, auth, place
) -> None:
    client = grid
    who = place.people(auth)
    kept, duplicate, merged_at = await merged_duplicate(client, who)
    third = who["third"]
    r = await client.get(f"/api/v1/reports/{kept}?after={merged_at}", headers=third)
    assert [(c["person_name"], c["via"]) for c in r.json()["co_reporters"]] == [("王网格", "join"), ("赵网格", "merge")]
    r = await client.get(f"/api/v1/reports/{duplicate}", headers=third)
    assert (r.json()["state"], r.json()["merged_into"]) == ("merged", kept)
    assert [t["report_id"] for t in await found(client, who["second"])] == [kept]


async def test_the_ticket_of_a_report_is_read_by_its_co_reporters_of_another_grid_with_every_reporters_name(
    grid, auth, place
) -> None:
    client = grid
    who = place.people(auth)
    kept, _, _ = await merged_duplicate(client, who)
    second = who["second"]
    r = await client.post(f"/api/v1/reports/{kept}/escalation", json={"reason": "需城管处理"}, headers=who["first"])
    assert r.status_code == 200, r.text
    r = await client.post("/api/v1/tickets", json={**DISPATCH, "report_id": kept}, headers=who["admin"])
    assert r.status_code == 200, r.text
    ticket_id = r.json()["data"]["ticket_id"]
    r = await client.get(f"/api/v1/tickets/{ticket_id}?after={r.json()['position']}", headers=second)
    assert r.status_code == 200, r.text
    assert r.json()["report_reporter_name"] == "李网格"
    assert [c["person_name"] for c in r.json()["report_co_reporters"]] == ["王网格", "赵网格"]
    [twin] = await found(client, second)
    assert (twin["title"], twin["ticket_state"], twin["joined"], twin["co_reporters"]) == (
        "东大街垃圾",
        "dispatched",
        True,
        2,
    )


async def test_twins_are_near_reports_of_the_same_category_in_ones_community_for_grid_roles_only(
    grid, auth, place
) -> None:
    client = grid
    who = place.people(auth)
    second = who["second"]
    await file(client, who["first"])
    assert len(await found(client, second, after=positions[-1])) == 1
    assert await found(client, second, at=FAR) == []
    assert await found(client, second, category="roads") == []
    assert await found(client, who["other_admin"]) == []
    department = auth("dh", "department", name="城管承办人", department="dep_urban")
    unscoped = auth("gx", "grid_member", name="无社区")
    for refused, code in ((department, "role_required"), (unscoped, "community_scope_missing")):
        r = await twins(client, refused)
        assert (r.status_code, r.json()["code"]) == (403, code)
    r = await client.get(
        "/api/v1/reports/twins", params={"category": "sanitation", "latitude": 91, "longitude": 1}, headers=second
    )
    assert r.status_code == 422


async def test_a_report_is_joined_once_by_another_grid_member_of_its_community(grid, auth, place) -> None:
    """Once per person; not by the reporter, a dispatcher or someone outside the community; with a
    note only. Until one joins, a report of another grid stays hidden."""
    client = grid
    who = place.people(auth)
    kept, _ = await joined_report(client, who)
    r = await client.post(f"/api/v1/reports/{kept}/co-reporters", json={}, headers=who["second"])
    assert (r.status_code, r.json()["code"]) == (409, "already_joined")
    assert r.headers["content-type"].startswith("application/problem+json")
    r = await client.post(f"/api/v1/reports/{kept}/co-reporters", json={}, headers=who["first"])
    assert (r.status_code, r.json()["code"]) == (409, "own_report")
    r = await client.post(f"/api/v1/reports/{kept}/co-reporters", json={}, headers=who["admin"])
    assert r.status_code == 403
    r = await client.post(
        f"/api/v1/reports/{kept}/co-reporters",
        json={},
        headers=auth("gz", "grid_member", name="外网格", community=place.other_community, grid="grd_x"),
    )
    assert (r.status_code, r.json()["code"]) == (404, "report_not_found")
    r = await client.post(f"/api/v1/reports/{kept}/co-reporters", json={"stray": 1}, headers=who["third"])
    assert r.status_code == 422
    assert (await client.get(f"/api/v1/reports/{kept}", headers=who["third"])).status_code == 404


async def test_a_report_is_merged_by_its_communitys_dispatcher_into_another_of_its_category_without_a_ticket(
    grid, auth, place
) -> None:
    client = grid
    who = place.people(auth)
    admin, third = who["admin"], who["third"]
    kept = await file(client, who["first"])
    duplicate = await file(client, third, at=NEAR, text="东大街垃圾没人清")
    other_category = await file(client, third, at=NEAR, category="roads", text="东大街路面塌陷")
    r = await client.get(f"/api/v1/reports?after={positions[-1]}", headers=admin)
    assert r.json()["total"] == 3
    r = await client.post(f"/api/v1/reports/{duplicate}/merge", json={"into": duplicate}, headers=admin)
    assert (r.status_code, r.json()["code"]) == (422, "merge_into_itself")
    r = await client.post(f"/api/v1/reports/{other_category}/merge", json={"into": kept}, headers=admin)
    assert (r.status_code, r.json()["code"]) == (409, "category_mismatch")
    r = await client.post(f"/api/v1/reports/{duplicate}/merge", json={"into": kept}, headers=third)
    assert r.status_code == 403
    r = await client.post(f"/api/v1/reports/{duplicate}/merge", json={"into": kept}, headers=who["other_admin"])
    assert (r.status_code, r.json()["code"]) == (403, "not_your_community")
    r = await client.post(f"/api/v1/reports/{duplicate}/merge", json={"into": "rpt_missing"}, headers=admin)
    assert r.status_code == 404
    # A duplicate that already has a ticket is not merged (its ticket is closed on its own).
    r = await client.post(f"/api/v1/reports/{duplicate}/escalation", json={"reason": "需城管处理"}, headers=third)
    assert r.status_code == 200
    r = await client.post("/api/v1/tickets", json={**DISPATCH, "report_id": duplicate}, headers=admin)
    assert r.status_code == 200, r.text
    r = await client.post(f"/api/v1/reports/{duplicate}/merge", json={"into": kept}, headers=admin)
    assert (r.status_code, r.json()["code"]) == (409, "duplicate_has_ticket")


async def test_a_merged_report_merges_again_into_nothing_new_and_takes_no_further_steps(grid, auth, place) -> None:
    client = grid
    who = place.people(auth)
    kept, duplicate, _ = await merged_duplicate(client, who)
    other_category = await file(client, who["third"], at=NEAR, category="roads", text="东大街路面塌陷")
    admin = who["admin"]
    r = await client.post(f"/api/v1/reports/{duplicate}/merge", json={"into": kept}, headers=admin)
    assert r.status_code == 200 and r.json()["events"] == []
    r = await client.post(f"/api/v1/reports/{duplicate}/merge", json={"into": other_category}, headers=admin)
    assert (r.status_code, r.json()["code"]) == (409, "report_already_merged")
    r = await client.post(f"/api/v1/reports/{other_category}/merge", json={"into": duplicate}, headers=admin)
    assert (r.status_code, r.json()["code"]) == (409, "target_merged")
    r = await client.post(f"/api/v1/reports/{duplicate}/escalation", json={"reason": "需处理"}, headers=who["third"])
    assert (r.status_code, r.json()["code"]) == (409, "report_merged")


async def test_a_report_closed_over_seven_days_ago_is_no_twin(grid, auth, clock, place) -> None:
    client = grid
    who = place.people(auth)
    first, second = who["first"], who["second"]
    report = await file(client, first)
    r = await client.post(f"/api/v1/reports/{report}/resolution", json={"resolution": "已清运现场"}, headers=first)
    assert r.status_code == 200, r.text
    after = r.json()["position"]
    clock.advance(days=6)
    r = await twins(client, second, after=after)
    assert [(t["report_id"], t["state"]) for t in r.json()] == [(report, "resolved")]
    clock.advance(days=2)
    r = await twins(client, second)
    assert r.json() == []
    r = await client.post(f"/api/v1/reports/{report}/co-reporters", json={}, headers=second)
    assert (r.status_code, r.json()["code"]) == (409, "report_closed_long_ago")
