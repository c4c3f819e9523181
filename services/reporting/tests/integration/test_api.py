"""The reporting API over read models holding a synthetic history: statistics, notices, bulletins,
archives, exports, positions and authorization."""

from __future__ import annotations

import dataclasses
import io
import uuid
import zipfile

import openpyxl
from docx import Document

from grassroots_common.projections.checkpoints import apply_batch
from reporting import scheduler
from reporting.projections import TicketsProjection

from .conftest import HISTORY

PROBLEM = "application/problem+json"


def _docx_xml(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        return z.read("word/document.xml").decode()


async def test_statistics_for_the_district_state_positions_per_stream(reporting, auth) -> None:
    r = await reporting.get("/api/v1/statistics?period=2026-Q3", headers=auth("d1", "district_admin"))
    assert r.status_code == 200, r.text
    body = r.json()
    figures = {f["key"]: f for f in body["figures"]}
    assert set(figures) >= {"log_submission", "review_progress", "ticket_departments", "funds_by_source"}
    units = figures["log_submission"]["rows"]
    assert {u["unit_id"] for u in units} == {"u000", "u001", "u002"}
    # Six people enrolled on Monday 6 July (W28): the quarter's first week (W27) was never theirs to write.
    assert all(u["expected"] == 6 * 12 for u in units)
    assert sum(u["uses"] for u in figures["result_use_by_kind"]["rows"]) == sum(
        1 for e in HISTORY["appraisal"] if e.type == "ResultApplied"
    )
    funds = sum(e.data["amount_fen"] for e in HISTORY["village"] if e.type == "ProjectFunded")
    assert round(sum(f["amount_yuan"] for f in figures["funds_by_source"]["rows"]) * 100) == funds
    positions = body["positions"]
    assert set(positions) == {"submissions", "appraisal", "tickets", "villages"}
    assert positions["appraisal"]["appraisal"]["sequence"] == HISTORY["appraisal"][-1].sequence
    assert positions["tickets"]["grid"]["sequence"] == HISTORY["grid"][-1].sequence
    assert positions["villages"]["village"]["sequence"] == HISTORY["village"][-1].sequence

    r = await reporting.get("/api/v1/statistics.xlsx?period=2026-Q3", headers=auth("d1", "district_admin"))
    assert r.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(r.content))
    assert "周纪实提交情况" in book.sheetnames and "项目资金来源" in book.sheetnames
    assert book["周纪实提交情况"]["A1"].value == "单位"


async def test_monthly_summaries_count_in_the_month_they_fall_due(reporting, auth) -> None:
    district = auth("d1", "district_admin")
    r = await reporting.get("/api/v1/statistics?period=2026-08", headers=district)
    summaries = next(f for f in r.json()["figures"] if f["key"] == "summary_submission")
    # The synthetic July: all six people of each unit wrote a summary, one of them late.
    assert [(u["expected"], u["submitted"], u["late"]) for u in summaries["rows"]] == [(6, 6, 1)] * 3
    assert summaries["sentence"].startswith("2026年7月，3 个单位应提交月小结 18 篇，实交 18 篇")
    assert "最低" not in summaries["sentence"]  # every unit at 100 %: no unit to single out
    r = await reporting.get("/api/v1/statistics?period=2026-07", headers=district)
    june = next(f for f in r.json()["figures"] if f["key"] == "summary_submission")
    assert sum(u["submitted"] for u in june["rows"]) == 0
    r = await reporting.post("/api/v1/notices", json={"kind": "monthly", "period": "2026-08"}, headers=district)
    assert r.status_code == 201, r.text
    assert "summary_submission" in [s["key"] for s in r.json()["sections"]]


async def test_statistics_authorization(reporting, auth) -> None:
    admin = auth("ua", "unit_admin", unit="u001")
    r = await reporting.get("/api/v1/statistics?period=2026-Q3", headers=admin)
    assert r.status_code == 200
    rows = next(f for f in r.json()["figures"] if f["key"] == "log_submission")["rows"]
    assert [u["unit_id"] for u in rows] == ["u001"]
    r = await reporting.get("/api/v1/statistics?period=2026-Q3&unit=u002", headers=admin)
    assert r.status_code == 403 and r.headers["content-type"] == PROBLEM
    assert r.json()["code"] == "unit_out_of_scope"
    for other in ("town=610305100", "community=com_other"):  # refused, not answered with district-wide figures
        r = await reporting.get(f"/api/v1/statistics?period=2026-Q3&{other}", headers=admin)
        assert (r.status_code, r.json()["code"]) == (403, "unit_out_of_scope")
    r = await reporting.get("/api/v1/statistics", headers=auth("s1", "staff", unit="u001"))
    assert r.status_code == 403 and r.headers["content-type"] == PROBLEM


async def test_notices_are_numbered_stored_and_downloadable(reporting, auth) -> None:
    district = auth("d1", "district_admin")
    r = await reporting.post("/api/v1/notices", json={"kind": "weekly", "period": "2026-W29"}, headers=district)
    assert r.status_code == 201, r.text
    weekly = r.json()
    assert weekly["code"] == "凤组通〔2026〕1号" and weekly["number"] == 1
    assert [s["key"] for s in weekly["sections"]] == ["log_submission", "ticket_departments", "projects_behind"]
    assert "周纪实" in weekly["summary"] and weekly["positions"]["submissions"]["appraisal"]["sequence"] > 0

    again = await reporting.post("/api/v1/notices", json={"kind": "weekly", "period": "2026-W29"}, headers=district)
    assert again.status_code == 409 and again.json()["code"] == "notice_exists"
    wrong = await reporting.post("/api/v1/notices", json={"kind": "monthly", "period": "2026-W29"}, headers=district)
    assert wrong.status_code == 422 and wrong.json()["code"] == "period_kind_mismatch"
    r = await reporting.post("/api/v1/notices", json={"kind": "quarterly", "period": "2026-Q3"}, headers=district)
    assert r.status_code == 201 and r.json()["number"] == 2
    assert "result_use_by_unit" in [s["key"] for s in r.json()["sections"]]

    for who in (auth("ua", "unit_admin", unit="u001"), auth("s1", "staff", unit="u001")):
        r = await reporting.post("/api/v1/notices", json={"kind": "monthly", "period": "2026-07"}, headers=who)
        assert r.status_code == 403 and r.headers["content-type"] == PROBLEM

    r = await reporting.get("/api/v1/notices", headers=auth("ua", "unit_admin", unit="u001"))
    assert r.status_code == 200 and r.json()["total"] == 2
    assert [n["number"] for n in r.json()["items"]] == [2, 1]
    r = await reporting.get(f"/api/v1/notices/{weekly['id']}", headers=district)
    assert r.json()["sections"] == weekly["sections"]

    r = await reporting.get(f"/api/v1/notices/{weekly['id']}.docx", headers=district)
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/vnd.openxmlformats")
    doc = Document(io.BytesIO(r.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert weekly["title"] in text and "凤组通〔2026〕1号" in text and "中共凤翔区委组织部" in text
    assert doc.tables and doc.tables[0].rows[0].cells[0].text == "单位"
    assert 'w:eastAsia="仿宋_GB2312"' in _docx_xml(r.content)
    r = await reporting.get(f"/api/v1/notices/{weekly['id']}.xlsx", headers=district)
    assert openpyxl.load_workbook(io.BytesIO(r.content)).sheetnames[0] == "说明"
    r = await reporting.get("/api/v1/notices/999", headers=district)
    assert r.status_code == 404 and r.json()["code"] == "notice_not_found"


async def test_bulletins_mix_text_and_figures_and_export_to_word(reporting, auth) -> None:
    district = auth("d1", "district_admin")
    body = {
        "title": "凤翔区平时考核工作进展",
        "editor_note": "现将各单位平时考核推进情况刊发，供学习借鉴。",
        "issued_on": "2026-09-30",
        "sections": [
            {"heading": "一、总体情况", "text": "全区平时考核工作有序推进。\n各单位高度重视。"},
            {"heading": "二、周纪实", "figure": {"key": "log_submission", "period": "2026-07"}},
            {
                "heading": "三、结果运用",
                "figure": {"key": "result_use_by_kind", "period": "2026-Q3", "display": "sentence"},
            },
            {"heading": "四、书记项目", "figure": {"key": "project_ranking", "period": "2026-Q3"}},
        ],
        "distribution": ["市委组织部", "区级各部门"],
    }
    r = await reporting.post("/api/v1/bulletins", json=body, headers=district)
    assert r.status_code == 201, r.text
    first = r.json()
    assert (first["series"], first["issue"], first["issue_label"]) == ("组工信息", 1, "2026年第1期")
    assert first["sections"][1]["figure"]["rows"] and first["sections"][2]["display"] == "sentence"
    r = await reporting.post("/api/v1/bulletins", json=body, headers=district)
    assert r.json()["issue"] == 2

    bad = {**body, "sections": [{"heading": "空"}]}
    assert (await reporting.post("/api/v1/bulletins", json=bad, headers=district)).status_code == 422
    bad = {**body, "sections": [{"figure": {"key": "nonsense", "period": "2026-07"}}]}
    assert (await reporting.post("/api/v1/bulletins", json=bad, headers=district)).status_code == 422
    r = await reporting.post("/api/v1/bulletins", json=body, headers=auth("ua", "unit_admin", unit="u001"))
    assert r.status_code == 403

    r = await reporting.get(f"/api/v1/bulletins/{first['id']}.docx", headers=district)
    assert r.status_code == 200
    doc = Document(io.BytesIO(r.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    for expected in (
        "组工信息",
        "第1期",
        "编者按：",
        "凤翔区平时考核工作进展",
        "各单位高度重视。",
        "分送：市委组织部，区级各部门。",
    ):
        assert expected in text
    assert "2026年9月30日" in text
    assert len(doc.tables) == 2  # the sentence block has no table
    xml = _docx_xml(r.content)
    assert 'w:eastAsia="方正小标宋简体"' in xml and 'w:eastAsia="黑体"' in xml


# --- archives: read only, one app for them all ------------------------------------------------------

PERSON = "u001-p002"
PERSON_URL = f"/api/v1/archives/people/{PERSON}"


async def test_a_persons_archive_holds_their_quarters_on_a_timeline(reporting_read_only, auth) -> None:
    r = await reporting_read_only.get(PERSON_URL, headers=auth("d1", "district_admin"))
    assert r.status_code == 200, r.text
    archive = r.json()
    assert archive["unit_id"] == "u001" and archive["quarters"][0]["quarter"] == "2026-Q3"
    times = [e["at"] for e in archive["timeline"]["items"]]
    assert times == sorted(times) and archive["timeline"]["total"] >= 2
    assert any("考核结果公示" in e["title"] for e in archive["timeline"]["items"])
    assert archive["positions"]["archives"]["appraisal"]["sequence"] > 0


async def test_a_persons_archive_is_read_by_them_and_their_unit_administrator_only(reporting_read_only, auth) -> None:
    reporting = reporting_read_only
    assert (await reporting.get(PERSON_URL, headers=auth(PERSON, "staff", unit="u001"))).status_code == 200
    assert (await reporting.get(PERSON_URL, headers=auth("ua", "unit_admin", unit="u001"))).status_code == 200
    for who in (auth("u001-p003", "staff", unit="u001"), auth("ub", "unit_admin", unit="u002")):
        r = await reporting.get(PERSON_URL, headers=who)
        assert r.status_code == 403 and r.json()["code"] == "archive_forbidden"


async def name_and_unit_name(reporting, auth) -> tuple[str, str]:
    archive = (await reporting.get(PERSON_URL, headers=auth("d1", "district_admin"))).json()
    return archive["name"], archive["unit_name"]


async def test_an_archive_is_found_by_name_and_unit_not_only_by_id(reporting_read_only, auth) -> None:
    reporting, district = reporting_read_only, auth("d1", "district_admin")
    name, unit_name = await name_and_unit_name(reporting, auth)
    r = await reporting.get("/api/v1/archives/people", params={"name": name[1:]}, headers=district)
    assert PERSON in [p["person_id"] for p in r.json()["items"]], r.text
    r = await reporting.get("/api/v1/archives/people", params={"name": name, "unit": unit_name[:2]}, headers=district)
    assert [p["person_id"] for p in r.json()["items"]] == [PERSON] and r.json()["items"][0]["unit_name"] == unit_name
    r = await reporting.get("/api/v1/archives/people", params={"name": name, "unit": "u002"}, headers=district)
    assert {p["unit_id"] for p in r.json()["items"]} <= {"u002"} and PERSON not in str(r.json()["items"])


async def test_an_archive_search_takes_wildcards_literally(reporting_read_only, auth) -> None:
    r = await reporting_read_only.get(
        "/api/v1/archives/people", params={"name": "%"}, headers=auth("d1", "district_admin")
    )
    assert r.json()["total"] == 0  # wildcards are taken literally


async def test_an_archive_search_needs_a_term(reporting_read_only, auth) -> None:
    r = await reporting_read_only.get("/api/v1/archives/people", headers=auth("d1", "district_admin"))
    assert (r.status_code, r.json()["code"]) == (422, "search_term_required")


async def test_a_unit_administrator_searches_the_archives_of_their_own_unit_only(reporting_read_only, auth) -> None:
    reporting, other_admin = reporting_read_only, auth("ub", "unit_admin", unit="u002")
    name, _ = await name_and_unit_name(reporting, auth)
    r = await reporting.get("/api/v1/archives/people", params={"name": name}, headers=other_admin)
    assert r.json()["total"] == 0 or all(p["unit_id"] == "u002" for p in r.json()["items"])
    r = await reporting.get("/api/v1/archives/people", params={"unit": "u001"}, headers=other_admin)
    assert (r.status_code, r.json()["code"]) == (403, "unit_out_of_scope")


async def test_a_staff_member_cannot_search_the_archives(reporting_read_only, auth) -> None:
    reporting = reporting_read_only
    name, _ = await name_and_unit_name(reporting, auth)
    r = await reporting.get("/api/v1/archives/people", params={"name": name}, headers=auth(PERSON, "staff", unit="u001"))  # fmt: skip
    assert (r.status_code, r.json()["code"]) == (403, "archive_forbidden")


def funded_village() -> str:
    return next(e.data["village_id"] for e in HISTORY["village"] if e.type == "ProjectFunded")


async def test_a_village_file_holds_its_history_and_incomes(reporting_read_only, auth) -> None:
    r = await reporting_read_only.get(f"/api/v1/archives/villages/{funded_village()}", headers=auth("d1", "district_admin"))  # fmt: skip
    assert r.status_code == 200
    titles = [e["title"] for e in r.json()["timeline"]["items"]]
    assert titles[0].startswith("建档") and any("项目资金到位" in t for t in titles)
    assert r.json()["incomes"][0]["year"] == 2026


async def test_a_town_administrator_elsewhere_cannot_read_a_village_file(reporting_read_only, auth) -> None:
    r = await reporting_read_only.get(
        f"/api/v1/archives/villages/{funded_village()}", headers=auth("t9", "town_admin", town="elsewhere")
    )
    assert r.status_code == 403


async def test_a_tickets_history_starts_with_its_dispatch(reporting_read_only, auth) -> None:
    ticket = HISTORY["grid"][-1].data["ticket_id"]
    community = HISTORY["grid"][-1].data["community_id"]
    r = await reporting_read_only.get(
        f"/api/v1/archives/tickets/{ticket}", headers=auth("c1", "community_admin", community=community)
    )
    assert r.status_code == 200
    dispatch = r.json()["timeline"]["items"][0]
    assert dispatch["type"] == "TicketDispatched"
    # Where it went, by the department's name (the grid registered it before any ticket), never its id.
    department = dispatch["detail"]["department_id"]
    named = {e.data["department_id"]: e.data["name"] for e in HISTORY["grid"] if e.type == "DepartmentRegistered"}
    assert f"至 {named[department]}：" in dispatch["title"] and department not in dispatch["title"]


async def test_an_unknown_ticket_has_no_history(reporting_read_only, auth) -> None:
    r = await reporting_read_only.get("/api/v1/archives/tickets/nope", headers=auth("d1", "district_admin"))
    assert r.status_code == 404


async def test_schedule_issues_each_due_notice_once(reporting, clock) -> None:
    issued = await scheduler.tick(reporting.runtime)
    assert sorted(n["kind"] for n in issued) == ["monthly", "quarterly", "weekly"]
    assert {n["period"] for n in issued} == {"2026-W46", "2026-10", "2026-Q3"}
    assert await scheduler.tick(reporting.runtime) == []
    clock.advance(days=7)
    again = await scheduler.tick(reporting.runtime)
    assert [(n["kind"], n["period"]) for n in again] == [("weekly", "2026-W47")]
    assert again[0]["number"] == 4


async def test_unknown_types_are_counted_and_skipped(reporting, auth) -> None:
    runtime = reporting.runtime
    last = HISTORY["grid"][-1]
    odd = [
        dataclasses.replace(
            last, event_id=str(uuid.uuid4()), type="TicketTeleported", data={}, sequence=last.sequence + 1
        ),
        dataclasses.replace(
            last, event_id=str(uuid.uuid4()), type="TicketClosed", data={"ticket_id": 7}, sequence=last.sequence + 2
        ),
    ]
    before = await runtime.pool.fetchval("SELECT unknown_events FROM projection_status WHERE projection = 'tickets'")
    async with runtime.pool.acquire() as conn:
        assert await apply_batch(conn, TicketsProjection(), odd, source="grid") == 2
        assert await apply_batch(conn, TicketsProjection(), odd, source="grid") == 0  # redelivered: skipped
    after = await runtime.pool.fetchval("SELECT unknown_events FROM projection_status WHERE projection = 'tickets'")
    assert after == before + 1
    r = await reporting.get("/api/v1/statistics?period=2026-Q3", headers=auth("d1", "district_admin"))
    assert r.json()["positions"]["tickets"]["grid"]["sequence"] == last.sequence + 2


async def test_what_is_due_starts_at_enrolment_and_stops_at_today(reporting, auth) -> None:
    """The clock reads Wednesday 18 November 2026: of the quarter under way (Q4, W40–W53) only the weeks
    whose log fell due by then count, and a year before anyone was enrolled owes nothing."""
    district = auth("d1", "district_admin")
    r = await reporting.get("/api/v1/statistics?period=2026-Q4", headers=district)
    logs = next(f for f in r.json()["figures"] if f["key"] == "log_submission")
    # W40 (28 Sep) .. W46 (9–15 Nov, due Monday 16 Nov noon): seven weeks, not the quarter's fourteen.
    assert [u["expected"] for u in logs["rows"]] == [6 * 7] * 3
    r = await reporting.get("/api/v1/statistics?period=2021", headers=district)
    logs = next(f for f in r.json()["figures"] if f["key"] == "log_submission")
    assert sum(u["expected"] for u in logs["rows"]) == 0
    r = await reporting.get("/api/v1/statistics?period=2027-Q1", headers=district)
    logs = next(f for f in r.json()["figures"] if f["key"] == "log_submission")
    assert sum(u["expected"] for u in logs["rows"]) == 0 and "尚无到期" in logs["sentence"]
    review = next(f for f in r.json()["figures"] if f["key"] == "review_progress")
    assert "0 人" not in review["sentence"] and "尚未开展" in review["sentence"]


async def test_growth_archive_joins_wishes_tickets_and_projects_of_the_same_person(reporting, auth) -> None:
    """One archive per cadre: the grid's and the villages' events name the person by the roster id."""
    from .conftest import feed

    person = "u001-p002"
    last = {source: max(e.sequence for e in events) for source, events in HISTORY.items()}
    like = {source: events[-1] for source, events in HISTORY.items()}

    def event(source: str, n: int, type_: str, data: dict):
        return dataclasses.replace(
            like[source], event_id=str(uuid.uuid4()), type=type_, data=data, sequence=last[source] + n, schema_version=1
        )

    await feed(
        reporting.runtime.pool,
        {
            "grid": [
                event("grid", 1, "WishClaimed", {"wish_id": "w-x", "community_id": "c1", "claimant_id": person}),
                event("grid", 2, "TicketAccepted", {"ticket_id": "t-x", "handler_id": person, "on_time": True}),
            ],
            "village": [
                event(
                    "village",
                    1,
                    "ProjectRegistered",
                    {"project_id": "p-x", "village_id": "v-x", "owner_id": person, "name": "光伏电站"},
                ),
            ],
        },
    )
    r = await reporting.get(f"/api/v1/archives/people/{person}?limit=200", headers=auth("d1", "district_admin"))
    titles = [e["title"] for e in r.json()["timeline"]["items"]]
    assert "认领微心愿（党员接单）" in titles and "签收承办工单" in titles and "牵头书记项目：光伏电站" in titles
    assert any("考核结果公示" in t for t in titles)  # with the appraisal line, in one archive
    r = await reporting.get("/api/v1/archives/people/u001-p003?limit=200", headers=auth("d1", "district_admin"))
    assert "牵头书记项目：光伏电站" not in [e["title"] for e in r.json()["timeline"]["items"]]


async def test_a_duplicate_merged_into_another_report_is_no_report_of_its_own(reporting) -> None:
    runtime = reporting.runtime
    last = HISTORY["grid"][-1]
    place = {"community_id": "com_merge", "grid_id": "grd_merge", "category": "environment"}
    kept, duplicate = f"rpt_{uuid.uuid4().hex[:12]}", f"rpt_{uuid.uuid4().hex[:12]}"

    def event(n: int, type_: str, data: dict) -> object:
        return dataclasses.replace(
            last, event_id=str(uuid.uuid4()), type=type_, data=data, sequence=last.sequence + 10 + n
        )

    filed = {**place, "filed_at": "2026-07-01T02:00:00+00:00"}
    async with runtime.pool.acquire() as conn:
        await apply_batch(
            conn,
            TicketsProjection(),
            [
                event(0, "ReportFiled", {**filed, "report_id": kept}),
                event(1, "ReportFiled", {**filed, "report_id": duplicate}),
            ],
            source="grid",
        )
        await apply_batch(
            conn,
            TicketsProjection(),
            [event(2, "ReportMerged", {**place, "report_id": duplicate, "into_report_id": kept})],
            source="grid",
        )
        rows = await conn.fetch("SELECT report_id FROM rpt_tickets.reports WHERE community_id = 'com_merge'")
    assert {r["report_id"] for r in rows} == {kept}
