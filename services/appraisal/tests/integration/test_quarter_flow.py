"""A unit's quarter through HTTP on real PostgreSQL and NATS: the journey from opening to
finalization, then each rule on its own (the cap refusals, who reads what, the order of the levels,
publication, appeals and finalization); and concurrent leaders who never push the quarter over the cap.

The tests but the last share one app and its unit (this folder's conftest), each on a quarter of its own."""

from __future__ import annotations

import asyncio
import io

import pytest
from openpyxl import load_workbook

from appraisal.domain.quarter import UnitQuarter, quarter_stream_id
from appraisal.main import create_app

from .unit_setup import SCHEME, SCORES, STAFF, START, Unit, build_unit, chief_of

Q = "/api/v1/units/u1/quarters"
EVERYONE = ["dep", "c1", "c2", *STAFF]
REVIEW = {"person_id": "s0", "scores": SCORES, "grade": "好", "comment": "工作扎实"}
SELF = {"scores": SCORES, "grade": "好", "summary": "本季度按时完成各项工作任务"}
# The grades the leaders give: four 好, the cap of the 11 participants.
DECIDED = {"s0": "好", "s1": "好", "s2": "好", "s3": "较好", "s4": "好", "s5": "较好", "s6": "一般", "s7": "较好"}


@pytest.fixture(scope="module", autouse=True)
async def earlier_schemes(shared_unit: Unit) -> None:
    """The indicator scheme of 2023 to 2025 too (fixed once a quarter of the year opens), so that
    each test opens a quarter of its own."""
    for year in (2023, 2024, 2025):
        r = await shared_unit.client.put(
            f"/api/v1/units/u1/schemes/{year}", json={"indicators": SCHEME}, headers=shared_unit.h["admin"]
        )
        assert r.status_code == 200, r.text


async def open_quarter(unit: Unit, quarter: str, **options: object) -> dict:
    """Open the quarter; the rules beyond the journey ask for no peer review (``peer_reviews_required=0``)."""
    r = await unit.client.post(Q, json={"quarter": quarter, **options}, headers=unit.h["admin"])
    assert r.status_code == 200, r.text
    return r.json()


async def self_assess(unit: Unit, quarter: str, people: list[str]) -> str:
    for pid in people:
        r = await unit.client.post(f"{Q}/{quarter}/self-assessment", json=SELF, headers=unit.h[pid])
        assert r.status_code == 200, r.text
    return r.json()["position"]


async def review(unit: Unit, quarter: str, leader: str, pid: str, grade: str) -> dict:
    body = {**REVIEW, "person_id": pid, "grade": grade}
    r = await unit.client.post(f"{Q}/{quarter}/reviews", json=body, headers=unit.h[leader])
    assert r.status_code == 200, r.text
    return r.json()


async def review_everyone(unit: Unit, quarter: str) -> str:
    """Every level reviews everyone as DECIDED (the others 较好): the quarter can be published."""
    for pid in STAFF:
        await review(unit, quarter, chief_of(pid), pid, DECIDED[pid])
    for pid in ("c1", "c2", *STAFF):
        await review(unit, quarter, "dep", pid, DECIDED.get(pid, "较好"))
    for pid in ("dep", "c1", "c2", *STAFF):
        answer = await review(unit, quarter, "boss", pid, DECIDED.get(pid, "较好"))
    return answer["position"]


async def publish(unit: Unit, quarter: str) -> dict:
    """Open the quarter (no peer reviews), everyone self-assessed and reviewed, published for 5 working days."""
    await open_quarter(unit, quarter, peer_reviews_required=0)
    await self_assess(unit, quarter, EVERYONE)
    await review_everyone(unit, quarter)
    r = await unit.client.post(f"{Q}/{quarter}/publication", json={"workdays": 5}, headers=unit.h["admin"])
    assert r.status_code == 200, r.text
    return r.json()


def of_quarter(items: list[dict], quarter: str) -> list[dict]:
    """The items of one quarter (the module's unit has many)."""
    return [i for i in items if i["quarter"] == quarter]


async def test_journey_quarter_from_opening_to_finalization(unit: Unit, clock) -> None:
    """The happy path through the API: opened, self-assessed, peer-reviewed, reviewed level by level
    up to the principal who moves a 好, published, appealed, resolved and finalized."""
    client, h = unit.client, unit.h
    # 10 participants (everyone but the principal leader): at most 4 好.
    answer = await open_quarter(unit, "2026-Q3")
    assert answer["data"] == {"participants": 11, "good_cap": 4, "good_used": 0, "good_left": 4}

    await self_assess(unit, "2026-Q3", EVERYONE)
    for i, pid in enumerate(EVERYONE):
        peer = EVERYONE[(i + 1) % len(EVERYONE)]
        r = await client.post(f"{Q}/2026-Q3/peer-reviews", json={"person_id": pid, "grade": "较好"}, headers=h[peer])
        assert r.status_code == 200, r.text
    last = r.json()["position"]

    r = await client.get(f"/api/v1/me/queue?after={last}", headers=h["c1"])
    queue = of_quarter(r.json()["items"], "2026-Q3")
    assert [i["person_id"] for i in queue] == ["s0", "s1", "s2", "s3"]

    # Section chiefs: four 好 fill the cap; each answer tells the quota left.
    for pid, grade in DECIDED.items():
        answer = await review(unit, "2026-Q3", chief_of(pid), pid, grade)
        assert "good_left" in answer["data"]
    r = await client.get(f"{Q}/2026-Q3/board?after={answer['position']}", headers=h["boss"])
    board = r.json()
    assert board["quarter"]["good_used"] == 4 and board["quarter"]["good_left"] == 0
    assert board["progress"]["at_deputy_leader"] == 10  # 8 staff and the 2 section chiefs

    # The deputy grades s1 and c1 without scores: s1 keeps the chief's composite, c1 has none.
    for pid in ("c1", "c2", *STAFF):
        scores = {} if pid in ("s1", "c1") else SCORES
        r = await client.post(
            f"{Q}/2026-Q3/reviews",
            json={**REVIEW, "person_id": pid, "scores": scores, "grade": DECIDED.get(pid, "较好")},
            headers=h["dep"],
        )
        assert r.status_code == 200, r.text
    # The principal moves a 好 from s4 to s7, with a reason, in one call.
    for pid in ("dep", "c1", "c2", *STAFF):
        r = await client.post(
            f"{Q}/2026-Q3/reviews",
            json={
                **REVIEW,
                "person_id": pid,
                "scores": {} if pid == "c1" else SCORES,
                "grade": DECIDED.get(pid, "较好"),
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
    # Composite = common + individual (no highlights or deductions here): 90; none without scores.
    assert rows["s1"]["composite_score"] == 90 and rows["c1"]["composite_score"] is None

    # Publication for 5 working days (2026-11-18 is a Wednesday: ends Wednesday 25th).
    r = await client.post(f"{Q}/2026-Q3/publication", json={"workdays": 5}, headers=h["admin"])
    assert r.status_code == 200, r.text
    assert r.json()["data"]["period_ends_at"].startswith("2026-11-25")

    r = await client.post(f"{Q}/2026-Q3/appeals", json={"reason": "本季度承担换届筹备任务，请求复核"}, headers=h["s4"])
    assert r.status_code == 200, r.text
    appeal_id = r.json()["data"]["appeal_id"]
    r = await client.get(f"/api/v1/me/appeals?after={r.json()['position']}", headers=h["boss"])
    assert [a["appeal_id"] for a in of_quarter(r.json()["items"], "2026-Q3")] == [appeal_id]
    r = await client.get(f"{Q}/2026-Q3/results", headers=h["s3"])
    assert r.json()["total"] == 11
    check_workbook_export(await client.get(f"{Q}/2026-Q3/board.xlsx", headers=h["boss"]))

    # The period over, the principal upholds the appeal and the administrator finalizes.
    clock.advance(days=8)
    resolution = {"outcome": "upheld", "reason": "经复核，维持原等次"}
    r = await client.post(f"{Q}/2026-Q3/appeals/{appeal_id}/resolution", json=resolution, headers=h["boss"])
    assert r.status_code == 200, r.text
    r = await client.post(f"{Q}/2026-Q3/finalization", headers=h["admin"])
    assert r.status_code == 200, r.text
    r = await client.get(f"/api/v1/me/quarters?after={r.json()['position']}", headers=h["s7"])
    [mine] = of_quarter(r.json()["items"], "2026-Q3")
    assert mine["status"] == "finalized" and mine["grade"] == "好"
    r = await client.get(f"{Q}/2026-Q3/people/s4/history", headers=h["s4"])
    steps = r.json()["items"]
    assert [s["action"] for s in steps][-4:] == ["公示结果", "提出申诉", "申诉处理", "结果确定"]
    assert (steps[-2]["detail"], steps[-2]["reason"]) == ("维持原等次 较好", "经复核，维持原等次")
    assert steps[-1]["detail"] == "最终等次 较好" and "主要领导调整等次" in [s["action"] for s in steps]


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


# --- before publication -------------------------------------------------------------------------


async def test_a_leader_cannot_review_before_the_self_assessment(unit: Unit) -> None:
    await open_quarter(unit, "2026-Q2", peer_reviews_required=0)
    r = await unit.client.post(f"{Q}/2026-Q2/reviews", json=REVIEW, headers=unit.h["c1"])
    assert r.status_code == 409 and r.json()["code"] == "self_assessment_missing"


async def test_a_section_chief_cannot_review_someone_outside_the_section(unit: Unit) -> None:
    await open_quarter(unit, "2025-Q1", peer_reviews_required=0)
    await self_assess(unit, "2025-Q1", ["s5"])
    r = await unit.client.post(f"{Q}/2025-Q1/reviews", json={**REVIEW, "person_id": "s5"}, headers=unit.h["c1"])
    assert r.status_code == 403 and r.json()["code"] == "not_in_your_chain"


async def test_a_leader_cannot_grade_beyond_the_cap(unit: Unit) -> None:
    """Four 好 fill the cap of 11 participants; the fifth is refused with the quota in the answer,
    and the same person graded lower is accepted."""
    await open_quarter(unit, "2025-Q2", peer_reviews_required=0)
    await self_assess(unit, "2025-Q2", ["s0", "s1", "s2", "s4", "s7"])
    for pid in ("s0", "s1", "s2", "s4"):
        await review(unit, "2025-Q2", chief_of(pid), pid, "好")
    r = await unit.client.post(f"{Q}/2025-Q2/reviews", json={**REVIEW, "person_id": "s7"}, headers=unit.h["c2"])
    assert r.status_code == 409 and r.json()["code"] == "good_quota_exceeded"
    assert r.json()["good_left"] == 0
    answer = await review(unit, "2025-Q2", "c2", "s7", "较好")
    assert "good_left" in answer["data"]


async def test_a_staff_member_cannot_read_the_board(unit: Unit) -> None:
    await open_quarter(unit, "2025-Q3", peer_reviews_required=0)
    r = await unit.client.get(f"{Q}/2025-Q3/board", headers=unit.h["s0"])
    assert r.status_code == 403


async def test_an_unpublished_grade_is_hidden_from_the_person(unit: Unit) -> None:
    await open_quarter(unit, "2025-Q4", peer_reviews_required=0)
    await self_assess(unit, "2025-Q4", ["s0"])
    answer = await review(unit, "2025-Q4", "c1", "s0", "好")
    r = await unit.client.get(f"/api/v1/me/quarters?after={answer['position']}", headers=unit.h["s0"])
    [mine] = of_quarter(r.json()["items"], "2025-Q4")
    assert mine["grade"] is None and mine["next_level"] == "deputy_leader"


async def test_the_principal_before_the_deputy_is_told_whose_review_is_pending(unit: Unit) -> None:
    """Told whose review is pending (409), not refused (403)."""
    await open_quarter(unit, "2024-Q1", peer_reviews_required=0)
    await self_assess(unit, "2024-Q1", ["s0"])
    await review(unit, "2024-Q1", "c1", "s0", "好")
    r = await unit.client.post(f"{Q}/2024-Q1/reviews", json=REVIEW, headers=unit.h["boss"])
    assert r.status_code == 409 and r.json()["code"] == "previous_level_pending"
    assert "分管领导钱卫东" in r.json()["detail"] and r.json()["pending_reviewer_id"] == "dep"


async def test_some_scores_are_refused_all_or_none(unit: Unit) -> None:
    """Some scores are no composite: all the scored indicators, or none (a grade alone)."""
    await open_quarter(unit, "2024-Q2", peer_reviews_required=0)
    await self_assess(unit, "2024-Q2", ["s1"])
    await review(unit, "2024-Q2", "c1", "s1", "好")
    partial = {**REVIEW, "person_id": "s1", "scores": {"de-1": 14}}
    r = await unit.client.post(f"{Q}/2024-Q2/reviews", json=partial, headers=unit.h["dep"])
    assert r.status_code == 422 and r.json()["code"] == "scores_incomplete"


async def test_before_publication_the_person_sees_only_their_self_assessment(unit: Unit) -> None:
    await open_quarter(unit, "2024-Q3", peer_reviews_required=0)
    await self_assess(unit, "2024-Q3", ["s4"])
    await review(unit, "2024-Q3", "c2", "s4", "好")
    r = await unit.client.get(f"{Q}/2024-Q3/people/s4/history", headers=unit.h["s4"])
    assert [s["action"] for s in r.json()["items"]] == ["个人自评"]


async def test_a_colleague_cannot_read_someones_grade_history(unit: Unit) -> None:
    await open_quarter(unit, "2024-Q4", peer_reviews_required=0)
    await self_assess(unit, "2024-Q4", ["s4"])
    r = await unit.client.get(f"{Q}/2024-Q4/people/s4/history", headers=unit.h["s3"])
    assert (r.status_code, r.json()["code"]) == (403, "grade_forbidden")


async def test_the_history_of_someone_outside_the_quarter_is_not_found(unit: Unit) -> None:
    await open_quarter(unit, "2023-Q1", peer_reviews_required=0)
    r = await unit.client.get(f"{Q}/2023-Q1/people/nobody/history", headers=unit.h["boss"])
    assert (r.status_code, r.json()["code"]) == (404, "participant_not_found")


async def test_the_administrator_replaces_a_reviewer_in_the_open_quarter(unit: Unit) -> None:
    """s0's review moves from the section chief c1 to c2 (c1 on leave, say): the board, c2's queue
    and the grade's history follow; c1 may no longer review s0, c2 may."""
    await open_quarter(unit, "2023-Q4", peer_reviews_required=0)
    await self_assess(unit, "2023-Q4", ["s0"])
    chain = {"section_chief_id": "c2", "deputy_leader_id": "dep", "principal_leader_id": "boss"}
    r = await unit.client.put(f"{Q}/2023-Q4/people/s0/reviewers", json=chain, headers=unit.h["c1"])
    assert (r.status_code, r.json()["code"]) == (403, "role_required")
    r = await unit.client.put(f"{Q}/2023-Q4/people/s0/reviewers", json=chain, headers=unit.h["admin"])
    assert r.status_code == 200, r.text
    r = await unit.client.get(f"{Q}/2023-Q4/board?after={r.json()['position']}", headers=unit.h["admin"])
    [s0] = [p for p in r.json()["items"] if p["person_id"] == "s0"]
    assert (s0["section_chief_id"], s0["next_level"], s0["next_reviewer_id"]) == ("c2", "section_chief", "c2")
    r = await unit.client.get("/api/v1/me/queue?limit=200", headers=unit.h["c2"])
    assert ("2023-Q4", "s0") in {(q["quarter"], q["person_id"]) for q in r.json()["items"]}
    r = await unit.client.post(f"{Q}/2023-Q4/reviews", json=REVIEW, headers=unit.h["c1"])
    assert (r.status_code, r.json()["code"]) == (403, "not_in_your_chain")
    await review(unit, "2023-Q4", "c2", "s0", "好")
    r = await unit.client.get(f"{Q}/2023-Q4/people/s0/history", headers=unit.h["admin"])
    assert [s["action"] for s in r.json()["items"]] == ["个人自评", "调整审核人", "股组长审核"]
    r = await unit.client.put(
        f"{Q}/2023-Q4/people/s0/reviewers", json=chain | {"section_chief_id": "c1"}, headers=unit.h["admin"]
    )
    assert (r.status_code, r.json()["code"]) == (409, "level_already_decided")


async def test_an_adjustment_cannot_go_beyond_the_cap(unit: Unit) -> None:
    await open_quarter(unit, "2023-Q2", peer_reviews_required=0)
    await self_assess(unit, "2023-Q2", ["s0", "s1", "s2", "s3", "s5"])
    for pid in ("s0", "s1", "s2", "s3"):
        await review(unit, "2023-Q2", "c1", pid, "好")
    await review(unit, "2023-Q2", "c2", "s5", "较好")
    r = await unit.client.post(
        f"{Q}/2023-Q2/adjustments", json={"person_id": "s5", "to_grade": "好", "reason": "调整"}, headers=unit.h["boss"]
    )
    assert r.status_code == 409 and r.json()["code"] == "good_quota_exceeded"


# --- published: 2026-Q1, with s4's appeal open, shared by the tests that change nothing -------------


@pytest.fixture(scope="module")
async def published(shared_unit: Unit) -> str:
    """2026-Q1 published on 2026-11-18 (the period ends on the 25th), s4's appeal open; its id."""
    shared_unit.app.state.runtime.clock = lambda: START
    await publish(shared_unit, "2026-Q1")
    r = await shared_unit.client.post(
        f"{Q}/2026-Q1/appeals", json={"reason": "本季度承担换届筹备任务，请求复核"}, headers=shared_unit.h["s4"]
    )
    assert r.status_code == 200, r.text
    appeal_id = r.json()["data"]["appeal_id"]
    r = await shared_unit.client.get(f"/api/v1/me/appeals?after={r.json()['position']}", headers=shared_unit.h["boss"])
    assert appeal_id in [a["appeal_id"] for a in r.json()["items"]]
    return appeal_id


async def test_published_results_refuse_a_review(unit: Unit, published: str) -> None:
    r = await unit.client.post(f"{Q}/2026-Q1/reviews", json=REVIEW, headers=unit.h["boss"])
    assert r.status_code == 409 and r.json()["code"] == "results_published"


async def test_a_section_chief_exports_the_workbook_of_their_chain(unit: Unit, published: str) -> None:
    r = await unit.client.get(f"{Q}/2026-Q1/board.xlsx", headers=unit.h["c1"])
    chain = list(load_workbook(io.BytesIO(r.content))["考核进度"].iter_rows(min_row=2, values_only=True))
    assert [row[0] for row in chain] == ["s0", "s1", "s2", "s3"]


async def test_a_staff_member_cannot_export_the_workbook(unit: Unit, published: str) -> None:
    r = await unit.client.get(f"{Q}/2026-Q1/board.xlsx", headers=unit.h["s3"])
    assert r.status_code == 403 and r.headers["content-type"] == "application/problem+json"


async def test_the_workbook_of_an_unopened_quarter_is_not_found(unit: Unit) -> None:
    r = await unit.client.get(f"{Q}/2026-Q4/board.xlsx", headers=unit.h["boss"])
    assert r.status_code == 404 and r.json()["code"] == "quarter_not_found"


async def test_an_appeal_after_the_publication_period_is_refused(unit: Unit, published: str, clock) -> None:
    clock.advance(days=8)
    r = await unit.client.post(f"{Q}/2026-Q1/appeals", json={"reason": "请求复核本季度等次结果"}, headers=unit.h["s3"])
    assert r.status_code == 409 and r.json()["code"] == "appeal_period_over"


async def test_a_quarter_with_an_open_appeal_cannot_be_finalized(unit: Unit, published: str, clock) -> None:
    clock.advance(days=8)
    r = await unit.client.post(f"{Q}/2026-Q1/finalization", headers=unit.h["admin"])
    assert r.status_code == 409 and r.json()["code"] == "appeals_open"


async def test_only_the_principal_resolves_an_appeal(unit: Unit, published: str, clock) -> None:
    clock.advance(days=8)
    resolution = {"outcome": "upheld", "reason": "经复核，维持原等次"}
    r = await unit.client.post(f"{Q}/2026-Q1/appeals/{published}/resolution", json=resolution, headers=unit.h["dep"])
    assert r.status_code == 403


async def test_a_finalized_quarter_refuses_an_adjustment(unit: Unit, clock) -> None:
    await publish(unit, "2023-Q3")
    clock.advance(days=8)
    r = await unit.client.post(f"{Q}/2023-Q3/finalization", headers=unit.h["admin"])
    assert r.status_code == 200, r.text
    r = await unit.client.post(
        f"{Q}/2023-Q3/adjustments",
        json={"person_id": "s5", "to_grade": "一般", "reason": "调整"},
        headers=unit.h["boss"],
    )
    assert r.status_code == 409 and r.json()["code"] == "quarter_finalized"


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
