"""Commands over HTTP against real PostgreSQL and NATS: the rules a user meets, and the read models."""

from __future__ import annotations

import datetime as dt

import pytest

from village.main import create_app

TOWN, VILLAGE, OTHER = "610305107", "610305107201", "610305107202"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
async def village_app(database, make_settings, serve, clock):
    app = create_app(make_settings("village", database))
    async with serve(app) as client:
        app.state.runtime.clock = clock
        yield client


async def test_village_cadres_money_and_projects(village_app, auth) -> None:
    client = village_app
    district = auth("d1", "district_admin", name="组织部")
    town = auth("t1", "town_admin", name="王建国", town=TOWN)
    secretary = auth("s1", "village_secretary", name="李红梅", town=TOWN, village=VILLAGE)
    stranger = auth("s2", "village_secretary", name="张三", town=TOWN, village=OTHER)

    r = await client.post(
        "/api/v1/towns", json={"town_id": TOWN, "name": "陈村镇", "party_secretary_name": "王建国"}, headers=town
    )
    assert r.status_code == 403 and r.json()["code"] == "role_required"
    r = await client.post(
        "/api/v1/towns", json={"town_id": TOWN, "name": "陈村镇", "party_secretary_name": "王建国"}, headers=district
    )
    assert r.status_code == 201, r.text
    for vid, name in ((VILLAGE, "紫荆村"), (OTHER, "梁村")):
        body = {"town_id": TOWN, "village_id": vid, "name": name, "party_org_name": f"中共{name}支部委员会",
                "party_members": 40, "households": 400, "population": 1500}  # fmt: skip
        r = await client.post("/api/v1/villages", json=body, headers=town)
        assert r.status_code == 201, r.text
    # Another town's villages, or another town's figures, are refused, not answered with an empty list.
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

    cadres = [("李红梅", "secretary", True), ("赵强", "committee_member", False), ("孙丽", "reserve", False)]
    for name, position, one_shoulder in cadres:
        body = {"name": name, "position": position, "one_shoulder": one_shoulder, "appointed_on": "2026-01-05"}
        r = await client.post(f"/api/v1/villages/{VILLAGE}/cadres", json=body, headers=town)
        assert r.status_code == 201, r.text
    body = {"name": "钱七", "position": "director", "appointed_on": "2026-01-05"}
    r = await client.post(f"/api/v1/villages/{VILLAGE}/cadres", json=body, headers=town)
    assert r.status_code == 409 and r.json()["code"] == "director_held_by_secretary"
    r = await client.post(f"/api/v1/villages/{VILLAGE}/cadres", json=body, headers=secretary)
    assert r.status_code == 403

    r = await client.post("/api/v1/subsidies", json={"month": "2026-10", "town_id": TOWN}, headers=town)
    run = r.json()
    assert run["total_fen"] == 300_000 + 230_000
    assert [s["code"] for s in run["skipped"]] == ["roster_empty"]
    r = await client.post(f"/api/v1/villages/{VILLAGE}/subsidies", json={"month": "2026-10"}, headers=town)
    assert r.status_code == 409 and r.json()["code"] == "subsidy_already_issued"

    r = await client.post(
        f"/api/v1/villages/{VILLAGE}/income", json={"year": 2025, "income_fen": 12_000_000}, headers=stranger
    )
    assert r.status_code == 403 and r.json()["code"] == "out_of_scope"
    r = await client.post(
        f"/api/v1/villages/{VILLAGE}/income", json={"year": 2025, "income_fen": 12_000_000}, headers=secretary
    )
    assert r.status_code == 200, r.text
    r = await client.post(f"/api/v1/villages/{VILLAGE}/bonus", json={"year": 2025}, headers=town)
    assert r.json()["data"]["bonus_fen"] == 1_000_000
    r = await client.post(f"/api/v1/villages/{VILLAGE}/bonus", json={"year": 2025}, headers=district)
    assert r.status_code == 409 and r.json()["code"] == "bonus_already_awarded"

    project = {"village_id": VILLAGE, "name": "优质小麦规模种植", "supervisor_level": "town", "supervisor_name": "王建国",
               "model": "branch_led", "budget_fen": 50_000_000, "starts_on": "2026-03-01", "due_on": "2026-12-31"}  # fmt: skip
    r = await client.post("/api/v1/projects", json=project, headers=secretary)
    assert r.status_code == 201, r.text
    project_id = r.json()["data"]["project_id"]
    fund = {"source": "fiscal", "funder": "区财政局", "amount_fen": 20_000_000, "received_on": "2026-04-01"}
    key = {"Idempotency-Key": "fund-1"}
    first = await client.post(f"/api/v1/projects/{project_id}/fundings", json=fund, headers=secretary | key)
    again = await client.post(f"/api/v1/projects/{project_id}/fundings", json=fund, headers=secretary | key)
    assert first.json() == again.json()
    fund2 = {**fund, "source": "enterprise", "funder": "合作企业", "amount_fen": 5_000_000}
    r = await client.post(f"/api/v1/projects/{project_id}/fundings", json=fund2, headers=town)
    assert r.json()["data"]["funded_fen"] == 25_000_000

    upload = await client.post("/api/v1/uploads", files={"file": ("a.png", PNG, "image/png")}, headers=secretary)
    assert upload.status_code == 201, upload.text
    evidence = [upload.json()["upload_id"]]
    m = {"title": "完成土地流转", "progress_pct": 60, "evidence_upload_ids": evidence}
    r = await client.post(f"/api/v1/projects/{project_id}/milestones", json=m, headers=secretary)
    assert r.status_code == 201, r.text
    at_sixty = dt.datetime.now(dt.UTC)
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
    position = r.json()["position"]

    r = await client.get(f"/api/v1/projects/{project_id}?after={position}", headers=secretary)
    detail = r.json()
    assert detail["project"]["progress_pct"] == 40 and detail["project"]["funded_fen"] == 25_000_000
    assert sum(f["amount_fen"] for f in detail["fundings"]) == detail["project"]["funded_fen"]
    r = await client.get(f"/api/v1/projects/{project_id}", headers=stranger)
    assert r.status_code == 403
    # Why the funding is so: each change from the events, with who recorded it; authorized like the project.
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
    r = await client.get(f"/api/v1/projects/{project_id}/history", headers=stranger)
    assert (r.status_code, r.json()["code"]) == (403, "out_of_scope")
    r = await client.get("/api/v1/projects/prj_none/history", headers=secretary)
    assert (r.status_code, r.json()["code"]) == (404, "project_not_found")

    # Past its plan's end at 92 %: overdue and behind, not "on plan" (the expected progress is 100 %).
    ended = {**project, "name": "村集体光伏电站", "starts_on": "2025-01-01", "due_on": "2025-12-31"}
    r = await client.post("/api/v1/projects", json=ended, headers=secretary)
    assert r.status_code == 201, r.text
    ended_id = r.json()["data"]["project_id"]
    r = await client.post(f"/api/v1/projects/{ended_id}/milestones", json={**m, "progress_pct": 92}, headers=secretary)
    assert r.status_code == 201, r.text
    r = await client.get(f"/api/v1/projects/{ended_id}?after={r.json()['position']}", headers=secretary)
    assert r.json()["project"]["overdue"] and r.json()["project"]["behind_schedule"]
    r = await client.get("/api/v1/projects?behind=true", headers=secretary)
    assert ended_id in [p["project_id"] for p in r.json()["items"]]
    assert project_id not in [p["project_id"] for p in r.json()["items"] if p["overdue"]]

    r = await client.get(f"/api/v1/villages/{VILLAGE}?after={position}", headers=secretary)
    file = r.json()
    assert file["village"]["secretary_name"] == "李红梅" and file["village"]["one_shoulder"] is True
    assert file["reserve_shortfall"] == 1
    assert file["subsidies"][0]["total_fen"] == 530_000
    assert file["incomes"][0]["bonus_fen"] == 1_000_000


async def test_inspection_and_rectification(village_app, auth) -> None:
    client = village_app
    district = auth("d1", "district_admin", name="组织部")
    town = auth("t1", "town_admin", name="王建国", town=TOWN)
    secretary = auth("s1", "village_secretary", name="李红梅", town=TOWN, village=VILLAGE)
    await client.post(
        "/api/v1/towns", json={"town_id": TOWN, "name": "陈村镇", "party_secretary_name": "王建国"}, headers=district
    )
    body = {"town_id": TOWN, "village_id": VILLAGE, "name": "紫荆村", "party_org_name": "中共紫荆村支部委员会",
            "party_members": 40, "households": 400, "population": 1500}  # fmt: skip
    await client.post("/api/v1/villages", json=body, headers=district)

    round_body = {"name": "第一轮检查", "year": 2026, "opened_on": "2026-04-01", "due_on": "2026-05-31",
                  "teams": [{"name": "第一检查组", "members": ["张伟", "刘洋"], "village_ids": [VILLAGE]}]}  # fmt: skip
    r = await client.post("/api/v1/inspection-rounds", json=round_body, headers=district)
    assert r.status_code == 201, r.text
    round_id = r.json()["data"]["round_id"]
    scores = {
        "environment": 12,
        "rooms": 14,
        "basic_rules": 15,
        "signage": 8,
        "records": 13,
        "party_life": 15,
        "services": 14,
    }
    inspection = {"inspected_on": "2026-04-10", "scores": {**scores, "environment": 99},
                  "findings": [{"aspect_id": "environment", "text": "活动室墙面脱落", "deadline": "2026-05-10"}]}  # fmt: skip
    url = f"/api/v1/inspection-rounds/{round_id}/villages/{VILLAGE}"
    r = await client.post(url, json=inspection, headers=town)
    assert r.status_code == 422 and r.json()["code"] == "score_out_of_range"
    r = await client.post(url, json={**inspection, "scores": scores}, headers=town)
    assert r.status_code == 201, r.text
    finding_id = r.json()["data"]["finding_ids"][0]
    upload = await client.post("/api/v1/uploads", files={"file": ("a.png", PNG, "image/png")}, headers=secretary)
    close = {"closed_on": "2026-05-01", "note": "已重新粉刷", "evidence_upload_ids": [upload.json()["upload_id"]]}
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

    case = f"/api/v1/villages/{VILLAGE}/weakness/2026"
    r = await client.post(
        f"{case}/designation", json={"criteria": ["weak_team"], "reason": "班子战斗力不强"}, headers=district
    )
    assert r.status_code == 409 and r.json()["code"] == "not_screened"
    r = await client.post(f"{case}/screenings", json={"hits": ["weak_team"], "screened_on": "2026-03-02"}, headers=town)
    assert r.status_code == 201
    r = await client.post(
        f"{case}/designation", json={"criteria": ["weak_team"], "reason": "班子战斗力不强"}, headers=town
    )
    assert r.status_code == 403
    r = await client.post(
        f"{case}/designation", json={"criteria": ["weak_team"], "reason": "班子战斗力不强"}, headers=district
    )
    assert r.status_code == 200
    plan = {"responsible_leader": "区委常委 张志强", "work_group": ["组织部 刘洋"], "measures": ["调整班子", "整治环境"],
            "deadline": "2026-11-30"}  # fmt: skip
    r = await client.post(f"{case}/plan", json=plan, headers=town)
    assert r.status_code == 200, r.text
    r = await client.post(
        f"{case}/progress", json={"measure_id": "m1", "done": True, "note": "已调整"}, headers=secretary
    )
    assert r.status_code == 200
    r = await client.post(f"{case}/acceptance", json={}, headers=district)
    assert r.status_code == 409 and r.json()["code"] == "open_measures" and r.json()["open_measures"] == ["m2"]
    r = await client.post(
        f"{case}/progress", json={"measure_id": "m2", "done": True, "note": "已整治"}, headers=secretary
    )
    r = await client.post(f"{case}/acceptance", json={"note": "验收合格"}, headers=district)
    assert r.status_code == 200
    r = await client.get(f"/api/v1/rectifications?year=2026&after={r.json()['position']}", headers=town)
    row = r.json()["items"][0]
    assert row["stage"] == "accepted" and row["measures_done"] == 2 and row["overdue"] is False
    await client.post("/api/v1/villages", json={**body, "village_id": OTHER, "name": "梁村"}, headers=district)
    r = await client.post(f"/api/v1/villages/{OTHER}/weakness/2026/screenings", json={"hits": [], "screened_on": "2026-03-02"}, headers=town)  # fmt: skip
    assert r.status_code == 201, r.text
    r = await client.get(f"/api/v1/rectifications?year=2026&after={r.json()['position']}", headers=town)
    assert {c["village_id"] for c in r.json()["items"]} == {VILLAGE, OTHER}
    r = await client.get("/api/v1/rectifications?year=2026&flagged=true", headers=town)
    assert [c["village_id"] for c in r.json()["items"]] == [VILLAGE]  # a clean screening is not listed


async def test_pilot_plan_and_pairing(village_app, auth) -> None:
    client = village_app
    district = auth("d1", "district_admin", name="组织部")
    town = auth("t1", "town_admin", name="王建国", town=TOWN)
    secretary = auth("s1", "village_secretary", name="李红梅", town=TOWN, village=VILLAGE)
    await client.post(
        "/api/v1/towns", json={"town_id": TOWN, "name": "陈村镇", "party_secretary_name": "王建国"}, headers=district
    )
    body = {"town_id": TOWN, "village_id": VILLAGE, "name": "紫荆村", "party_org_name": "中共紫荆村支部委员会",
            "party_members": 40, "households": 400, "population": 1500}  # fmt: skip
    await client.post("/api/v1/villages", json=body, headers=district)

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

    r = await client.post(
        "/api/v1/pairings",
        json={"unit_id": "u_agri", "unit_name": "区农业农村局", "year": 2026, "village_id": VILLAGE},
        headers=town,
    )
    assert r.status_code == 403
    r = await client.post(
        "/api/v1/pairings",
        json={"unit_id": "u_agri", "unit_name": "区农业农村局", "year": 2026, "village_id": VILLAGE},
        headers=district,
    )
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
