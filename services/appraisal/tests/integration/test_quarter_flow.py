"""A unit's quarter through HTTP on real PostgreSQL and NATS: the whole flow, the cap refusals,
queues, board and results; and concurrent leaders who never push the quarter over the cap."""

from __future__ import annotations

import asyncio
import io

from openpyxl import load_workbook

from appraisal.domain.quarter import UnitQuarter, quarter_stream_id
from appraisal.main import create_app

from .unit_setup import SCORES, STAFF, build_unit, chief_of

Q = "/api/v1/units/u1/quarters"


async def test_quarter_from_opening_to_finalization(database, make_settings, serve, auth, clock) -> None:
    app = create_app(make_settings("appraisal", database))
    async with serve(app) as client:
        app.state.runtime.clock = clock
        h = await build_unit(client, auth)
        r = await client.post(Q, json={"quarter": "2026-Q3"}, headers=h["admin"])
        assert r.status_code == 200, r.text
        # 10 participants (everyone but the principal leader): at most 4 好.
        assert r.json()["data"] == {"participants": 11, "good_cap": 4, "good_used": 0, "good_left": 4}

        # No review before self-assessment.
        review = {"person_id": "s0", "scores": SCORES, "grade": "好", "comment": "工作扎实"}
        r = await client.post(f"{Q}/2026-Q3/reviews", json=review, headers=h["c1"])
        assert r.status_code == 409 and r.json()["code"] == "self_assessment_missing"

        everyone = ["dep", "c1", "c2", *STAFF]
        for pid in everyone:
            body = {"scores": SCORES, "grade": "好", "summary": "本季度按时完成各项工作任务"}
            r = await client.post(f"{Q}/2026-Q3/self-assessment", json=body, headers=h[pid])
            assert r.status_code == 200, r.text
        for i, pid in enumerate(everyone):
            peer = everyone[(i + 1) % len(everyone)]
            r = await client.post(
                f"{Q}/2026-Q3/peer-reviews", json={"person_id": pid, "grade": "较好"}, headers=h[peer]
            )
            assert r.status_code == 200, r.text
        last = r.json()["position"]

        # A section chief may not review someone outside the section.
        r = await client.post(f"{Q}/2026-Q3/reviews", json={**review, "person_id": "s5"}, headers=h["c1"])
        assert r.status_code == 403 and r.json()["code"] == "not_in_your_chain"

        r = await client.get(f"/api/v1/me/queue?after={last}", headers=h["c1"])
        queue = r.json()
        assert [i["person_id"] for i in queue["items"]] == ["s0", "s1", "s2", "s3"]

        # Section chiefs: four 好 fill the cap; the fifth is refused with the quota in the answer.
        wanted = {"s0": "好", "s1": "好", "s2": "好", "s3": "较好", "s4": "好", "s5": "较好", "s6": "一般", "s7": "好"}
        position = "0.0"
        for pid, grade in wanted.items():
            r = await client.post(
                f"{Q}/2026-Q3/reviews", json={**review, "person_id": pid, "grade": grade}, headers=h[chief_of(pid)]
            )
            if pid == "s7":
                assert r.status_code == 409 and r.json()["code"] == "good_quota_exceeded"
                assert r.json()["good_left"] == 0
                r = await client.post(
                    f"{Q}/2026-Q3/reviews", json={**review, "person_id": pid, "grade": "较好"}, headers=h[chief_of(pid)]
                )
            assert r.status_code == 200, r.text
            assert "good_left" in r.json()["data"]
            position = r.json()["position"]
        decided = {**wanted, "s7": "较好"}
        r = await client.get(f"{Q}/2026-Q3/board?after={position}", headers=h["boss"])
        board = r.json()
        assert board["quarter"]["good_used"] == 4 and board["quarter"]["good_left"] == 0
        assert board["progress"]["at_deputy_leader"] == 10  # 8 staff and the 2 section chiefs
        # A staff member cannot read the board; the unpublished grade is hidden from the person.
        r = await client.get(f"{Q}/2026-Q3/board", headers=h["s0"])
        assert r.status_code == 403
        r = await client.get("/api/v1/me/quarters", headers=h["s0"])
        assert r.json()["items"][0]["grade"] is None and r.json()["items"][0]["next_level"] == "deputy_leader"

        # The principal before the deputy: told whose review is pending (409), not refused (403).
        r = await client.post(f"{Q}/2026-Q3/reviews", json={**review, "person_id": "s0"}, headers=h["boss"])
        assert r.status_code == 409 and r.json()["code"] == "previous_level_pending"
        assert "分管领导钱卫东" in r.json()["detail"] and r.json()["pending_reviewer_id"] == "dep"
        # Some scores are no composite: all the scored indicators, or none (a grade alone).
        partial = {**review, "person_id": "s1", "scores": {"de-1": 14}}
        r = await client.post(f"{Q}/2026-Q3/reviews", json=partial, headers=h["dep"])
        assert r.status_code == 422 and r.json()["code"] == "scores_incomplete"
        # The deputy grades s1 and c1 without scores: s1 keeps the chief's composite, c1 has none.
        for pid in ("c1", "c2", *STAFF):
            scores = {} if pid in ("s1", "c1") else SCORES
            r = await client.post(
                f"{Q}/2026-Q3/reviews",
                json={**review, "person_id": pid, "scores": scores, "grade": decided.get(pid, "较好")},
                headers=h["dep"],
            )
            assert r.status_code == 200, r.text
        # The principal moves a 好 from s4 to s7, with a reason, in one call.
        for pid in ("dep", "c1", "c2", *STAFF):
            r = await client.post(
                f"{Q}/2026-Q3/reviews",
                json={
                    **review,
                    "person_id": pid,
                    "scores": {} if pid == "c1" else SCORES,
                    "grade": decided.get(pid, "较好"),
                },
                headers=h["boss"],
            )
            assert r.status_code == 200, r.text
        move = {"from_person_id": "s4", "to_person_id": "s7", "reason": "s7 牵头完成专项整治"}
        r = await client.post(f"{Q}/2026-Q3/good-moves", json=move, headers=h["boss"])
        assert r.status_code == 200, r.text
        assert r.json()["events"] == ["GradeAdjusted", "GradeAdjusted"] and r.json()["data"]["good_left"] == 0
        r = await client.get(f"{Q}/2026-Q3/board?limit=50&after={r.json()['position']}", headers=h["boss"])
        rows = {p["person_id"]: p for p in r.json()["items"]}
        trail = [(a["from_grade"], a["to_grade"], a["level"], a["reason"]) for a in rows["s4"]["adjustments"]]
        assert trail == [("好", "较好", "principal_leader", move["reason"])]
        assert [(a["from_grade"], a["to_grade"]) for a in rows["s7"]["adjustments"]] == [("较好", "好")]
        # Why s4's grade is so, from the events: each level with who, when and why.
        r = await client.get(f"{Q}/2026-Q3/people/s4/history", headers=h["boss"])
        steps = r.json()["items"]
        assert [s["action"] for s in steps] == [
            "个人自评",
            "股组长审核",
            "分管领导审核",
            "主要领导审核",
            "主要领导调整等次",
        ]
        assert steps[1]["detail"].startswith("评定等次 好") and steps[1]["reason"] == "工作扎实"
        assert (steps[-1]["detail"], steps[-1]["reason"], steps[-1]["actor_id"]) == (
            "好 → 较好",
            move["reason"],
            "boss",
        )
        # The person sees only their self-assessment before publication; another colleague nothing.
        r = await client.get(f"{Q}/2026-Q3/people/s4/history", headers=h["s4"])
        assert [s["action"] for s in r.json()["items"]] == ["个人自评"]
        r = await client.get(f"{Q}/2026-Q3/people/s4/history", headers=h["s3"])
        assert (r.status_code, r.json()["code"]) == (403, "grade_forbidden")
        r = await client.get(f"{Q}/2026-Q3/people/nobody/history", headers=h["boss"])
        assert (r.status_code, r.json()["code"]) == (404, "participant_not_found")
        # Composite = common + individual (no highlights or deductions here): 90; none without scores.
        assert rows["s1"]["composite_score"] == 90 and rows["c1"]["composite_score"] is None
        r = await client.post(
            f"{Q}/2026-Q3/adjustments", json={"person_id": "s5", "to_grade": "好", "reason": "调整"}, headers=h["boss"]
        )
        assert r.status_code == 409 and r.json()["code"] == "good_quota_exceeded"

        # Publication for 5 working days (2026-11-18 is a Wednesday: ends Wednesday 25th).
        r = await client.post(f"{Q}/2026-Q3/publication", json={"workdays": 5}, headers=h["admin"])
        assert r.status_code == 200, r.text
        assert r.json()["data"]["period_ends_at"].startswith("2026-11-25")
        r = await client.post(f"{Q}/2026-Q3/reviews", json=review, headers=h["boss"])
        assert r.status_code == 409 and r.json()["code"] == "results_published"

        r = await client.post(
            f"{Q}/2026-Q3/appeals", json={"reason": "本季度承担换届筹备任务，请求复核"}, headers=h["s4"]
        )
        assert r.status_code == 200, r.text
        appeal_id = r.json()["data"]["appeal_id"]
        r = await client.get(f"/api/v1/me/appeals?after={r.json()['position']}", headers=h["boss"])
        assert [a["appeal_id"] for a in r.json()["items"]] == [appeal_id]
        r = await client.get(f"{Q}/2026-Q3/results", headers=h["s3"])
        assert r.json()["total"] == 11
        check_workbook_export(await client.get(f"{Q}/2026-Q3/board.xlsx", headers=h["boss"]))
        r = await client.get(f"{Q}/2026-Q3/board.xlsx", headers=h["c1"])
        chain = list(load_workbook(io.BytesIO(r.content))["考核进度"].iter_rows(min_row=2, values_only=True))
        assert [row[0] for row in chain] == ["s0", "s1", "s2", "s3"]
        r = await client.get(f"{Q}/2026-Q3/board.xlsx", headers=h["s3"])
        assert r.status_code == 403 and r.headers["content-type"] == "application/problem+json"
        r = await client.get(f"{Q}/2026-Q4/board.xlsx", headers=h["boss"])
        assert r.status_code == 404 and r.json()["code"] == "quarter_not_found"

        clock.advance(days=8)
        r = await client.post(f"{Q}/2026-Q3/appeals", json={"reason": "请求复核本季度等次结果"}, headers=h["s3"])
        assert r.status_code == 409 and r.json()["code"] == "appeal_period_over"
        r = await client.post(f"{Q}/2026-Q3/finalization", headers=h["admin"])
        assert r.status_code == 409 and r.json()["code"] == "appeals_open"
        resolution = {"outcome": "upheld", "reason": "经复核，维持原等次"}
        r = await client.post(f"{Q}/2026-Q3/appeals/{appeal_id}/resolution", json=resolution, headers=h["dep"])
        assert r.status_code == 403
        r = await client.post(f"{Q}/2026-Q3/appeals/{appeal_id}/resolution", json=resolution, headers=h["boss"])
        assert r.status_code == 200, r.text
        r = await client.post(f"{Q}/2026-Q3/finalization", headers=h["admin"])
        assert r.status_code == 200, r.text
        r = await client.get(f"/api/v1/me/quarters?after={r.json()['position']}", headers=h["s7"])
        mine = r.json()["items"][0]
        assert mine["status"] == "finalized" and mine["grade"] == "好"
        r = await client.get(f"{Q}/2026-Q3/people/s4/history", headers=h["s4"])
        steps = r.json()["items"]
        assert [s["action"] for s in steps][-4:] == ["公示结果", "提出申诉", "申诉处理", "结果确定"]
        assert (steps[-2]["detail"], steps[-2]["reason"]) == ("维持原等次 较好", "经复核，维持原等次")
        assert steps[-1]["detail"] == "最终等次 较好" and "主要领导调整等次" in [s["action"] for s in steps]
        r = await client.post(
            f"{Q}/2026-Q3/adjustments",
            json={"person_id": "s5", "to_grade": "一般", "reason": "调整"},
            headers=h["boss"],
        )
        assert r.status_code == 409 and r.json()["code"] == "quarter_finalized"


def check_workbook_export(r) -> None:
    """The published quarter as a workbook: overview, board and results, Chinese headers, one row each."""
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in r.headers["content-disposition"]
    book = load_workbook(io.BytesIO(r.content))
    assert book.sheetnames == ["概况", "考核进度", "考核结果"]
    overview = {row[0]: row[1] for row in book["概况"].iter_rows(min_row=2, values_only=True)}
    assert overview["季度"] == "2026-Q3" and overview["状态"] == "公示中" and overview["“好”等次名额"] == 4
    board = list(book["考核进度"].iter_rows(values_only=True))
    assert board[0] == (
        "人员编号", "姓名", "股室", "自评等次", "自评得分", "互评人数", "股组长评定", "分管领导评定",
        "主要领导评定", "评定等次", "综合得分", "待审核层级", "申诉状态",
    )  # fmt: skip
    people = {row[0]: row for row in board[1:]}
    assert sorted(people) == sorted(["dep", "c1", "c2", *STAFF])
    assert people["s0"][1:4] == ("职员s0", "组织科", "好") and people["s5"][2] == "干部科"
    assert people["s0"][6] == "好" and people["s7"][9] == "好" and people["s4"][9] == "较好"
    assert people["s4"][12] == "申诉中" and people["s0"][12] is None and people["s0"][11] == "已评定"
    assert people["s0"][10] > 0 and people["s0"][5] == 1
    results = list(book["考核结果"].iter_rows(values_only=True))
    assert results[0] == ("人员编号", "姓名", "股室", "等次", "综合得分", "状态")
    grades = {row[0]: row[3] for row in results[1:]}
    assert len(grades) == 11 and grades["s7"] == "好" and all(row[5] == "公示中" for row in results[1:])


async def test_concurrent_leaders_never_exceed_the_cap(database, make_settings, serve, auth, clock) -> None:
    app = create_app(make_settings("appraisal", database, run_workers=False))
    async with serve(app) as client:
        app.state.runtime.clock = clock
        h = await build_unit(client, auth)
        r = await client.post(Q, json={"quarter": "2026-Q3", "peer_reviews_required": 0}, headers=h["admin"])
        assert r.status_code == 200, r.text
        for pid in STAFF:
            body = {"scores": SCORES, "grade": "好", "summary": "本季度按时完成各项工作任务"}
            assert (await client.post(f"{Q}/2026-Q3/self-assessment", json=body, headers=h[pid])).status_code == 200
            for leader in (chief_of(pid), "dep"):
                r = await client.post(
                    f"{Q}/2026-Q3/reviews",
                    json={"person_id": pid, "scores": SCORES, "grade": "较好", "comment": "较好"},
                    headers=h[leader],
                )
                assert r.status_code == 200, r.text

        # Two principal leaders' devices and a deputy race to give 好 to all eight at once.
        async def give_good(pid: str) -> int:
            r = await client.post(
                f"{Q}/2026-Q3/reviews",
                json={"person_id": pid, "scores": SCORES, "grade": "好", "comment": "表现突出"},
                headers=h["boss"],
            )
            return r.status_code

        async def adjust_good(pid: str) -> int:
            r = await client.post(
                f"{Q}/2026-Q3/adjustments",
                json={"person_id": pid, "to_grade": "好", "reason": "突出"},
                headers=h["dep"],
            )
            return r.status_code

        statuses = await asyncio.gather(*[give_good(p) for p in STAFF], *[adjust_good(p) for p in STAFF])
        assert set(statuses) <= {200, 409}
        stream = quarter_stream_id("u1", "2026-Q3")
        recorded = await app.state.runtime.store.load(stream)
        q = UnitQuarter.from_recorded(stream, recorded)
        assert q.good_cap == 4
        assert 1 <= q.good_used <= 4
        assert statuses.count(200) >= 1
        # Every accepted decision saw the cap respected, in the order the store committed them.
        for event in recorded:
            if event.type in ("ReviewRecorded", "GradeAdjusted"):
                assert event.data["good_used"] <= event.data["good_cap"]
        # Once the cap is full, a further 好 is refused whoever asks.
        r = await client.post(
            f"{Q}/2026-Q3/reviews",
            json={"person_id": "s0", "scores": SCORES, "grade": "好", "comment": "表现突出"},
            headers=h["boss"],
        )
        assert r.status_code == 409
