"""The grid service over HTTP on real PostgreSQL and NATS: hierarchy, a report becoming a ticket,
the ticket's lifecycle with refusals, the deadline scheduler, boards and figures, and micro-wishes.

One journey walks the service's main job (a report becoming a closed ticket); each other test
builds only the state its behaviour needs. The tests share one app, each on its own clock and in a
place of its own (its community, grids, departments and category: ``Place``); the scheduler's test,
whose passes see every ticket of the database, has an app of its own."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

import pytest

from grid.main import create_app
from grid.scheduler import DeadlineScheduler

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PLACES = itertools.count(1)


@pytest.fixture
async def own_grid(database, make_settings, serve, clock):
    """An app of the test's own, for what sees every ticket of the database."""
    app = create_app(make_settings("grid", database, grid_scheduler_interval_seconds=3600))
    async with serve(app) as client:
        app.state.runtime.clock = clock
        yield client, app


@dataclass(frozen=True)
class Place:
    """A community (凤鸣社区) with two grids, 城管 and 住建, and a category routed to 城管; who acts
    there, and who may not."""

    community: str
    grids: tuple[str, str]
    dep_urban: str
    dep_housing: str
    category: str
    other_community: str

    def people(self, auth) -> People:
        return People(
            member=auth("gm1", "grid_member", name="李网格", community=self.community, grid=self.grids[0]),
            other_grid=auth("gm2", "grid_member", name="王网格", community=self.community, grid=self.grids[1]),
            admin=auth("ca", "community_admin", name="调度员", community=self.community),
            other_admin=auth("cb", "community_admin", name="外社区", community=self.other_community),
            urban=auth("dh1", "department", name="城管承办人", department=self.dep_urban),
            housing=auth("dh2", "department", name="住建承办人", department=self.dep_housing),
        )

    @property
    def report(self) -> dict:
        return {"category": self.category, "text": "东大街 12 号垃圾堆积", "address": "东大街 12 号"}

    @property
    def dispatch(self) -> dict:
        return {"category": self.category, "kind": "help_request", "title": "垃圾堆积", "text": "东大街垃圾堆积"}


@dataclass(frozen=True)
class People:
    member: dict[str, str]
    other_grid: dict[str, str]
    admin: dict[str, str]
    other_admin: dict[str, str]
    urban: dict[str, str]
    housing: dict[str, str]


async def setup_hierarchy(client, auth) -> Place:
    """A new place: its departments and routing rule (by the district), its community and grids, and
    grid member 李网格 of its first grid."""
    n = next(PLACES)
    place = Place(
        community=f"com_fm{n}",
        grids=(f"grd_{n}_01", f"grd_{n}_02"),
        dep_urban=f"dep_urban{n}",
        dep_housing=f"dep_housing{n}",
        category=f"sanitation{n}",
        other_community=f"com_other{n}",
    )
    district = auth("da", "district_admin", name="区网格办")
    for dep, name in ((place.dep_urban, "城管局"), (place.dep_housing, "住建局")):
        body = {"department_id": dep, "name": f"{name}{n}"}  # a department's name is its own
        r = await client.post("/api/v1/departments", json=body, headers=district)
        assert r.status_code == 200, r.text
    r = await client.put(
        f"/api/v1/routing-rules/{place.category}",
        json={"category_name": "环境卫生", "default_department_id": place.dep_urban},
        headers=district,
    )
    assert r.status_code == 200, r.text
    r = await client.post(
        "/api/v1/communities",
        json={"community_id": place.community, "name": "凤鸣社区", "street": "城关街道", "district": "凤翔区"},
        headers=district,
    )
    assert r.status_code == 200, r.text
    admin = place.people(auth).admin
    for grid in place.grids:
        r = await client.post(
            f"/api/v1/communities/{place.community}/grids", json={"grid_id": grid, "name": f"网格{grid}"}, headers=admin
        )
        assert r.status_code == 200, r.text
    r = await client.put(
        f"/api/v1/communities/{place.community}/members/gm1",
        json={"person_name": "李网格", "role": "grid_member", "grid_id": place.grids[0]},
        headers=admin,
    )
    assert r.status_code == 200, r.text
    return place


@pytest.fixture
async def place(grid, auth) -> Place:
    return await setup_hierarchy(grid, auth)


async def upload(client, who) -> str:
    r = await client.post("/api/v1/uploads", files={"file": ("p.png", PNG, "image/png")}, headers=who)
    assert r.status_code == 201, r.text
    return r.json()["upload_id"]


async def escalated_report(client, auth, place: Place) -> tuple[str, str]:
    """Grid member 李网格's report with a photo, escalated: (report_id, photo)."""
    who = place.people(auth)
    photo = await upload(client, who.member)
    r = await client.post("/api/v1/reports", json={**place.report, "photo_upload_ids": [photo]}, headers=who.member)
    assert r.status_code == 200, r.text
    report_id = r.json()["data"]["report_id"]
    r = await client.post(f"/api/v1/reports/{report_id}/escalation", json={"reason": "需城管处理"}, headers=who.member)
    assert r.status_code == 200, r.text
    return report_id, photo


async def dispatched_ticket(client, auth, place: Place) -> tuple[str, str, str]:
    """That report dispatched by the dispatcher, to 城管 (the category's department): (ticket_id,
    photo, position)."""
    report_id, photo = await escalated_report(client, auth, place)
    admin = place.people(auth).admin
    r = await client.post("/api/v1/tickets", json={**place.dispatch, "report_id": report_id}, headers=admin)
    assert r.status_code == 200, r.text
    return r.json()["data"]["ticket_id"], photo, r.json()["position"]


async def handled_by_housing(client, auth, clock, place: Place, tid: str) -> tuple[dt.datetime, str, str]:
    """The ticket returned by 城管 (退单), re-dispatched to 住建, accepted within the hour and
    reported back with evidence 20 h later: (when it was returned, evidence, position)."""
    who = place.people(auth)
    r = await client.post(f"/api/v1/tickets/{tid}/return", json={"reason": "此事属物业管理"}, headers=who.urban)
    assert r.status_code == 200, r.text
    returned = dt.datetime.now(dt.UTC)
    r = await client.post(
        f"/api/v1/tickets/{tid}/redispatch", json={"department_id": place.dep_housing}, headers=who.admin
    )
    assert r.status_code == 200, r.text
    clock.advance(hours=1)
    r = await client.post(f"/api/v1/tickets/{tid}/acceptance", headers=who.housing)
    assert r.status_code == 200, r.text
    evidence = await upload(client, who.housing)
    clock.advance(hours=20)
    r = await client.post(
        f"/api/v1/tickets/{tid}/report-back",
        json={"result": "已清运", "evidence_upload_ids": [evidence]},
        headers=who.housing,
    )
    assert r.json()["events"] == ["TicketHandled", "TicketReportedBack"]
    return returned, evidence, r.json()["position"]


async def reopened_by_revisit(client, auth, clock, place: Place) -> tuple[str, dt.datetime, str]:
    """A ticket handled by 住建, verified and closed; the resident, revisited, is unsatisfied, so it
    is reopened: (ticket_id, when 城管 returned it, position)."""
    tid, _, _ = await dispatched_ticket(client, auth, place)
    returned, _, _ = await handled_by_housing(client, auth, clock, place, tid)
    admin = place.people(auth).admin
    r = await client.post(f"/api/v1/tickets/{tid}/verification", json={"passed": True}, headers=admin)
    assert r.json()["events"] == ["TicketVerified", "TicketClosed"]
    r = await client.post(
        f"/api/v1/tickets/{tid}/revisit", json={"satisfaction": "unsatisfied", "comment": "又堆上了"}, headers=admin
    )
    assert r.json()["events"] == ["SatisfactionRecorded", "TicketReopened"]
    return tid, returned, r.json()["position"]


async def test_journey_report_to_closed_ticket(grid, auth, place) -> None:
    """A grid member reports with a photo and escalates; the dispatcher dispatches it to the
    category's department with its deadline; the department sees the photo, accepts and reports
    back with evidence; the dispatcher sees the evidence and verifies: the ticket is closed."""
    client = grid
    who = place.people(auth)

    r = await client.post("/api/v1/uploads", files={"file": ("p.png", PNG, "image/png")}, headers=who.member)
    assert r.status_code == 201, r.text
    photo = r.json()["upload_id"]
    r = await client.post("/api/v1/reports", json={**place.report, "photo_upload_ids": [photo]}, headers=who.member)
    assert r.status_code == 200, r.text
    report_id = r.json()["data"]["report_id"]
    r = await client.post(f"/api/v1/reports/{report_id}/escalation", json={"reason": "需城管处理"}, headers=who.member)
    assert r.status_code == 200, r.text
    r = await client.get(f"/api/v1/reports?after={r.json()['position']}", headers=who.member)
    assert [i["state"] for i in r.json()["items"]] == ["escalated"]

    r = await client.post("/api/v1/tickets", json={**place.dispatch, "report_id": report_id}, headers=who.admin)
    assert r.status_code == 200, r.text
    ticket = r.json()["data"]
    tid = ticket["ticket_id"]
    assert ticket["department_id"] == place.dep_urban
    # 2026-11-18 is a Wednesday: five working days → Wednesday 25th, end of day in Beijing.
    assert ticket["deadline"] == "2026-11-25T15:59:59+00:00"
    # The report's photo goes with the ticket to the department holding it.
    r = await client.get(f"/api/v1/tickets/{tid}?after={r.json()['position']}", headers=who.urban)
    assert r.status_code == 200
    assert r.json()["report_photo_upload_ids"] == [photo]
    assert (await client.get(f"/api/v1/uploads/{photo}", headers=who.urban)).status_code == 200
    assert (await client.get(f"/api/v1/uploads/{photo}", headers=who.admin)).status_code == 200

    r = await client.post(f"/api/v1/tickets/{tid}/acceptance", headers=who.urban)
    assert r.json()["events"] == ["TicketAccepted"], r.text
    evidence = await upload(client, who.urban)
    r = await client.post(
        f"/api/v1/tickets/{tid}/report-back",
        json={"result": "已清运", "evidence_upload_ids": [evidence]},
        headers=who.urban,
    )
    assert r.json()["events"] == ["TicketHandled", "TicketReportedBack"]
    r = await client.get(f"/api/v1/tickets/{tid}?after={r.json()['position']}", headers=who.admin)
    r = await client.get(f"/api/v1/uploads/{evidence}", headers=who.admin)
    assert r.status_code == 200
    r = await client.post(f"/api/v1/tickets/{tid}/verification", json={"passed": True}, headers=who.admin)
    assert r.json()["events"] == ["TicketVerified", "TicketClosed"]
    r = await client.get(f"/api/v1/tickets/{tid}?after={r.json()['position']}", headers=who.member)
    assert (r.json()["state"], r.json()["round"]) == ("closed", 1)


async def test_a_report_is_filed_and_escalated_only_in_ones_own_grid_with_uploaded_photos(grid, auth, place) -> None:
    client = grid
    who = place.people(auth)
    report = {**place.report, "photo_upload_ids": [await upload(client, who.member)]}
    r = await client.post("/api/v1/reports", json={**report, "grid_id": place.grids[1]}, headers=who.member)
    assert r.status_code == 403 and r.json()["code"] == "not_your_grid"
    r = await client.post("/api/v1/reports", json={**report, "photo_upload_ids": ["upl_missing"]}, headers=who.member)
    assert r.status_code == 422 and r.json()["code"] == "upload_not_found"
    r = await client.post("/api/v1/reports", json=report, headers=who.member)
    assert r.status_code == 200, r.text
    report_id = r.json()["data"]["report_id"]
    r = await client.post(
        f"/api/v1/reports/{report_id}/escalation", json={"reason": "需城管处理"}, headers=who.other_grid
    )
    assert r.status_code == 403 and r.json()["code"] == "not_your_grid"


async def test_a_report_is_dispatched_once_and_only_by_its_communitys_dispatcher(grid, auth, place) -> None:
    client = grid
    report_id, _ = await escalated_report(client, auth, place)
    who = place.people(auth)
    dispatch = {**place.dispatch, "report_id": report_id}
    r = await client.post("/api/v1/tickets", json=dispatch, headers=who.member)
    assert r.status_code == 403
    r = await client.post("/api/v1/tickets", json=dispatch, headers=who.other_admin)
    assert r.status_code == 404
    r = await client.post("/api/v1/tickets", json=dispatch, headers=who.admin)
    assert r.status_code == 200, r.text
    await client.get(f"/api/v1/tickets/{r.json()['data']['ticket_id']}?after={r.json()['position']}", headers=who.admin)
    r = await client.post("/api/v1/tickets", json=dispatch, headers=who.admin)
    assert r.status_code == 409 and r.json()["code"] == "ticket_already_dispatched"


async def test_a_ticket_is_accepted_only_by_the_department_holding_it(grid, auth, place) -> None:
    """Not by another department; not by the one that returned it (退单); by the department it
    is re-dispatched to."""
    client = grid
    tid, _, _ = await dispatched_ticket(client, auth, place)
    who = place.people(auth)
    r = await client.post(f"/api/v1/tickets/{tid}/acceptance", headers=who.housing)
    assert r.status_code == 403 and r.json()["code"] == "not_your_department"
    assert r.headers["content-type"].startswith("application/problem+json")
    r = await client.post(f"/api/v1/tickets/{tid}/return", json={"reason": "此事属物业管理"}, headers=who.urban)
    assert r.status_code == 200, r.text
    r = await client.post(f"/api/v1/tickets/{tid}/acceptance", headers=who.urban)
    assert r.status_code == 409 and r.json()["code"] == "ticket_returned"
    r = await client.post(
        f"/api/v1/tickets/{tid}/redispatch", json={"department_id": place.dep_housing}, headers=who.admin
    )
    assert r.status_code == 200, r.text
    r = await client.post(f"/api/v1/tickets/{tid}/acceptance", headers=who.housing, params={})
    assert r.status_code == 200, r.text


async def test_a_ticket_is_not_closed_before_it_is_verified(grid, auth, place) -> None:
    client = grid
    who = place.people(auth)
    r = await client.post("/api/v1/tickets", json=place.dispatch, headers=who.admin)
    tid = r.json()["data"]["ticket_id"]
    r = await client.post(f"/api/v1/tickets/{tid}/acceptance", headers=who.urban)
    assert r.status_code == 200, r.text
    r = await client.post(f"/api/v1/tickets/{tid}/closing", headers=who.admin)
    assert r.status_code == 409 and r.json()["code"] == "ticket_not_verified"


async def test_photos_and_evidence_open_only_to_the_department_holding_the_ticket_and_its_dispatcher(
    grid, auth, clock, place
) -> None:
    client = grid
    tid, photo, position = await dispatched_ticket(client, auth, place)
    who = place.people(auth)
    await client.get(f"/api/v1/tickets/{tid}?after={position}", headers=who.urban)
    for outsider in (who.housing, who.other_admin):
        r = await client.get(f"/api/v1/uploads/{photo}", headers=outsider)
        assert (r.status_code, r.json()["code"]) == (403, "upload_forbidden")
    _, evidence, position = await handled_by_housing(client, auth, clock, place, tid)
    r = await client.get(f"/api/v1/tickets/{tid}?after={position}", headers=who.admin)
    r = await client.get(f"/api/v1/uploads/{evidence}", headers=who.admin)
    assert r.status_code == 200
    for outsider in (who.urban, who.other_admin):  # urban returned the ticket; it is housing's now
        r = await client.get(f"/api/v1/uploads/{evidence}", headers=outsider)
        assert (r.status_code, r.json()["code"]) == (403, "upload_forbidden")
    assert (await client.get(f"/api/v1/uploads/{photo}", headers=who.urban)).status_code == 403


async def test_an_unsatisfied_revisit_reopens_the_ticket_for_another_round_on_its_departments_board(
    grid, auth, clock, place
) -> None:
    client = grid
    tid, _, _ = await dispatched_ticket(client, auth, place)
    await handled_by_housing(client, auth, clock, place, tid)
    who = place.people(auth)
    r = await client.post(f"/api/v1/tickets/{tid}/verification", json={"passed": True}, headers=who.admin)
    assert r.json()["events"] == ["TicketVerified", "TicketClosed"]
    r = await client.post(
        f"/api/v1/tickets/{tid}/revisit", json={"satisfaction": "unsatisfied", "comment": "又堆上了"}, headers=who.admin
    )
    assert r.json()["events"] == ["SatisfactionRecorded", "TicketReopened"]

    r = await client.get(f"/api/v1/tickets/{tid}?after={r.json()['position']}", headers=who.housing)
    body = r.json()
    assert body["state"] == "dispatched" and body["round"] == 3 and body["department_id"] == place.dep_housing
    assert [h["type"] for h in body["history"]][:3] == ["TicketDispatched", "TicketReturned", "TicketDispatched"]
    assert body["history"][1]["actor_id"] == "dh1"
    r = await client.get("/api/v1/boards/department", headers=who.housing)
    assert [i["ticket_id"] for i in r.json()["items"]] == [tid]


async def test_the_ticket_history_tells_each_step_in_chinese_to_those_who_may_read_the_ticket(
    grid, auth, clock, place
) -> None:
    """Why it is so: the steps in Chinese, with who, when and why; authorized like the ticket."""
    client = grid
    tid, _, position = await reopened_by_revisit(client, auth, clock, place)
    who = place.people(auth)
    await client.get(f"/api/v1/tickets/{tid}?after={position}", headers=who.housing)
    r = await client.get(f"/api/v1/tickets/{tid}/history", headers=who.housing)
    steps = r.json()["items"]
    assert [s["action"] for s in steps[:3]] == ["派单", "退单", "派单"]
    assert (steps[1]["actor_id"], steps[1]["reason"]) == ("dh1", "此事属物业管理")
    revisit = next(s for s in steps if s["type"] == "SatisfactionRecorded")
    assert (revisit["action"], revisit["detail"], revisit["reason"]) == ("回访", "未解决", "又堆上了")
    assert steps[-1]["action"] == "重新办理" and steps[-1]["detail"].startswith("新期限 ")
    r = await client.get(f"/api/v1/tickets/{tid}/history", headers=who.other_grid)
    assert (r.status_code, r.json()["code"]) == (403, "ticket_forbidden")
    r = await client.get(f"/api/v1/tickets/{tid}", headers=who.other_grid)
    assert r.status_code == 403


async def test_the_figures_count_returns_work_on_time_revisits_and_each_grids_load_also_as_of_a_past_time(
    grid, auth, clock, place
) -> None:
    client = grid
    tid, returned, position = await reopened_by_revisit(client, auth, clock, place)
    admin = place.people(auth).admin
    await client.get(f"/api/v1/tickets/{tid}?after={position}", headers=admin)
    r = await client.get("/api/v1/figures/departments", headers=admin)
    league = {row["department_id"]: row for row in r.json()["departments"]}
    assert league[place.dep_urban]["returned"] == 1
    housing = league[place.dep_housing]
    assert housing["resolved_on_time"] == 1 and housing["satisfaction_rate"] == 0.0
    # The table as it stood when urban had returned it: housing had no round yet.
    r = await client.get("/api/v1/figures/departments", params={"as_of": returned.isoformat()}, headers=admin)
    then = {row["department_id"]: row for row in r.json()["departments"]}
    assert then[place.dep_urban]["returned"] == 1 and place.dep_housing not in then and r.json()["as_of"] is not None
    r = await client.get("/api/v1/figures/departments", headers=admin)
    assert {row["department_id"]: row for row in r.json()["departments"]} == league  # the live table is untouched
    r = await client.get("/api/v1/figures/grids", headers=admin)
    workload = {row["grid_id"]: row for row in r.json()}
    grid_01 = workload[place.grids[0]]
    assert grid_01["escalated"] == 1 and grid_01["open_tickets"] == 1
    assert grid_01["members"] == 1


async def test_scheduler_marks_overdue_and_escalates_exactly_once_across_restarts(
    own_grid, auth, clock, wait_until
) -> None:
    client, app = own_grid
    place = await setup_hierarchy(client, auth)
    who = place.people(auth)
    admin, urban = who.admin, who.urban
    dispatch = {"category": place.category, "kind": "consultation", "title": "咨询", "text": "咨询垃圾分类时间"}
    r = await client.post("/api/v1/tickets", json=dispatch, headers=admin)
    tid = r.json()["data"]["ticket_id"]
    runtime = app.state.runtime
    await client.get(f"/api/v1/boards/dispatch?after={r.json()['position']}", headers=admin)

    first = DeadlineScheduler(runtime)
    assert (await first.run_pass()).events == 0
    clock.advance(hours=3)  # past the 2 h acceptance limit
    assert (await first.run_pass()).events == 1

    async def overdue_listed():
        r = await client.get("/api/v1/boards/overdue", headers=admin)
        return r.json()["total"] == 1

    await client.get("/api/v1/tickets/" + tid, headers=admin)
    await wait_until(overdue_listed)
    r = await client.post(f"/api/v1/tickets/{tid}/acceptance", headers=urban)
    assert r.json()["events"] == ["TicketAccepted"]
    clock.advance(days=10)  # far past the 1-working-day deadline and every rung
    restarted = DeadlineScheduler(runtime)
    results = [await restarted.run_pass(), await first.run_pass()]
    assert [r.events for r in results] == [4, 0]
    events = [e.type for e in await runtime.store.load(tid)]
    assert events.count("TicketOverdue") == 2 and events.count("TicketEscalated") == 3
    # 督办 by a person: the dispatcher of the ticket's community (or the district), with a request.
    for refused, code in ((urban, "role_required"), (who.other_admin, "not_your_community")):
        r = await client.post(f"/api/v1/tickets/{tid}/urging", json={"note": "请今日反馈"}, headers=refused)
        assert (r.status_code, r.json()["code"]) == (403, code), r.text
    r = await client.post(f"/api/v1/tickets/{tid}/urging", json={"note": "请"}, headers=admin)
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem+json")
    r = await client.post(f"/api/v1/tickets/{tid}/urging", json={"note": "请于今日下班前反馈"}, headers=admin)
    assert r.json()["events"] == ["TicketUrged"], r.text
    r = await client.get(f"/api/v1/tickets/{tid}", headers=urban)
    urged = [h for h in r.json()["history"] if h["type"] == "TicketUrged"]
    assert urged[0]["data"]["note"] == "请于今日下班前反馈" and urged[0]["actor_name"] == "调度员"
    r = await client.post(
        f"/api/v1/tickets/{tid}/extension-request",
        json={"reason": "材料未到位", "requested_deadline": "2026-12-30T10:00:00Z"},
        headers=urban,
    )
    assert r.status_code == 409 and r.json()["code"] == "deadline_passed"

    async def settled():
        return (await restarted.run_pass()).due == 0

    await wait_until(settled)


async def test_a_screened_micro_wish_is_claimed_once_and_fulfilled_with_evidence(grid, auth, place) -> None:
    client = grid
    who = place.people(auth)
    member, admin = who.member, who.admin
    v1 = auth("pm1", "volunteer", name="党员甲", community=place.community)
    v2 = auth("pm2", "volunteer", name="党员乙")
    body = {
        "resident_name": "张奶奶",
        "title": "想要助听器",
        "description": "独居老人听力下降",
        "category": "elderly_care",
    }
    r = await client.post("/api/v1/wishes", json=body, headers=member)
    wid = r.json()["data"]["wish_id"]
    r = await client.post(f"/api/v1/wishes/{wid}/claim", json={}, headers=v1)
    assert r.status_code == 409 and r.json()["code"] == "wish_not_screened"
    r = await client.post(f"/api/v1/wishes/{wid}/screening", json={"approve": True}, headers=member)
    assert r.status_code == 403
    r = await client.post(f"/api/v1/wishes/{wid}/screening", json={"approve": True}, headers=admin)
    r = await client.post(
        "/api/v1/resources",
        json={"community_id": place.community, "title": "助听器捐赠", "description": "医院捐赠助听器"},
        headers=v1,
    )
    resource = r.json()["data"]["resource_id"]
    r = await client.post(f"/api/v1/wishes/{wid}/claim", json={"resource_id": resource}, headers=v1)
    assert r.status_code == 200, r.text
    r = await client.post(f"/api/v1/wishes/{wid}/claim", json={}, headers=v2)
    assert r.status_code == 409 and r.json()["code"] == "wish_already_claimed"
    r = await client.post("/api/v1/uploads", files={"file": ("e.png", PNG, "image/png")}, headers=v1)
    r = await client.post(
        f"/api/v1/wishes/{wid}/fulfilment",
        json={"note": "已送达", "evidence_upload_ids": [r.json()["upload_id"]]},
        headers=v1,
    )
    assert r.status_code == 200, r.text
    r = await client.get(f"/api/v1/wishes?list=service&after={r.json()['position']}", headers=admin)
    assert r.json()["total"] == 1 and r.json()["counts"] == {"fulfilled": 1}
    r = await client.get("/api/v1/resources", headers=v2)
    [offered] = [i for i in r.json()["items"] if i["resource_id"] == resource]
    assert offered["matched"] == 1


async def test_waiting_for_dispatch_lists_escalated_reports_without_a_ticket(grid, auth, place) -> None:
    client = grid
    who = place.people(auth)
    member, admin = who.member, who.admin
    photo = await upload(client, member)
    report_ids = []
    for n in range(3):
        report = {**place.report, "text": f"东大街 {n} 号垃圾堆积", "address": f"东大街 {n} 号"}
        r = await client.post("/api/v1/reports", json={**report, "photo_upload_ids": [photo]}, headers=member)
        assert r.status_code == 200, r.text
        report_ids.append(r.json()["data"]["report_id"])
        r = await client.post(f"/api/v1/reports/{report_ids[-1]}/escalation", json={"reason": "需派单"}, headers=member)
        assert r.status_code == 200, r.text
    r = await client.post("/api/v1/tickets", json={**place.dispatch, "report_id": report_ids[0]}, headers=admin)
    assert r.status_code == 200, r.text
    after = r.json()["position"]

    r = await client.get(f"/api/v1/reports?state=escalated&after={after}", headers=admin)
    assert r.json()["total"] == 3
    r = await client.get(f"/api/v1/reports?state=escalated&dispatched=false&limit=1&after={after}", headers=admin)
    page = r.json()
    assert page["total"] == 2 and len(page["items"]) == 1 and page["items"][0]["ticket_id"] is None
    r = await client.get("/api/v1/reports?state=escalated&dispatched=false&limit=1&offset=1", headers=admin)
    second = r.json()["items"]
    assert len(second) == 1 and {page["items"][0]["report_id"], second[0]["report_id"]} == set(report_ids[1:])
    r = await client.get("/api/v1/reports?dispatched=true", headers=admin)
    assert [i["report_id"] for i in r.json()["items"]] == [report_ids[0]]
    assert r.json()["items"][0]["ticket_id"] is not None
    r = await client.get("/api/v1/reports?dispatched=maybe", headers=admin)
    assert r.status_code == 422


async def test_lists_outside_ones_scope_are_refused_not_empty(grid, auth, place) -> None:
    client = grid
    district = auth("da", "district_admin", name="区网格办")
    other, other_grid = place.other_community, f"grd_q1_{place.other_community}"
    r = await client.post(
        "/api/v1/communities",
        json={"community_id": other, "name": "青松社区", "street": "城关街道", "district": "凤翔区"},
        headers=district,
    )
    assert r.status_code == 200, r.text
    who = place.people(auth)
    r = await client.post(
        f"/api/v1/communities/{other}/grids",
        json={"grid_id": other_grid, "name": "青松一网格"},
        headers=who.other_admin,
    )
    assert r.status_code == 200, r.text
    r = await client.get(f"/api/v1/communities/{other}/grids?after={r.json()['position']}", headers=who.other_admin)
    assert [g["grid_id"] for g in r.json()] == [other_grid]
    for path in (
        f"/api/v1/boards/overdue?community_id={other}",
        f"/api/v1/boards/dispatch?community_id={other}",
        f"/api/v1/figures/departments?community_id={other}",
        f"/api/v1/figures/grids?community_id={other}",
        f"/api/v1/wishes?community_id={other}",
        f"/api/v1/reports?grid_id={other_grid}",
    ):
        r = await client.get(path, headers=who.admin)
        assert r.status_code == 403, (path, r.status_code, r.text)
    r = await client.get(f"/api/v1/reports?grid_id={place.grids[1]}", headers=who.member)
    assert (r.status_code, r.json()["code"]) == (403, "not_your_grid")
    assert (await client.get(f"/api/v1/reports?grid_id={place.grids[1]}", headers=who.admin)).status_code == 200
    r = await client.get(f"/api/v1/figures/departments?community_id={place.community}", headers=who.admin)
    assert r.status_code == 200


async def test_partly_solved_revisit_reopens_and_counts_in_the_league(grid, auth, place) -> None:
    client = grid
    who = place.people(auth)
    admin, urban = who.admin, who.urban

    async def closed_ticket() -> str:
        r = await client.post("/api/v1/tickets", json=place.dispatch, headers=admin)
        tid = r.json()["data"]["ticket_id"]
        for path, body, actor in (
            ("acceptance", None, urban),
            ("report-back", {"result": "已清运", "evidence_upload_ids": []}, urban),
            ("verification", {"passed": True}, admin),
        ):
            r = await client.post(f"/api/v1/tickets/{tid}/{path}", json=body, headers=actor)
            assert r.status_code == 200, r.text
        return tid

    partly, solved = await closed_ticket(), await closed_ticket()
    r = await client.post(f"/api/v1/tickets/{partly}/revisit", json={"satisfaction": "basically"}, headers=admin)
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem+json")
    r = await client.post(
        f"/api/v1/tickets/{partly}/revisit",
        json={"satisfaction": "partly", "comment": "楼道清了", "note": "楼后的垃圾还没清运"},
        headers=admin,
    )
    assert r.json()["events"] == ["SatisfactionRecorded", "TicketReopened"]
    r = await client.post(f"/api/v1/tickets/{solved}/revisit", json={"satisfaction": "satisfied"}, headers=admin)
    assert r.json()["events"] == ["SatisfactionRecorded"]

    r = await client.get(f"/api/v1/tickets/{partly}?after={r.json()['position']}", headers=urban)
    body = r.json()
    assert (body["state"], body["round"], body["department_id"]) == ("dispatched", 2, place.dep_urban)
    reopened = [h for h in body["history"] if h["type"] == "TicketReopened"]
    assert reopened[0]["data"]["reason"] == "楼后的垃圾还没清运"
    r = await client.get("/api/v1/figures/departments", headers=admin)
    row = {row["department_id"]: row for row in r.json()["departments"]}[place.dep_urban]
    assert (row["revisited"], row["satisfied"], row["partly"], row["unsolved"]) == (2, 1, 1, 0)
    assert (row["satisfaction_rate"], row["partly_rate"], row["unsolved_rate"]) == (0.5, 0.5, 0.0)
