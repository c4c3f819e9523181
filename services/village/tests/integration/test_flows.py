"""Commands over HTTP against real PostgreSQL and NATS: the rules a user meets, and the read models.

One journey walks the service's main job (a town and its villages, cadres, money and a project);
each other test builds only the state its behaviour needs."""

from __future__ import annotations

import datetime as dt

import pytest

from village.main import create_app

TOWN, VILLAGE, OTHER = "610305107", "610305107201", "610305107202"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
NAMES = {VILLAGE: "紫荆村", OTHER: "梁村"}
CADRES = [("李红梅", "secretary", True), ("赵强", "committee_member", False), ("孙丽", "reserve", False)]
PROJECT = {"village_id": VILLAGE, "name": "优质小麦规模种植", "supervisor_level": "town", "supervisor_name": "王建国",
           "model": "branch_led", "budget_fen": 50_000_000, "starts_on": "2026-03-01", "due_on": "2026-12-31"}  # fmt: skip
FUND = {"source": "fiscal", "funder": "区财政局", "amount_fen": 20_000_000, "received_on": "2026-04-01"}
FUND2 = {**FUND, "source": "enterprise", "funder": "合作企业", "amount_fen": 5_000_000}
MILESTONE = {"title": "完成土地流转", "progress_pct": 60}


@pytest.fixture
async def village_app(database, make_settings, serve, clock):
    app = create_app(make_settings("village", database))
    async with serve(app) as client:
        app.state.runtime.clock = clock
        yield client


def people(auth) -> dict[str, dict[str, str]]:
    return {
        "district": auth("d1", "district_admin", name="组织部"),
        "town": auth("t1", "town_admin", name="王建国", town=TOWN),
        "secretary": auth("s1", "village_secretary", name="李红梅", town=TOWN, village=VILLAGE),
        "stranger": auth("s2", "village_secretary", name="张三", town=TOWN, village=OTHER),
    }


def village_body(village_id: str) -> dict:
    name = NAMES[village_id]
    return {"town_id": TOWN, "village_id": village_id, "name": name, "party_org_name": f"中共{name}支部委员会",
            "party_members": 40, "households": 400, "population": 1500}  # fmt: skip


async def town_with_villages(client, auth, *village_ids: str) -> str:
    """陈村镇, created by the district, and the villages its town admin registers: the last position."""
    who = people(auth)
    r = await client.post(
        "/api/v1/towns",
        json={"town_id": TOWN, "name": "陈村镇", "party_secretary_name": "王建国"},
        headers=who["district"],
    )
    assert r.status_code == 201, r.text
    for vid in village_ids:
        r = await client.post("/api/v1/villages", json=village_body(vid), headers=who["town"])
        assert r.status_code == 201, r.text
    return r.json()["position"]


async def appoint_cadres(client, auth) -> None:
    """紫荆村's cadres: a one-shoulder secretary (书记兼主任), a committee member and a reserve."""
    for name, position, one_shoulder in CADRES:
        body = {"name": name, "position": position, "one_shoulder": one_shoulder, "appointed_on": "2026-01-05"}
        r = await client.post(f"/api/v1/villages/{VILLAGE}/cadres", json=body, headers=people(auth)["town"])
        assert r.status_code == 201, r.text


async def evidence(client, who) -> list[str]:
    upload = await client.post("/api/v1/uploads", files={"file": ("a.png", PNG, "image/png")}, headers=who)
    assert upload.status_code == 201, upload.text
    return [upload.json()["upload_id"]]


async def funded_project(client, auth) -> tuple[str, str]:
    """紫荆村's project, funded 200,000 元 by the district's finance and 50,000 元 by an enterprise:
    (project_id, position)."""
    await town_with_villages(client, auth, VILLAGE)
    who = people(auth)
    r = await client.post("/api/v1/projects", json=PROJECT, headers=who["secretary"])
    assert r.status_code == 201, r.text
    project_id = r.json()["data"]["project_id"]
    r = await client.post(f"/api/v1/projects/{project_id}/fundings", json=FUND, headers=who["secretary"])
    assert r.status_code == 201, r.text
    r = await client.post(f"/api/v1/projects/{project_id}/fundings", json=FUND2, headers=who["town"])
    assert r.json()["data"]["funded_fen"] == 25_000_000
    return project_id, r.json()["position"]


async def set_back_project(client, auth) -> tuple[str, dt.datetime, str]:
    """That project at 60 %, then set back to 40 % by a storm: (project_id, when it stood at 60 %,
    position)."""
    project_id, _ = await funded_project(client, auth)
    secretary = people(auth)["secretary"]
    m = {**MILESTONE, "evidence_upload_ids": await evidence(client, secretary)}
    r = await client.post(f"/api/v1/projects/{project_id}/milestones", json=m, headers=secretary)
    assert r.status_code == 201, r.text
    at_sixty = dt.datetime.now(dt.UTC)
    r = await client.post(
        f"/api/v1/projects/{project_id}/milestones",
        json={**m, "progress_pct": 40, "reason": "暴雨冲毁部分大棚"},
        headers=secretary,
    )
    assert r.status_code == 201
    return project_id, at_sixty, r.json()["position"]


async def test_journey_village_cadres_money_and_projects(village_app, auth) -> None:
    """The district creates a town; its town admin registers the villages and appoints a village's
    cadres; the month's subsidies are issued; the village's income earns its secretary a bonus; the
    secretary registers a project, which is funded and progresses; the village's file shows it all."""
    client = village_app
    who = people(auth)
    district, town, secretary = who["district"], who["town"], who["secretary"]

    r = await client.post(
        "/api/v1/towns", json={"town_id": TOWN, "name": "陈村镇", "party_secretary_name": "王建国"}, headers=district
    )
    assert r.status_code == 201, r.text
    for vid in (VILLAGE, OTHER):
        r = await client.post("/api/v1/villages", json=village_body(vid), headers=town)
        assert r.status_code == 201, r.text
    for name, position, one_shoulder in CADRES:
        body = {"name": name, "position": position, "one_shoulder": one_shoulder, "appointed_on": "2026-01-05"}
        r = await client.post(f"/api/v1/villages/{VILLAGE}/cadres", json=body, headers=town)
        assert r.status_code == 201, r.text

    r = await client.post("/api/v1/subsidies", json={"month": "2026-10", "town_id": TOWN}, headers=town)
    run = r.json()
    assert run["total_fen"] == 300_000 + 230_000
    assert [s["code"] for s in run["skipped"]] == ["roster_empty"]  # 梁村 has no cadres yet
    r = await client.post(
        f"/api/v1/villages/{VILLAGE}/income", json={"year": 2025, "income_fen": 12_000_000}, headers=secretary
    )
    assert r.status_code == 200, r.text
    r = await client.post(f"/api/v1/villages/{VILLAGE}/bonus", json={"year": 2025}, headers=town)
    assert r.json()["data"]["bonus_fen"] == 1_000_000

    r = await client.post("/api/v1/projects", json=PROJECT, headers=secretary)
    assert r.status_code == 201, r.text
    project_id = r.json()["data"]["project_id"]
    r = await client.post(f"/api/v1/projects/{project_id}/fundings", json=FUND, headers=secretary)
    assert r.status_code == 201, r.text
    r = await client.post(f"/api/v1/projects/{project_id}/fundings", json=FUND2, headers=town)
    assert r.json()["data"]["funded_fen"] == 25_000_000
    m = {**MILESTONE, "evidence_upload_ids": await evidence(client, secretary)}
    r = await client.post(f"/api/v1/projects/{project_id}/milestones", json=m, headers=secretary)
    assert r.status_code == 201, r.text
    position = r.json()["position"]

    r = await client.get(f"/api/v1/projects/{project_id}?after={position}", headers=secretary)
    detail = r.json()
    assert detail["project"]["progress_pct"] == 60 and detail["project"]["funded_fen"] == 25_000_000
    assert sum(f["amount_fen"] for f in detail["fundings"]) == detail["project"]["funded_fen"]
    r = await client.get(f"/api/v1/villages/{VILLAGE}?after={position}", headers=secretary)
    file = r.json()
    assert file["village"]["secretary_name"] == "李红梅" and file["village"]["one_shoulder"] is True
    assert file["reserve_shortfall"] == 1
    assert file["subsidies"][0]["total_fen"] == 530_000
    assert file["incomes"][0]["bonus_fen"] == 1_000_000


async def test_towns_and_their_villages_are_only_touched_by_those_whose_scope_they_are_in(village_app, auth) -> None:
    """A town admin creates no town; another town's villages and figures are refused, not answered
    with an empty list; another village's secretary declares no income for this one."""
    client = village_app
    who = people(auth)
    district, town, secretary = who["district"], who["town"], who["secretary"]
    r = await client.post(
        "/api/v1/towns", json={"town_id": TOWN, "name": "陈村镇", "party_secretary_name": "王建国"}, headers=town
    )
    assert r.status_code == 403 and r.json()["code"] == "role_required"
    await town_with_villages(client, auth, VILLAGE, OTHER)
    far_town = {"town_id": "610305100", "name": "城关镇", "party_secretary_name": "刘振华"}
    assert (await client.post("/api/v1/towns", json=far_town, headers=district)).status_code == 201
    far = {"town_id": "610305100", "village_id": "610305100201", "name": "六营村", "party_org_name": "中共六营村支部委员会",
           "party_members": 30, "households": 300, "population": 1200}  # fmt: skip
    r = await client.post("/api/v1/villages", json=far, headers=district)
    assert r.status_code == 201, r.text
    r = await client.get(f"/api/v1/villages?after={r.json()['position']}", headers=district)
    assert r.status_code == 200
    for path in ("/api/v1/villages?town=610305100", "/api/v1/projects?village=610305100201",
                 "/api/v1/findings?village=610305100201", "/api/v1/subsidies?village=610305100201"):  # fmt: skip
        r = await client.get(path, headers=town)
        assert (r.status_code, r.json()["code"]) == (403, "out_of_scope"), path
    for path in (
        "/api/v1/villages?town=610305100",
        "/api/v1/findings?town=610305100",
        "/api/v1/projects?town=610305100",
    ):
        r = await client.get(path, headers=secretary)
        assert (r.status_code, r.json()["code"]) == (403, "out_of_scope"), path
    r = await client.post(
        f"/api/v1/villages/{VILLAGE}/income", json={"year": 2025, "income_fen": 12_000_000}, headers=who["stranger"]
    )
    assert r.status_code == 403 and r.json()["code"] == "out_of_scope"


async def test_the_town_appoints_cadres_and_no_director_beside_a_one_shoulder_secretary(village_app, auth) -> None:
    client = village_app
    await town_with_villages(client, auth, VILLAGE)
    await appoint_cadres(client, auth)
    who = people(auth)
    body = {"name": "钱七", "position": "director", "appointed_on": "2026-01-05"}
    r = await client.post(f"/api/v1/villages/{VILLAGE}/cadres", json=body, headers=who["town"])
    assert r.status_code == 409 and r.json()["code"] == "director_held_by_secretary"
    r = await client.post(f"/api/v1/villages/{VILLAGE}/cadres", json=body, headers=who["secretary"])
    assert r.status_code == 403


async def test_money_is_paid_once_a_subsidy_a_month_a_bonus_a_year_a_funding_per_idempotency_key(
    village_app, auth
) -> None:
    client = village_app
    await town_with_villages(client, auth, VILLAGE)
    await appoint_cadres(client, auth)
    who = people(auth)
    town, secretary = who["town"], who["secretary"]
    r = await client.post(f"/api/v1/villages/{VILLAGE}/subsidies", json={"month": "2026-10"}, headers=town)
    assert r.status_code == 200, r.text
    r = await client.post(f"/api/v1/villages/{VILLAGE}/subsidies", json={"month": "2026-10"}, headers=town)
    assert r.status_code == 409 and r.json()["code"] == "subsidy_already_issued"

    r = await client.post(
        f"/api/v1/villages/{VILLAGE}/income", json={"year": 2025, "income_fen": 12_000_000}, headers=secretary
    )
    assert r.status_code == 200, r.text
    r = await client.post(f"/api/v1/villages/{VILLAGE}/bonus", json={"year": 2025}, headers=town)
    assert r.json()["data"]["bonus_fen"] == 1_000_000
    r = await client.post(f"/api/v1/villages/{VILLAGE}/bonus", json={"year": 2025}, headers=who["district"])
    assert r.status_code == 409 and r.json()["code"] == "bonus_already_awarded"

    r = await client.post("/api/v1/projects", json=PROJECT, headers=secretary)
    project_id = r.json()["data"]["project_id"]
    key = {"Idempotency-Key": "fund-1"}
    first = await client.post(f"/api/v1/projects/{project_id}/fundings", json=FUND, headers=secretary | key)
    again = await client.post(f"/api/v1/projects/{project_id}/fundings", json=FUND, headers=secretary | key)
    assert first.json() == again.json()


async def test_progress_goes_backwards_only_with_a_reason_and_on_uploaded_evidence(village_app, auth) -> None:
    client = village_app
    project_id, _ = await funded_project(client, auth)
    secretary = people(auth)["secretary"]
    m = {**MILESTONE, "evidence_upload_ids": await evidence(client, secretary)}
    r = await client.post(f"/api/v1/projects/{project_id}/milestones", json=m, headers=secretary)
    assert r.status_code == 201, r.text
    r = await client.post(
        f"/api/v1/projects/{project_id}/milestones", json={**m, "progress_pct": 40}, headers=secretary
    )
    assert r.status_code == 409 and r.json()["code"] == "progress_backwards_without_reason"
    r = await client.post(
        f"/api/v1/projects/{project_id}/milestones", json={**m, "evidence_upload_ids": ["upl_nope"]}, headers=secretary
    )
    assert r.status_code == 422 and r.json()["code"] == "upload_not_found"
    r = await client.post(
        f"/api/v1/projects/{project_id}/milestones",
        json={**m, "progress_pct": 40, "reason": "暴雨冲毁部分大棚"},
        headers=secretary,
    )
    assert r.status_code == 201
    r = await client.get(f"/api/v1/projects/{project_id}?after={r.json()['position']}", headers=secretary)
    detail = r.json()
    assert detail["project"]["progress_pct"] == 40 and detail["project"]["funded_fen"] == 25_000_000
    assert sum(f["amount_fen"] for f in detail["fundings"]) == detail["project"]["funded_fen"]


async def test_a_projects_history_and_the_ranking_as_of_a_past_time_tell_how_it_came_to_be(village_app, auth) -> None:
    client = village_app
    project_id, at_sixty, position = await set_back_project(client, auth)
    secretary = people(auth)["secretary"]
    await client.get(f"/api/v1/projects/{project_id}?after={position}", headers=secretary)
    # Why the funding is so: each change from the events, with who recorded it.
    r = await client.get(f"/api/v1/projects/{project_id}/history", headers=secretary)
    steps = r.json()["items"]
    assert [s["action"] for s in steps] == ["登记项目", "资金到位", "资金到位", "报告进度", "报告进度"]
    assert steps[1]["detail"] == "财政资金（区财政局）200,000.00 元，2026-04-01 到账"
    assert (steps[2]["actor_name"], steps[2]["detail"][:4]) == ("王建国", "企业投入")
    assert (steps[4]["detail"], steps[4]["reason"]) == ("完成土地流转：60% → 40%", "暴雨冲毁部分大棚")
    # The ranking as it stood at a past time: folded from the events recorded by then.
    r = await client.get("/api/v1/projects", params={"as_of": at_sixty.isoformat()}, headers=secretary)
    then = {p["project_id"]: p for p in r.json()["items"]}
    assert then[project_id]["progress_pct"] == 60
    r = await client.get("/api/v1/projects", params={"as_of": "2026-01-01T00:00:00+08:00"}, headers=secretary)
    assert project_id not in [p["project_id"] for p in r.json()["items"]]
    r = await client.get("/api/v1/projects", headers=secretary)
    assert {p["project_id"]: p for p in r.json()["items"]}[project_id]["progress_pct"] == 40


async def test_a_project_and_its_history_are_refused_outside_its_village(village_app, auth) -> None:
    client = village_app
    project_id, position = await funded_project(client, auth)
    who = people(auth)
    r = await client.get(f"/api/v1/projects/{project_id}?after={position}", headers=who["secretary"])
    assert r.status_code == 200
    r = await client.get(f"/api/v1/projects/{project_id}", headers=who["stranger"])
    assert r.status_code == 403
    r = await client.get(f"/api/v1/projects/{project_id}/history", headers=who["stranger"])
    assert (r.status_code, r.json()["code"]) == (403, "out_of_scope")
    r = await client.get("/api/v1/projects/prj_none/history", headers=who["secretary"])
    assert (r.status_code, r.json()["code"]) == (404, "project_not_found")


async def test_a_project_past_its_end_short_of_100_percent_is_overdue_and_behind(village_app, auth) -> None:
    """Past its plan's end at 92 %: overdue and behind, not "on plan" (the expected progress is 100 %)."""
    client = village_app
    await town_with_villages(client, auth, VILLAGE)
    secretary = people(auth)["secretary"]
    r = await client.post("/api/v1/projects", json=PROJECT, headers=secretary)
    assert r.status_code == 201, r.text
    project_id = r.json()["data"]["project_id"]
    ended = {**PROJECT, "name": "村集体光伏电站", "starts_on": "2025-01-01", "due_on": "2025-12-31"}
    r = await client.post("/api/v1/projects", json=ended, headers=secretary)
    assert r.status_code == 201, r.text
    ended_id = r.json()["data"]["project_id"]
    m = {**MILESTONE, "progress_pct": 92, "evidence_upload_ids": await evidence(client, secretary)}
    r = await client.post(f"/api/v1/projects/{ended_id}/milestones", json=m, headers=secretary)
    assert r.status_code == 201, r.text
    r = await client.get(f"/api/v1/projects/{ended_id}?after={r.json()['position']}", headers=secretary)
    assert r.json()["project"]["overdue"] and r.json()["project"]["behind_schedule"]
    r = await client.get("/api/v1/projects?behind=true", headers=secretary)
    assert ended_id in [p["project_id"] for p in r.json()["items"]]
    assert project_id in [p["project_id"] for p in r.json()["items"]]  # behind, yet within its plan
    assert project_id not in [p["project_id"] for p in r.json()["items"] if p["overdue"]]


SCORES = {"environment": 12, "rooms": 14, "basic_rules": 15, "signage": 8, "records": 13, "party_life": 15,
          "services": 14}  # fmt: skip


async def test_an_inspection_scores_each_aspect_and_its_finding_closes_on_a_past_date_with_a_photo(
    village_app, auth
) -> None:
    client = village_app
    await town_with_villages(client, auth, VILLAGE)
    who = people(auth)
    town, secretary = who["town"], who["secretary"]
    round_body = {"name": "第一轮检查", "year": 2026, "opened_on": "2026-04-01", "due_on": "2026-05-31",
                  "teams": [{"name": "第一检查组", "members": ["张伟", "刘洋"], "village_ids": [VILLAGE]}]}  # fmt: skip
    r = await client.post("/api/v1/inspection-rounds", json=round_body, headers=who["district"])
    assert r.status_code == 201, r.text
    round_id = r.json()["data"]["round_id"]
    inspection = {"inspected_on": "2026-04-10", "scores": {**SCORES, "environment": 99},
                  "findings": [{"aspect_id": "environment", "text": "活动室墙面脱落", "deadline": "2026-05-10"}]}  # fmt: skip
    url = f"/api/v1/inspection-rounds/{round_id}/villages/{VILLAGE}"
    r = await client.post(url, json=inspection, headers=town)
    assert r.status_code == 422 and r.json()["code"] == "score_out_of_range"
    r = await client.post(url, json={**inspection, "scores": SCORES}, headers=town)
    assert r.status_code == 201, r.text
    finding_id = r.json()["data"]["finding_ids"][0]
    close = {"closed_on": "2026-05-01", "note": "已重新粉刷", "evidence_upload_ids": await evidence(client, secretary)}
    r = await client.post(
        f"{url}/findings/{finding_id}/close", json={**close, "closed_on": "2099-05-01"}, headers=secretary
    )
    assert (r.status_code, r.json()["code"]) == (422, "closed_in_future")
    r = await client.post(
        f"{url}/findings/{finding_id}/close", json={**close, "evidence_upload_ids": []}, headers=secretary
    )
    assert (r.status_code, r.json()["code"]) == (422, "evidence_required") and "照片" in r.json()["detail"]
    r = await client.post(f"{url}/findings/{finding_id}/close", json=close, headers=secretary)
    assert r.status_code == 200, r.text
    r = await client.get(f"/api/v1/inspection-rounds/{round_id}?after={r.json()['position']}", headers=town)
    detail = r.json()
    assert detail["coverage"] == {"assigned": 1, "inspected": 1, "all_villages": 1, "coverage_pct": 100.0}
    assert detail["villages"][0]["total_score"] == 91 and detail["villages"][0]["open_findings"] == 0


CASE = f"/api/v1/villages/{VILLAGE}/weakness/2026"


async def test_a_weak_village_is_designated_by_the_district_after_screening_and_accepted_once_every_measure_is_done(
    village_app, auth
) -> None:
    client = village_app
    await town_with_villages(client, auth, VILLAGE)
    who = people(auth)
    district, town, secretary = who["district"], who["town"], who["secretary"]
    designation = {"criteria": ["weak_team"], "reason": "班子战斗力不强"}
    r = await client.post(f"{CASE}/designation", json=designation, headers=district)
    assert r.status_code == 409 and r.json()["code"] == "not_screened"
    r = await client.post(f"{CASE}/screenings", json={"hits": ["weak_team"], "screened_on": "2026-03-02"}, headers=town)
    assert r.status_code == 201
    r = await client.post(f"{CASE}/designation", json=designation, headers=town)
    assert r.status_code == 403
    r = await client.post(f"{CASE}/designation", json=designation, headers=district)
    assert r.status_code == 200
    plan = {"responsible_leader": "区委常委 张志强", "work_group": ["组织部 刘洋"], "measures": ["调整班子", "整治环境"],
            "deadline": "2026-11-30"}  # fmt: skip
    r = await client.post(f"{CASE}/plan", json=plan, headers=town)
    assert r.status_code == 200, r.text
    r = await client.post(
        f"{CASE}/progress", json={"measure_id": "m1", "done": True, "note": "已调整"}, headers=secretary
    )
    assert r.status_code == 200
    r = await client.post(f"{CASE}/acceptance", json={}, headers=district)
    assert r.status_code == 409 and r.json()["code"] == "open_measures" and r.json()["open_measures"] == ["m2"]
    r = await client.post(
        f"{CASE}/progress", json={"measure_id": "m2", "done": True, "note": "已整治"}, headers=secretary
    )
    r = await client.post(f"{CASE}/acceptance", json={"note": "验收合格"}, headers=district)
    assert r.status_code == 200
    r = await client.get(f"/api/v1/rectifications?year=2026&after={r.json()['position']}", headers=town)
    row = r.json()["items"][0]
    assert row["stage"] == "accepted" and row["measures_done"] == 2 and row["overdue"] is False


async def test_the_rectification_list_flags_only_villages_whose_screening_found_something(village_app, auth) -> None:
    client = village_app
    await town_with_villages(client, auth, VILLAGE, OTHER)
    town = people(auth)["town"]
    r = await client.post(f"{CASE}/screenings", json={"hits": ["weak_team"], "screened_on": "2026-03-02"}, headers=town)
    assert r.status_code == 201
    r = await client.post(f"/api/v1/villages/{OTHER}/weakness/2026/screenings", json={"hits": [], "screened_on": "2026-03-02"}, headers=town)  # fmt: skip
    assert r.status_code == 201, r.text
    r = await client.get(f"/api/v1/rectifications?year=2026&after={r.json()['position']}", headers=town)
    assert {c["village_id"] for c in r.json()["items"]} == {VILLAGE, OTHER}
    r = await client.get("/api/v1/rectifications?year=2026&flagged=true", headers=town)
    assert [c["village_id"] for c in r.json()["items"]] == [VILLAGE]  # a clean screening is not listed


async def test_the_town_plans_a_pilot_whose_items_progress_by_aspect_and_only_forward_without_a_reason(
    village_app, auth
) -> None:
    client = village_app
    await town_with_villages(client, auth, VILLAGE)
    who = people(auth)
    town, secretary = who["town"], who["secretary"]
    plan = {"title": "紫荆村红色美丽村庄建设实施方案", "starts_on": "2026-03-01", "due_on": "2026-11-30"}
    r = await client.post(f"/api/v1/villages/{VILLAGE}/pilot", json=plan, headers=secretary)
    assert r.status_code == 403
    r = await client.post(f"/api/v1/villages/{VILLAGE}/pilot", json=plan, headers=town)
    assert r.status_code == 201, r.text
    assert len(r.json()["data"]["item_ids"]) == 17
    url = f"/api/v1/villages/{VILLAGE}/pilot/items/i01/progress"
    r = await client.post(url, json={"progress_pct": 80, "note": "完成"}, headers=secretary)
    assert r.status_code == 200, r.text
    progressed = r.json()["position"]
    r = await client.post(url, json={"progress_pct": 50}, headers=secretary)
    assert r.status_code == 409 and r.json()["code"] == "progress_backwards_without_reason"
    r = await client.get(f"/api/v1/villages/{VILLAGE}/pilot?after={progressed}", headers=secretary)
    pilot = r.json()
    assert len(pilot["aspects"]) == 5 and pilot["plan"]["items"] == 17
    assert pilot["items"][0]["progress_pct"] == 80


async def test_a_unit_paired_by_the_district_is_behind_until_it_delivers_its_targets(village_app, auth) -> None:
    client = village_app
    await town_with_villages(client, auth, VILLAGE)
    who = people(auth)
    district, town = who["district"], who["town"]
    pairing = {"unit_id": "u_agri", "unit_name": "区农业农村局", "year": 2026, "village_id": VILLAGE}
    r = await client.post("/api/v1/pairings", json=pairing, headers=town)
    assert r.status_code == 403
    r = await client.post("/api/v1/pairings", json=pairing, headers=district)
    assert r.status_code == 201, r.text
    deliveries = "/api/v1/pairings/u_agri/2026/deliveries"
    funds = {
        "village_id": VILLAGE,
        "kind": "funds",
        "title": "协调帮扶资金",
        "amount_fen": 3_000_000,
        "delivered_on": "2026-05-20",
    }
    r = await client.post(deliveries, json=funds, headers=town)
    assert r.status_code == 201, r.text
    r = await client.get(f"/api/v1/pairings?year=2026&behind=true&after={r.json()['position']}", headers=district)
    (unit,) = r.json()["items"]
    assert unit["funds_fen"] == 3_000_000 and unit["target_funds_fen"] == 5_000_000 and unit["behind"]
    for kind, amount in (("funds", 2_000_000), ("supporting_project", 0), ("industry_project", 0)):
        r = await client.post(deliveries, json={**funds, "kind": kind, "amount_fen": amount}, headers=town)
        assert r.status_code == 201, r.text
    r = await client.get(f"/api/v1/pairings?year=2026&behind=true&after={r.json()['position']}", headers=district)
    assert r.json()["total"] == 0
