"""Through HTTP: the Excel roster import with its row report, a reviewer commenting on and returning
a log, late and missing logs per week, monthly summaries, reminders and result uses, and refusals."""

from __future__ import annotations

import io

from openpyxl import Workbook

from appraisal.main import create_app

from .unit_setup import build_unit

HEADER = ["人员编号", "姓名", "股室", "职务", "出生日期", "身份证号", "股组长编号", "分管领导编号", "主要领导编号"]


def xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    book.active.append(HEADER)
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def test_roster_import_logs_and_reminders(database, make_settings, serve, auth, clock) -> None:
    app = create_app(make_settings("appraisal", database))
    async with serve(app) as client:
        app.state.runtime.clock = clock
        h = await build_unit(client, auth)

        content = xlsx(
            [
                ["n1", "韩梅梅", "组织科", "科员", "1993-02-03", "610322199302030021", "c1", "dep", "boss"],
                ["n2", "职员s0", "组织科", "科员", "1984-05-14", None, "c1", "dep", "boss"],  # duplicate of s0
                ["n3", "", "组织科", "科员", None, None, "c1", "dep", "boss"],
            ]
        )
        files = {"file": ("花名册.xlsx", content, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")}
        r = await client.post("/api/v1/units/u1/roster-imports", files=files, headers=h["s0"])
        assert r.status_code == 403
        r = await client.post("/api/v1/units/u1/roster-imports", files=files, headers=h["admin"])
        assert r.status_code == 200, r.text
        data = r.json()["data"]
        assert data["rows_enrolled"] == 1 and data["rows_rejected"] == 2
        assert [(e["row"], e["code"]) for e in data["errors"]] == [(3, "duplicate_person"), (4, "required")]
        r = await client.post(
            "/api/v1/units/u1/people/n1/departure",
            json={"reason": "transfer", "left_on": "2026-11-18"},
            headers=h["admin"],
        )
        assert r.status_code == 200, r.text
        r = await client.get(f"/api/v1/units/u1/people?after={r.json()['position']}", headers=h["admin"])
        assert "n1" not in [p["person_id"] for p in r.json()["items"]] and r.json()["total"] == 12

        # Logs: s0 on time, s1 late; c1 comments on s0's and returns s1's; s5 is not in c1's section.
        body = {"week": "2026-W47", "items": [{"text": "整理党建台账", "indicators": ["qin-1"]}]}
        assert (await client.post("/api/v1/logs", json=body, headers=h["s0"])).status_code == 200
        clock.advance(days=6)
        r = await client.post("/api/v1/logs", json=body, headers=h["s1"])
        assert r.json()["data"]["late"] is True
        r = await client.post(
            "/api/v1/logs/s0/2026-W47/comments", json={"comment": "内容具体，继续保持"}, headers=h["c1"]
        )
        assert r.status_code == 200, r.text
        r = await client.post("/api/v1/logs/s1/2026-W47/return", json={"reason": "请写明具体成效"}, headers=h["c1"])
        assert r.status_code == 200, r.text
        returned = r.json()["position"]
        r = await client.post("/api/v1/logs/s5/2026-W47/return", json={"reason": "请写明具体成效"}, headers=h["c1"])
        assert r.status_code == 403
        r = await client.post("/api/v1/logs/s2/2026-W47/comments", json={"comment": "尚未提交"}, headers=h["c1"])
        assert r.status_code == 404 and r.json()["code"] == "log_not_found"
        r = await client.get(f"/api/v1/logs/status?week=2026-W47&after={returned}", headers=h["admin"])
        status = r.json()
        assert (status["people"], status["on_time"], status["late"], status["missing"]) == (12, 1, 1, 10)
        r = await client.post("/api/v1/logs/reminders", json={"week": "2026-W47"}, headers=h["admin"])
        assert r.status_code == 200, r.text
        assert r.json()["data"]["reminded"] == 10
        r = await client.get(
            f"/api/v1/logs/status?week=2026-W47&state=missing&after={r.json()['position']}", headers=h["admin"]
        )
        assert {p["reminders"] for p in r.json()["items"]} == {1}
        r = await client.get("/api/v1/logs?week=2026-W47", headers=h["s1"])
        mine = r.json()["items"][0]
        assert mine["status"] == "returned" and mine["returned_reason"] == "请写明具体成效"
        r = await client.get("/api/v1/logs/status?week=2026-W47&unit=u1", headers=h["s0"])
        assert r.status_code == 403
        # Names come from the roster (c1's token names them "c1"); a section chief reads the logs
        # of their reviewing chain, not the unit's, and is refused (403) anyone else's.
        r = await client.post("/api/v1/logs", json=body, headers=h["c1"])
        assert r.status_code == 200, r.text
        r = await client.post("/api/v1/logs", json=body, headers=h["s5"])
        r = await client.get(f"/api/v1/logs?week=2026-W47&after={r.json()['position']}", headers=h["c1"])
        assert {(log["person_id"], log["person_name"]) for log in r.json()["items"]} == {
            ("c1", "孙丽"),
            ("s0", "职员s0"),
            ("s1", "职员s1"),
        }
        assert (await client.get("/api/v1/logs?person=s5", headers=h["c1"])).status_code == 403
        r = await client.get("/api/v1/logs?person=s5", headers=h["c2"])
        assert r.status_code == 200 and [log["person_name"] for log in r.json()["items"]] == ["职员s5"]
        r = await client.get("/api/v1/logs?person=c1", headers=h["s0"])
        assert r.status_code == 403
        r = await client.get("/api/v1/logs?week=2026-W47", headers=h["dep"])
        assert r.json()["total"] == 4  # the deputy's chain: c1 and the staff who wrote
        r = await client.get("/api/v1/logs?week=2026-W47", headers=h["admin"])
        assert r.json()["total"] == 4
        assert (await client.get("/api/v1/summaries?person=s5", headers=h["c1"])).status_code == 403

        # Monthly summary (October's deadline was 5 November: late): own only. October is the
        # month due (overdue) until it is submitted, November after.
        r = await client.get("/api/v1/me/summary-due", headers=h["s0"])
        assert r.json()["month"] == "2026-10" and r.json()["overdue"] is True
        r = await client.post(
            "/api/v1/summaries",
            json={"month": "2026-10", "text": "十月完成换届筹备材料整理和两次主题党日"},
            headers=h["s0"],
        )
        assert r.status_code == 200, r.text
        r = await client.get(f"/api/v1/summaries?after={r.json()['position']}", headers=h["s0"])
        assert r.json()["total"] == 1 and r.json()["items"][0]["late"] is True
        r = await client.get("/api/v1/me/summary-due", headers=h["s0"])
        assert r.json()["month"] == "2026-11" and r.json()["overdue"] is False
        assert (await client.get("/api/v1/me/summary-due", headers=h["admin"])).status_code == 403
        assert (await client.get("/api/v1/summaries?person=s1", headers=h["s0"])).status_code == 403

        # A shortcoming reminder: issued by the chief, acknowledged and answered by the person.
        r = await client.post(
            "/api/v1/reminders", json={"person_id": "s5", "shortcomings": "周纪实填报不够及时"}, headers=h["c1"]
        )
        assert r.status_code == 403
        r = await client.post(
            "/api/v1/reminders", json={"person_id": "s1", "shortcomings": "周纪实填报不够及时"}, headers=h["c1"]
        )
        assert r.status_code == 200, r.text
        reminder = r.json()["data"]["reminder_id"]
        r = await client.post(
            f"/api/v1/reminders/{reminder}/rectification", json={"report": "已按时填报周纪实"}, headers=h["s1"]
        )
        assert r.status_code == 409 and r.json()["code"] == "not_acknowledged"
        assert (await client.post(f"/api/v1/reminders/{reminder}/acknowledgement", headers=h["s0"])).status_code == 403
        assert (await client.post(f"/api/v1/reminders/{reminder}/acknowledgement", headers=h["s1"])).status_code == 200
        r = await client.post(
            f"/api/v1/reminders/{reminder}/rectification", json={"report": "已按时填报周纪实"}, headers=h["s1"]
        )
        assert r.status_code == 200, r.text
        r = await client.get(f"/api/v1/reminders?after={r.json()['position']}", headers=h["s1"])
        assert r.json()["items"][0]["status"] == "rectified"

        # Result use (五挂钩), recorded by the unit administrator.
        use = {
            "person_id": "s0",
            "kind": "promotion",
            "year": 2026,
            "basis": "2026 年连续三个季度为好",
            "decided_on": "2026-11-18",
        }
        assert (await client.post("/api/v1/units/u1/result-uses", json=use, headers=h["boss"])).status_code == 403
        r = await client.post("/api/v1/units/u1/result-uses", json=use, headers=h["admin"])
        assert r.status_code == 200, r.text
        r = await client.post("/api/v1/units/u1/result-uses", json=use, headers=h["admin"])
        assert r.status_code == 409 and r.json()["code"] == "result_use_recorded"
        # 评优 for a year whose annual review the platform does not hold: only with a stated reason.
        excellence = {**use, "kind": "excellence", "year": 2025, "basis": "2025 年度考核优秀"}
        r = await client.post("/api/v1/units/u1/result-uses", json=excellence, headers=h["admin"])
        assert r.status_code == 422 and r.json()["code"] == "backfill_reason_required"
        excellence["backfill_reason"] = "平台启用前的年度，见凤组发〔2026〕3 号文件"
        r = await client.post("/api/v1/units/u1/result-uses", json=excellence, headers=h["admin"])
        assert r.status_code == 200, r.text
        r = await client.get(f"/api/v1/units/u1/result-uses?year=2025&after={r.json()['position']}", headers=h["admin"])
        assert r.json()["items"][0]["backfill_reason"] == excellence["backfill_reason"]


async def test_unit_deadlines_are_configurable(database, make_settings, serve, auth, clock) -> None:
    """The clock is Wednesday 2026-11-18 17:00 in Beijing: week 46's log and October's summary are
    late by the defaults (Monday 12:00, the 5th 18:00), on time once the unit moves its deadlines."""
    app = create_app(make_settings("appraisal", database))
    async with serve(app) as client:
        app.state.runtime.clock = clock
        h = await build_unit(client, auth)
        r = await client.get("/api/v1/units/u1/deadlines", headers=h["s0"])
        assert r.status_code == 200, r.text
        assert r.json() == {"log_weekday": 1, "log_hour": 12, "summary_day": 5, "summary_hour": 18}
        log = {"week": "2026-W46", "items": [{"text": "整理党建台账", "indicators": ["qin-1"]}]}
        r = await client.post("/api/v1/logs", json=log, headers=h["s0"])
        assert r.status_code == 200 and r.json()["data"]["late"] is True
        r = await client.post(
            "/api/v1/summaries",
            json={"month": "2026-10", "text": "本月完成党建台账整理和两次主题党日"},
            headers=h["s0"],
        )
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

        r = await client.post("/api/v1/logs", json=log, headers=h["s1"])
        assert r.status_code == 200 and r.json()["data"]["late"] is False
        r = await client.post(
            "/api/v1/summaries",
            json={"month": "2026-10", "text": "本月完成党建台账整理和两次主题党日"},
            headers=h["s1"],
        )
        assert r.status_code == 200 and r.json()["data"]["late"] is False
        r = await client.post("/api/v1/logs/reminders", json={"week": "2026-W46"}, headers=h["admin"])
        assert r.status_code == 409 and r.json()["code"] == "deadline_not_passed"
        clock.advance(hours=2)
        r = await client.post("/api/v1/logs", json=log, headers=h["s2"])
        assert r.json()["data"]["late"] is True
