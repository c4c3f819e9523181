"""Through HTTP: the Excel roster import with its row report, a reviewer commenting on and returning
a log, late and missing logs per week, monthly summaries, reminders and result uses, and refusals.

The tests but the last share one app and its unit (this folder's conftest), each on a week, a month or
a person of its own; the last configures the unit's deadlines, on an app of its own."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from .unit_setup import Unit

HEADER = ["人员编号", "姓名", "股室", "职务", "出生日期", "身份证号", "股组长编号", "分管领导编号", "主要领导编号"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RETURN = {"reason": "请写明具体成效"}


def xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    book.active.append(HEADER)
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def log(week: str) -> dict:
    return {"week": week, "items": [{"text": "整理党建台账", "indicators": ["qin-1"]}]}


OCTOBER = {"month": "2026-10", "text": "十月完成换届筹备材料整理和两次主题党日"}  # a summary of October


async def submit_logs(unit: Unit, week: str, people: list[str]) -> str:
    """Each person's log of the week; the position of the last."""
    for pid in people:
        r = await unit.client.post("/api/v1/logs", json=log(week), headers=unit.h[pid])
        assert r.status_code == 200, r.text
    return r.json()["position"]


# --- the roster ----------------------------------------------------------------------------------


async def test_a_staff_member_cannot_import_the_roster(unit: Unit) -> None:
    content = xlsx([["n1", "韩梅梅", "组织科", "科员", "1993-02-03", "610322199302030021", "c1", "dep", "boss"]])
    files = {"file": ("花名册.xlsx", content, XLSX)}
    r = await unit.client.post("/api/v1/units/u1/roster-imports", files=files, headers=unit.h["s0"])
    assert r.status_code == 403


async def test_the_roster_import_enrolls_the_valid_rows_and_reports_the_others(unit: Unit, auth) -> None:
    """On a unit of its own (u2: its leaders, and 职员s0 whom a row duplicates), so that u1 keeps its 12."""
    district, admin = unit.h["district"], auth("a2", "unit_admin", unit="u2")
    r = await unit.client.post("/api/v1/units", json={"unit_id": "u2", "unit_name": "凤翔区委宣传部"}, headers=district)
    assert r.status_code == 200, r.text
    section = {"section_id": "u2-sec1", "section_name": "组织科"}
    assert (await unit.client.post("/api/v1/units/u2/sections", json=section, headers=admin)).status_code == 200
    for pid, name, birth_date, chain in (
        ("u2-boss", "赵国强", "1980-01-10", {}),
        ("u2-dep", "钱卫东", "1981-02-11", {"principal_leader_id": "u2-boss"}),
        ("u2-c1", "孙丽", "1982-03-12", {"deputy_leader_id": "u2-dep", "principal_leader_id": "u2-boss"}),
        ("u2-s0", "职员s0", "1984-05-14", {"section_chief_id": "u2-c1", "principal_leader_id": "u2-boss"}),
    ):
        body = {
            "person_id": pid,
            "person_name": name,
            "section_id": "u2-sec1",
            "position": "科员",
            "birth_date": birth_date,
            "chain": chain,
        }
        r = await unit.client.post("/api/v1/units/u2/people", json=body, headers=admin)
        assert r.status_code == 200, r.text
    content = xlsx(
        [
            ["m1", "韩梅梅", "组织科", "科员", "1993-02-03", "610322199302030021", "u2-c1", "u2-dep", "u2-boss"],
            ["m2", "职员s0", "组织科", "科员", "1984-05-14", None, "u2-c1", "u2-dep", "u2-boss"],  # duplicate of u2-s0
            ["m3", "", "组织科", "科员", None, None, "u2-c1", "u2-dep", "u2-boss"],
        ]
    )
    files = {"file": ("花名册.xlsx", content, XLSX)}
    r = await unit.client.post("/api/v1/units/u2/roster-imports", files=files, headers=admin)
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    assert data["rows_enrolled"] == 1 and data["rows_rejected"] == 2
    assert [(e["row"], e["code"]) for e in data["errors"]] == [(3, "duplicate_person"), (4, "required")]


async def test_a_departed_person_leaves_the_roster(unit: Unit) -> None:
    h = unit.h
    chain = {"section_chief_id": "c1", "deputy_leader_id": "dep", "principal_leader_id": "boss"}
    body = {"person_id": "n1", "person_name": "韩梅梅", "section_id": "sec1", "position": "科员", "chain": chain}
    r = await unit.client.post("/api/v1/units/u1/people", json={**body, "birth_date": "1993-02-03"}, headers=h["admin"])
    assert r.status_code == 200, r.text
    r = await unit.client.post(
        "/api/v1/units/u1/people/n1/departure",
        json={"reason": "transfer", "left_on": "2026-11-18"},
        headers=h["admin"],
    )
    assert r.status_code == 200, r.text
    r = await unit.client.get(f"/api/v1/units/u1/people?after={r.json()['position']}", headers=h["admin"])
    assert "n1" not in [p["person_id"] for p in r.json()["items"]] and r.json()["total"] == 12


# --- weekly logs: reviewed, late and missing ---------------------------------------------------------


async def test_the_week_status_counts_the_logs_on_time_late_and_missing(unit: Unit, clock) -> None:
    """s0 before the deadline (Monday 23rd, 12:00), s1 six days later: late; 10 missing."""
    await submit_logs(unit, "2026-W47", ["s0"])
    clock.advance(days=6)
    r = await unit.client.post("/api/v1/logs", json=log("2026-W47"), headers=unit.h["s1"])
    assert r.json()["data"]["late"] is True
    r = await unit.client.get(
        f"/api/v1/logs/status?week=2026-W47&after={r.json()['position']}", headers=unit.h["admin"]
    )
    status = r.json()
    assert (status["people"], status["on_time"], status["late"], status["missing"]) == (12, 1, 1, 10)


async def test_a_log_missing_after_the_deadline_gets_a_reminder(unit: Unit) -> None:
    position = await submit_logs(unit, "2026-W43", ["s0", "s1"])
    # The reminder goes to whom the week status lists as missing: once it has both logs.
    r = await unit.client.get(f"/api/v1/logs/status?week=2026-W43&after={position}", headers=unit.h["admin"])
    assert r.status_code == 200, r.text
    r = await unit.client.post("/api/v1/logs/reminders", json={"week": "2026-W43"}, headers=unit.h["admin"])
    assert r.status_code == 200, r.text
    assert r.json()["data"]["reminded"] == 10
    r = await unit.client.get(
        f"/api/v1/logs/status?week=2026-W43&state=missing&after={r.json()['position']}", headers=unit.h["admin"]
    )
    assert {p["reminders"] for p in r.json()["items"]} == {1}


async def test_a_section_chief_comments_on_a_log_of_their_section(unit: Unit) -> None:
    await submit_logs(unit, "2026-W44", ["s0"])
    r = await unit.client.post(
        "/api/v1/logs/s0/2026-W44/comments", json={"comment": "内容具体，继续保持"}, headers=unit.h["c1"]
    )
    assert r.status_code == 200, r.text


async def test_a_returned_log_shows_the_person_the_reason(unit: Unit) -> None:
    await submit_logs(unit, "2026-W44", ["s1"])
    r = await unit.client.post("/api/v1/logs/s1/2026-W44/return", json=RETURN, headers=unit.h["c1"])
    assert r.status_code == 200, r.text
    r = await unit.client.get(f"/api/v1/logs?week=2026-W44&after={r.json()['position']}", headers=unit.h["s1"])
    mine = r.json()["items"][0]
    assert mine["status"] == "returned" and mine["returned_reason"] == "请写明具体成效"


async def test_a_section_chief_cannot_return_a_log_outside_their_section(unit: Unit) -> None:
    r = await unit.client.post("/api/v1/logs/s5/2026-W44/return", json=RETURN, headers=unit.h["c1"])
    assert r.status_code == 403


async def test_a_comment_on_a_log_not_submitted_is_not_found(unit: Unit) -> None:
    r = await unit.client.post("/api/v1/logs/s2/2026-W44/comments", json={"comment": "尚未提交"}, headers=unit.h["c1"])
    assert r.status_code == 404 and r.json()["code"] == "log_not_found"


async def test_a_staff_member_cannot_read_the_week_status(unit: Unit) -> None:
    r = await unit.client.get("/api/v1/logs/status?week=2026-W47&unit=u1", headers=unit.h["s0"])
    assert r.status_code == 403


# --- who reads which logs: week 42 written by c1, s0, s1 (c1's section) and s5 (c2's) ---------------


@pytest.fixture(scope="module")
async def week_42(shared_unit: Unit) -> str:
    """The position of the last of the four logs (s5's only log in this module)."""
    return await submit_logs(shared_unit, "2026-W42", ["c1", "s0", "s1", "s5"])


async def test_a_section_chief_reads_the_logs_of_their_chain_named_as_in_the_roster(unit: Unit, week_42: str) -> None:
    """Names come from the roster (c1's token names them "c1"); s5 is in another section."""
    r = await unit.client.get(f"/api/v1/logs?week=2026-W42&after={week_42}", headers=unit.h["c1"])
    assert {(log["person_id"], log["person_name"]) for log in r.json()["items"]} == {
        ("c1", "孙丽"),
        ("s0", "职员s0"),
        ("s1", "职员s1"),
    }


async def test_a_section_chief_cannot_read_the_logs_of_someone_outside_their_chain(unit: Unit) -> None:
    assert (await unit.client.get("/api/v1/logs?person=s5", headers=unit.h["c1"])).status_code == 403


async def test_a_section_chief_reads_the_logs_of_a_person_of_their_section(unit: Unit, week_42: str) -> None:
    r = await unit.client.get(f"/api/v1/logs?person=s5&after={week_42}", headers=unit.h["c2"])
    assert r.status_code == 200 and [log["person_name"] for log in r.json()["items"]] == ["职员s5"]


async def test_a_staff_member_cannot_read_a_colleagues_logs(unit: Unit) -> None:
    r = await unit.client.get("/api/v1/logs?person=c1", headers=unit.h["s0"])
    assert r.status_code == 403


async def test_a_deputy_reads_the_logs_of_their_whole_chain(unit: Unit, week_42: str) -> None:
    r = await unit.client.get(f"/api/v1/logs?week=2026-W42&after={week_42}", headers=unit.h["dep"])
    assert r.json()["total"] == 4  # the deputy's chain: c1 and the staff who wrote


async def test_the_unit_administrator_reads_every_log_of_the_unit(unit: Unit, week_42: str) -> None:
    r = await unit.client.get(f"/api/v1/logs?week=2026-W42&after={week_42}", headers=unit.h["admin"])
    assert r.json()["total"] == 4


# --- monthly summaries ---------------------------------------------------------------------------


async def test_last_months_summary_is_due_until_submitted_then_this_months(unit: Unit) -> None:
    """October's deadline was 5 November: October is the month due (overdue) until it is submitted,
    November after."""
    r = await unit.client.get("/api/v1/me/summary-due", headers=unit.h["s0"])
    assert r.json()["month"] == "2026-10" and r.json()["overdue"] is True
    r = await unit.client.post("/api/v1/summaries", json=OCTOBER, headers=unit.h["s0"])
    assert r.status_code == 200, r.text
    # What is due follows the summaries read model: read once it holds October's.
    r = await unit.client.get(f"/api/v1/summaries?after={r.json()['position']}", headers=unit.h["s0"])
    assert r.json()["total"] == 1
    r = await unit.client.get("/api/v1/me/summary-due", headers=unit.h["s0"])
    assert r.json()["month"] == "2026-11" and r.json()["overdue"] is False


async def test_a_summary_after_the_deadline_is_late(unit: Unit) -> None:
    r = await unit.client.post("/api/v1/summaries", json=OCTOBER, headers=unit.h["s1"])
    assert r.status_code == 200, r.text
    r = await unit.client.get(f"/api/v1/summaries?after={r.json()['position']}", headers=unit.h["s1"])
    assert r.json()["total"] == 1 and r.json()["items"][0]["late"] is True


async def test_an_administrator_has_no_summary_due(unit: Unit) -> None:
    assert (await unit.client.get("/api/v1/me/summary-due", headers=unit.h["admin"])).status_code == 403


async def test_a_staff_member_cannot_read_a_colleagues_summaries(unit: Unit) -> None:
    assert (await unit.client.get("/api/v1/summaries?person=s1", headers=unit.h["s0"])).status_code == 403


async def test_a_section_chief_cannot_read_the_summaries_of_someone_outside_their_chain(unit: Unit) -> None:
    assert (await unit.client.get("/api/v1/summaries?person=s5", headers=unit.h["c1"])).status_code == 403


# --- shortcoming reminders: issued by the chief, acknowledged and answered by the person -------------


async def remind(unit: Unit, pid: str) -> str:
    r = await unit.client.post(
        "/api/v1/reminders", json={"person_id": pid, "shortcomings": "周纪实填报不够及时"}, headers=unit.h["c1"]
    )
    assert r.status_code == 200, r.text
    return r.json()["data"]["reminder_id"]


async def test_a_section_chief_cannot_remind_someone_outside_their_section(unit: Unit) -> None:
    r = await unit.client.post(
        "/api/v1/reminders", json={"person_id": "s5", "shortcomings": "周纪实填报不够及时"}, headers=unit.h["c1"]
    )
    assert r.status_code == 403


async def test_a_rectification_waits_for_the_acknowledgement(unit: Unit) -> None:
    reminder = await remind(unit, "s2")
    r = await unit.client.post(
        f"/api/v1/reminders/{reminder}/rectification", json={"report": "已按时填报周纪实"}, headers=unit.h["s2"]
    )
    assert r.status_code == 409 and r.json()["code"] == "not_acknowledged"


async def test_only_the_reminded_person_acknowledges(unit: Unit) -> None:
    reminder = await remind(unit, "s3")
    r = await unit.client.post(f"/api/v1/reminders/{reminder}/acknowledgement", headers=unit.h["s0"])
    assert r.status_code == 403


async def test_an_acknowledged_reminder_is_rectified(unit: Unit) -> None:
    reminder = await remind(unit, "s1")
    r = await unit.client.post(f"/api/v1/reminders/{reminder}/acknowledgement", headers=unit.h["s1"])
    assert r.status_code == 200
    r = await unit.client.post(
        f"/api/v1/reminders/{reminder}/rectification", json={"report": "已按时填报周纪实"}, headers=unit.h["s1"]
    )
    assert r.status_code == 200, r.text
    r = await unit.client.get(f"/api/v1/reminders?after={r.json()['position']}", headers=unit.h["s1"])
    assert r.json()["items"][0]["status"] == "rectified"


# --- result uses (五挂钩), recorded by the unit administrator ----------------------------------------

USE = {
    "person_id": "s0",
    "kind": "promotion",
    "year": 2026,
    "basis": "2026 年连续三个季度为好",
    "decided_on": "2026-11-18",
}
# 评优 for a year whose annual review the platform does not hold: only with a stated reason.
EXCELLENCE = {**USE, "kind": "excellence", "year": 2025, "basis": "2025 年度考核优秀"}


async def test_only_the_unit_administrator_records_a_result_use(unit: Unit) -> None:
    assert (await unit.client.post("/api/v1/units/u1/result-uses", json=USE, headers=unit.h["boss"])).status_code == 403


async def test_a_result_use_is_recorded_once(unit: Unit) -> None:
    r = await unit.client.post("/api/v1/units/u1/result-uses", json=USE, headers=unit.h["admin"])
    assert r.status_code == 200, r.text
    r = await unit.client.post("/api/v1/units/u1/result-uses", json=USE, headers=unit.h["admin"])
    assert r.status_code == 409 and r.json()["code"] == "result_use_recorded"


async def test_a_result_use_of_a_year_before_the_platform_needs_a_reason(unit: Unit) -> None:
    excellence = {**EXCELLENCE, "person_id": "s1"}
    r = await unit.client.post("/api/v1/units/u1/result-uses", json=excellence, headers=unit.h["admin"])
    assert r.status_code == 422 and r.json()["code"] == "backfill_reason_required"


async def test_a_result_use_of_a_year_before_the_platform_keeps_its_reason(unit: Unit) -> None:
    excellence = {**EXCELLENCE, "backfill_reason": "平台启用前的年度，见凤组发〔2026〕3 号文件"}
    r = await unit.client.post("/api/v1/units/u1/result-uses", json=excellence, headers=unit.h["admin"])
    assert r.status_code == 200, r.text
    r = await unit.client.get(
        f"/api/v1/units/u1/result-uses?year=2025&after={r.json()['position']}", headers=unit.h["admin"]
    )
    assert r.json()["items"][0]["backfill_reason"] == excellence["backfill_reason"]


async def test_unit_deadlines_are_configurable(own_unit: Unit, auth, clock) -> None:
    """The clock is Wednesday 2026-11-18 17:00 in Beijing: week 46's log and October's summary are
    late by the defaults (Monday 12:00, the 5th 18:00), on time once the unit moves its deadlines."""
    client, h = own_unit.client, own_unit.h
    r = await client.get("/api/v1/units/u1/deadlines", headers=h["s0"])
    assert r.status_code == 200, r.text
    assert r.json() == {"log_weekday": 1, "log_hour": 12, "summary_day": 5, "summary_hour": 18}
    week_46 = log("2026-W46")
    r = await client.post("/api/v1/logs", json=week_46, headers=h["s0"])
    assert r.status_code == 200 and r.json()["data"]["late"] is True
    r = await client.post("/api/v1/summaries", json=OCTOBER, headers=h["s0"])
    assert r.status_code == 200 and r.json()["data"]["late"] is True

    later = {"log_weekday": 3, "log_hour": 18, "summary_day": 20, "summary_hour": 18}
    r = await client.put("/api/v1/units/u1/deadlines", json=later, headers=h["s0"])
    assert r.status_code == 403
    other_admin = auth("a2", "unit_admin", unit="u2")
    r = await client.put("/api/v1/units/u1/deadlines", json=later, headers=other_admin)
    assert r.status_code == 403 and r.json()["code"] == "other_unit"
    for bad in ({**later, "log_weekday": 0}, {**later, "summary_day": 31}, {**later, "grace": 1}):
        r = await client.put("/api/v1/units/u1/deadlines", json=bad, headers=h["admin"])
        assert r.status_code == 422, bad
    r = await client.put("/api/v1/units/u1/deadlines", json=later, headers=h["admin"])
    assert r.status_code == 200, r.text
    assert r.json()["events"] == ["DeadlinesConfigured"]
    r = await client.put("/api/v1/units/u1/deadlines", json=later, headers=h["admin"])
    assert r.status_code == 200 and r.json()["events"] == []
    r = await client.get("/api/v1/units/u1/deadlines", headers=h["c1"])
    assert r.json() == later
    r = await client.get("/api/v1/units/u1/deadlines", headers=other_admin)
    assert r.status_code == 403

    r = await client.post("/api/v1/logs", json=week_46, headers=h["s1"])
    assert r.status_code == 200 and r.json()["data"]["late"] is False
    r = await client.post("/api/v1/summaries", json=OCTOBER, headers=h["s1"])
    assert r.status_code == 200 and r.json()["data"]["late"] is False
    r = await client.post("/api/v1/logs/reminders", json={"week": "2026-W46"}, headers=h["admin"])
    assert r.status_code == 409 and r.json()["code"] == "deadline_not_passed"
    clock.advance(hours=2)
    r = await client.post("/api/v1/logs", json=week_46, headers=h["s2"])
    assert r.json()["data"]["late"] is True
