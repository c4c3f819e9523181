"""Commands over HTTP against real PostgreSQL and NATS: the rules a user meets, and the read models.

One journey walks the service's main job (a town and its villages, cadres, money and a project);
each other test builds only the state its behaviour needs. The tests share one app, each on its own
clock and in a town of its own (``Place``)."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

import pytest

from village.main import create_app

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
CADRES = [("李红梅", "secretary", True), ("赵强", "committee_member", False), ("孙丽", "reserve", False)]
FUND = {"source": "fiscal", "funder": "区财政局", "amount_fen": 20_000_000, "received_on": "2026-04-01"}
FUND2 = {**FUND, "source": "enterprise", "funder": "合作企业", "amount_fen": 5_000_000}
MILESTONE = {"title": "完成土地流转", "progress_pct": 60}
PLACES = itertools.count(1)


@pytest.fixture(scope="module")
async def shared_village(module_database, module_settings, serve):
    app = create_app(module_settings("village", module_database))
    async with serve(app) as client:
        yield client, app


@pytest.fixture
def village_app(shared_village, clock):
    """The module's app, on this test's clock."""
    client, app = shared_village
    app.state.runtime.clock = clock
    return client


@dataclass(frozen=True)
class Place:
    """陈村镇 (``town``) with 紫荆村 (``village``) and 梁村 (``other``); 城关镇 (``far_town``) with
    六营村 (``far_village``): codes of the test's own."""

    town: str
    village: str
    other: str
    far_town: str
    far_village: str

    def people(self, auth) -> dict[str, dict[str, str]]:
        return {
            "district": auth("d1", "district_admin", name="组织部"),
            "town": auth("t1", "town_admin", name="王建国", town=self.town),
            "secretary": auth("s1", "village_secretary", name="李红梅", town=self.town, village=self.village),
            "stranger": auth("s2", "village_secretary", name="张三", town=self.town, village=self.other),
        }

    def village_body(self, village_id: str) -> dict:
        name = {self.village: "紫荆村", self.other: "梁村"}[village_id]
        return {"town_id": self.town, "village_id": village_id, "name": name, "party_org_name": f"中共{name}支部委员会",
                "party_members": 40, "households": 400, "population": 1500}  # fmt: skip

    @property
    def project(self) -> dict:
        return {"village_id": self.village, "name": "优质小麦规模种植", "supervisor_level": "town",
                "supervisor_name": "王建国", "model": "branch_led", "budget_fen": 50_000_000,
                "starts_on": "2026-03-01", "due_on": "2026-12-31"}  # fmt: skip

    @property
    def case(self) -> str:
        return f"/api/v1/villages/{self.village}/weakness/2026"


@pytest.fixture
def place() -> Place:
    n = next(PLACES)
    town, far_town = f"6103051{n:02d}", f"6103052{n:02d}"
    return Place(town=town, village=f"{town}201", other=f"{town}202", far_town=far_town, far_village=f"{far_town}201")


async def town_with_villages(client, auth, place: Place, *village_ids: str) -> str:
    """陈村镇, created by the district, and the villages its town admin registers: the last position."""
    who = place.people(auth)
    r = await client.post(
        "/api/v1/towns",
        json={"town_id": place.town, "name": "陈村镇", "party_secretary_name": "王建国"},
        headers=who["district"],
    )
    assert r.status_code == 201, r.text
    for vid in village_ids:
        r = await client.post("/api/v1/villages", json=place.village_body(vid), headers=who["town"])
        assert r.status_code == 201, r.text
    return r.json()["position"]


async def appoint_cadres(client, auth, place: Place) -> None:
    """紫荆村's cadres: a one-shoulder secretary (书记兼主任), a committee member and a reserve."""
    for name, position, one_shoulder in CADRES:
        body = {"name": name, "position": position, "one_shoulder": one_shoulder, "appointed_on": "2026-01-05"}
        r = await client.post(f"/api/v1/villages/{place.village}/cadres", json=body, headers=place.people(auth)["town"])
        assert r.status_code == 201, r.text


async def evidence(client, who) -> list[str]:
    upload = await client.post("/api/v1/uploads", files={"file": ("a.png", PNG, "image/png")}, headers=who)
    assert upload.status_code == 201, upload.text
    return [upload.json()["upload_id"]]


async def funded_project(client, auth, place: Place) -> tuple[str, str]:
    """紫荆村's project, in a town of its own: ``fund_project``."""
    await town_with_villages(client, auth, place, place.village)
    return await fund_project(client, auth, place)


async def fund_project(client, auth, place: Place) -> tuple[str, str]:
    """紫荆村's project, registered by its secretary, funded 200,000 元 by the district's finance and
    50,000 元 by an enterprise: (project_id, position)."""
    who = place.people(auth)
    r = await client.post("/api/v1/projects", json=place.project, headers=who["secretary"])
    assert r.status_code == 201, r.text
    project_id = r.json()["data"]["project_id"]
    r = await client.post(f"/api/v1/projects/{project_id}/fundings", json=FUND, headers=who["secretary"])
    assert r.status_code == 201, r.text
    r = await client.post(f"/api/v1/projects/{project_id}/fundings", json=FUND2, headers=who["town"])
    assert r.json()["data"]["funded_fen"] == 25_000_000
    return project_id, r.json()["position"]


async def set_back_project(client, auth, place: Place) -> tuple[str, dt.datetime, str]:
    """That project at 60 %, then set back to 40 % by a storm: (project_id, when it stood at 60 %,
    position)."""
    project_id, _ = await funded_project(client, auth, place)
    secretary = place.people(auth)["secretary"]
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


async def test_journey_village_cadres_money_and_projects(village_app, auth, place) -> None:
    """The district creates a town; its town admin registers the villages and appoints a village's
    cadres; the month's subsidies are issued; the village's income earns its secretary a bonus; the
    secretary registers a project, which is funded and progresses; the village's file shows it all."""
    client = village_app
    who = place.people(auth)
    town, secretary = who["town"], who["secretary"]

    await town_with_villages(client, auth, place, place.village, place.other)
    await appoint_cadres(client, auth, place)

    r = await client.post("/api/v1/subsidies", json={"month": "2026-10", "town_id": place.town}, headers=town)
    run = r.json()
    assert run["total_fen"] == 300_000 + 230_000
    assert [s["code"] for s in run["skipped"]] == ["roster_empty"]  # 梁村 has no cadres yet
    r = await client.post(
        f"/api/v1/villages/{place.village}/income", json={"year": 2025, "income_fen": 12_000_000}, headers=secretary
    )
    assert r.status_code == 200, r.text
    r = await client.post(f"/api/v1/villages/{place.village}/bonus", json={"year": 2025}, headers=town)
    assert r.json()["data"]["bonus_fen"] == 1_000_000

    project_id, _ = await fund_project(client, auth, place)
    m = {**MILESTONE, "evidence_upload_ids": await evidence(client, secretary)}
    r = await client.post(f"/api/v1/projects/{project_id}/milestones", json=m, headers=secretary)
    assert r.status_code == 201, r.text
    position = r.json()["position"]

    r = await client.get(f"/api/v1/projects/{project_id}?after={position}", headers=secretary)
    detail = r.json()
    assert detail["project"]["progress_pct"] == 60 and detail["project"]["funded_fen"] == 25_000_000
    assert sum(f["amount_fen"] for f in detail["fundings"]) == detail["project"]["funded_fen"]
    r = await client.get(f"/api/v1/villages/{place.village}?after={position}", headers=secretary)
    file = r.json()
    assert file["village"]["secretary_name"] == "李红梅" and file["village"]["one_shoulder"] is True
    assert file["reserve_shortfall"] == 1
    assert file["subsidies"][0]["total_fen"] == 530_000
    assert file["incomes"][0]["bonus_fen"] == 1_000_000


async def test_towns_and_their_villages_are_only_touched_by_those_whose_scope_they_are_in(
    village_app, auth, place
) -> None:
    """A town admin creates no town; another town's villages and figures are refused, not answered
    with an empty list; another village's secretary declares no income for this one."""
    client = village_app
    who = place.people(auth)
    district, town, secretary = who["district"], who["town"], who["secretary"]
    r = await client.post(
        "/api/v1/towns",
        json={"town_id": place.town, "name": "陈村镇", "party_secretary_name": "王建国"},
        headers=town,
    )
    assert r.status_code == 403 and r.json()["code"] == "role_required"
    await town_with_villages(client, auth, place, place.village, place.other)
    far_town = {"town_id": place.far_town, "name": "城关镇", "party_secretary_name": "刘振华"}
    assert (await client.post("/api/v1/towns", json=far_town, headers=district)).status_code == 201
    far = {"town_id": place.far_town, "village_id": place.far_village, "name": "六营村", "party_org_name": "中共六营村支部委员会",
           "party_members": 30, "households": 300, "population": 1200}  # fmt: skip
    r = await client.post("/api/v1/villages", json=far, headers=district)
    assert r.status_code == 201, r.text
    r = await client.get(f"/api/v1/villages?after={r.json()['position']}", headers=district)
    assert r.status_code == 200
    for path in (
        f"/api/v1/villages?town={place.far_town}",
        f"/api/v1/projects?village={place.far_village}",
        f"/api/v1/findings?village={place.far_village}",
        f"/api/v1/subsidies?village={place.far_village}",
    ):
        r = await client.get(path, headers=town)
        assert (r.status_code, r.json()["code"]) == (403, "out_of_scope"), path
    for path in (
        f"/api/v1/villages?town={place.far_town}",
        f"/api/v1/findings?town={place.far_town}",
        f"/api/v1/projects?town={place.far_town}",
    ):
        r = await client.get(path, headers=secretary)
        assert (r.status_code, r.json()["code"]) == (403, "out_of_scope"), path
    r = await client.post(
        f"/api/v1/villages/{place.village}/income",
        json={"year": 2025, "income_fen": 12_000_000},
        headers=who["stranger"],
    )
    assert r.status_code == 403 and r.json()["code"] == "out_of_scope"


async def test_the_town_appoints_cadres_and_no_director_beside_a_one_shoulder_secretary(
    village_app, auth, place
) -> None:
    client = village_app
    await town_with_villages(client, auth, place, place.village)
    await appoint_cadres(client, auth, place)
    who = place.people(auth)
    body = {"name": "钱七", "position": "director", "appointed_on": "2026-01-05"}
    r = await client.post(f"/api/v1/villages/{place.village}/cadres", json=body, headers=who["town"])
    assert r.status_code == 409 and r.json()["code"] == "director_held_by_secretary"
    r = await client.post(f"/api/v1/villages/{place.village}/cadres", json=body, headers=who["secretary"])
    assert r.status_code == 403


async def test_money_is_paid_once_a_subsidy_a_month_a_bonus_a_year_a_funding_per_idempotency_key(
    village_app, auth, place
) -> None:
    client = village_app
    await town_with_villages(client, auth, place, place.village)
    await appoint_cadres(client, auth, place)
    who = place.people(auth)
    town, secretary = who["town"], who["secretary"]
    r = await client.post(f"/api/v1/villages/{place.village}/subsidies", json={"month": "2026-10"}, headers=town)
    assert r.status_code == 200, r.text
    r = await client.post(f"/api/v1/villages/{place.village}/subsidies", json={"month": "2026-10"}, headers=town)
    assert r.status_code == 409 and r.json()["code"] == "subsidy_already_issued"

    r = await client.post(
        f"/api/v1/villages/{place.village}/income", json={"year": 2025, "income_fen": 12_000_000}, headers=secretary
    )
    assert r.status_code == 200, r.text
    r = await client.post(f"/api/v1/villages/{place.village}/bonus", json={"year": 2025}, headers=town)
    assert r.json()["data"]["bonus_fen"] == 1_000_000
    r = await client.post(f"/api/v1/villages/{place.village}/bonus", json={"year": 2025}, headers=who["district"])
    assert r.status_code == 409 and r.json()["code"] == "bonus_already_awarded"

    r = await client.post("/api/v1/projects", json=place.project, headers=secretary)
    project_id = r.json()["data"]["project_id"]
    key = {"Idempotency-Key": "fund-1"}
    first = await client.post(f"/api/v1/projects/{project_id}/fundings", json=FUND, headers=secretary | key)
    again = await client.post(f"/api/v1/projects/{project_id}/fundings", json=FUND, headers=secretary | key)
    assert first.json() == again.json()


async def test_progress_goes_backwards_only_with_a_reason_and_on_uploaded_evidence(village_app, auth, place) -> None:
    client = village_app
    project_id, _ = await funded_project(client, auth, place)
    secretary = place.people(auth)["secretary"]
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


async def test_a_projects_history_and_the_ranking_as_of_a_past_time_tell_how_it_came_to_be(
    village_app, auth, place
) -> None:
    client = village_app
    project_id, at_sixty, position = await set_back_project(client, auth, place)
    secretary = place.people(auth)["secretary"]
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


async def test_a_project_and_its_history_are_refused_outside_its_village(village_app, auth, place) -> None:
    client = village_app
    project_id, position = await funded_project(client, auth, place)
    who = place.people(auth)
    r = await client.get(f"/api/v1/projects/{project_id}?after={position}", headers=who["secretary"])
    assert r.status_code == 200
    r = await client.get(f"/api/v1/projects/{project_id}", headers=who["stranger"])
    assert r.status_code == 403
    r = await client.get(f"/api/v1/projects/{project_id}/history", headers=who["stranger"])
    assert (r.status_code, r.json()["code"]) == (403, "out_of_scope")
    r = await client.get("/api/v1/projects/prj_none/history", headers=who["secretary"])
    assert (r.status_code, r.json()["code"]) == (404, "project_not_found")


async def test_a_project_past_its_end_short_of_100_percent_is_overdue_and_behind(village_app, auth, place) -> None:
    """Past its plan's end at 92 %: overdue and behind, not "on plan" (the expected progress is 100 %)."""
    client = village_app
    await town_with_villages(client, auth, place, place.village)
    secretary = place.people(auth)["secretary"]
    r = await client.post("/api/v1/projects", json=place.project, headers=secretary)
    assert r.status_code == 201, r.text
    project_id = r.json()["data"]["project_id"]
    ended = {**place.project, "name": "村集体光伏电站", "starts_on": "2025-01-01", "due_on": "2025-12-31"}
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
    village_app, auth, place
) -> None:
    client = village_app
    await town_with_villages(client, auth, place, place.village)
    who = place.people(auth)
    town, secretary = who["town"], who["secretary"]
    round_body = {"name": "第一轮检查", "year": 2026, "opened_on": "2026-04-01", "due_on": "2026-05-31",
                  "teams": [{"name": "第一检查组", "members": ["张伟", "刘洋"], "village_ids": [place.village]}]}  # fmt: skip
    r = await client.post("/api/v1/inspection-rounds", json=round_body, headers=who["district"])
    assert r.status_code == 201, r.text
    round_id = r.json()["data"]["round_id"]
    inspection = {"inspected_on": "2026-04-10", "scores": {**SCORES, "environment": 99},
                  "findings": [{"aspect_id": "environment", "text": "活动室墙面脱落", "deadline": "2026-05-10"}]}  # fmt: skip
    url = f"/api/v1/inspection-rounds/{round_id}/villages/{place.village}"
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


async def test_a_weak_village_is_designated_by_the_district_after_screening_and_accepted_once_every_measure_is_done(
    village_app, auth, place
) -> None:
    client = village_app
    await town_with_villages(client, auth, place, place.village)
    who = place.people(auth)
    district, town, secretary = who["district"], who["town"], who["secretary"]
    designation = {"criteria": ["weak_team"], "reason": "班子战斗力不强"}
    r = await client.post(f"{place.case}/designation", json=designation, headers=district)
    assert r.status_code == 409 and r.json()["code"] == "not_screened"
    r = await client.post(
        f"{place.case}/screenings", json={"hits": ["weak_team"], "screened_on": "2026-03-02"}, headers=town
    )
    assert r.status_code == 201
    r = await client.post(f"{place.case}/designation", json=designation, headers=town)
    assert r.status_code == 403
    r = await client.post(f"{place.case}/designation", json=designation, headers=district)
    assert r.status_code == 200
    plan = {"responsible_leader": "区委常委 张志强", "work_group": ["组织部 刘洋"], "measures": ["调整班子", "整治环境"],
            "deadline": "2026-11-30"}  # fmt: skip
    r = await client.post(f"{place.case}/plan", json=plan, headers=town)
    assert r.status_code == 200, r.text
    r = await client.post(
        f"{place.case}/progress", json={"measure_id": "m1", "done": True, "note": "已调整"}, headers=secretary
    )
    assert r.status_code == 200
    r = await client.post(f"{place.case}/acceptance", json={}, headers=district)
    assert r.status_code == 409 and r.json()["code"] == "open_measures" and r.json()["open_measures"] == ["m2"]
    r = await client.post(
        f"{place.case}/progress", json={"measure_id": "m2", "done": True, "note": "已整治"}, headers=secretary
    )
    r = await client.post(f"{place.case}/acceptance", json={"note": "验收合格"}, headers=district)
    assert r.status_code == 200
    r = await client.get(f"/api/v1/rectifications?year=2026&after={r.json()['position']}", headers=town)
    row = r.json()["items"][0]
    assert row["stage"] == "accepted" and row["measures_done"] == 2 and row["overdue"] is False


async def test_the_rectification_list_flags_only_villages_whose_screening_found_something(
    village_app, auth, place
) -> None:
    client = village_app
    await town_with_villages(client, auth, place, place.village, place.other)
    town = place.people(auth)["town"]
    r = await client.post(
        f"{place.case}/screenings", json={"hits": ["weak_team"], "screened_on": "2026-03-02"}, headers=town
    )
    assert r.status_code == 201
    clean = {"hits": [], "screened_on": "2026-03-02"}
    r = await client.post(f"/api/v1/villages/{place.other}/weakness/2026/screenings", json=clean, headers=town)
    assert r.status_code == 201, r.text
    r = await client.get(f"/api/v1/rectifications?year=2026&after={r.json()['position']}", headers=town)
    assert {c["village_id"] for c in r.json()["items"]} == {place.village, place.other}
    r = await client.get("/api/v1/rectifications?year=2026&flagged=true", headers=town)
    assert [c["village_id"] for c in r.json()["items"]] == [place.village]  # a clean screening is not listed


async def test_the_town_plans_a_pilot_whose_items_progress_by_aspect_and_only_forward_without_a_reason(
    village_app, auth, place
) -> None:
    client = village_app
    await town_with_villages(client, auth, place, place.village)
    who = place.people(auth)
    town, secretary = who["town"], who["secretary"]
    plan = {"title": "紫荆村红色美丽村庄建设实施方案", "starts_on": "2026-03-01", "due_on": "2026-11-30"}
    r = await client.post(f"/api/v1/villages/{place.village}/pilot", json=plan, headers=secretary)
    assert r.status_code == 403
    r = await client.post(f"/api/v1/villages/{place.village}/pilot", json=plan, headers=town)
    assert r.status_code == 201, r.text
    assert len(r.json()["data"]["item_ids"]) == 17
    url = f"/api/v1/villages/{place.village}/pilot/items/i01/progress"
    r = await client.post(url, json={"progress_pct": 80, "note": "完成"}, headers=secretary)
    assert r.status_code == 200, r.text
    progressed = r.json()["position"]
    r = await client.post(url, json={"progress_pct": 50}, headers=secretary)
    assert r.status_code == 409 and r.json()["code"] == "progress_backwards_without_reason"
    r = await client.get(f"/api/v1/villages/{place.village}/pilot?after={progressed}", headers=secretary)
    pilot = r.json()
    assert len(pilot["aspects"]) == 5 and pilot["plan"]["items"] == 17
    assert pilot["items"][0]["progress_pct"] == 80


async def test_a_unit_paired_by_the_district_is_behind_until_it_delivers_its_targets(village_app, auth, place) -> None:
    client = village_app
    await town_with_villages(client, auth, place, place.village)
    who = place.people(auth)
    district, town = who["district"], who["town"]
    pairing = {"unit_id": "u_agri", "unit_name": "区农业农村局", "year": 2026, "village_id": place.village}
    r = await client.post("/api/v1/pairings", json=pairing, headers=town)
    assert r.status_code == 403
    r = await client.post("/api/v1/pairings", json=pairing, headers=district)
    assert r.status_code == 201, r.text
    deliveries = "/api/v1/pairings/u_agri/2026/deliveries"
    funds = {
        "village_id": place.village,
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
