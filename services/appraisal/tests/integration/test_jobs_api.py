"""Through HTTP, the reads and commands the app's newer screens use: a colleague's list for peer
review (内部互评), one's own follow-ups, correcting a person's details, the roster template and the
import's errors named by their Chinese column, and annual grades entered by the administrator."""

from __future__ import annotations

import io

from openpyxl import Workbook, load_workbook

from .unit_setup import SCORES, STAFF, UNIT, Unit

Q = f"/api/v1/units/{UNIT}/quarters"
HEADER = ["人员编号", "姓名", "股室", "职务", "出生日期", "身份证号", "股组长编号", "分管领导编号", "主要领导编号"]


async def test_peer_review_list_follows_my_reviews(own_unit: Unit) -> None:
    client, h = own_unit.client, own_unit.h
    r = await client.post(Q, json={"quarter": "2026-Q3", "peer_reviews_required": 1}, headers=h["admin"])
    assert r.status_code == 200, r.text
    body = {"scores": SCORES, "grade": "较好", "summary": "本季度按时完成各项工作任务"}
    r = await client.post(f"{Q}/2026-Q3/self-assessment", json=body, headers=h["s1"])
    assert r.status_code == 200, r.text
    r = await client.get(f"/api/v1/me/peer-reviews?after={r.json()['position']}&limit=50", headers=h["s0"])
    assert r.status_code == 200, r.text
    page = r.json()
    states = {i["person_id"]: i["state"] for i in page["items"]}
    assert "s0" not in states and states["s1"] == "open" and states["s2"] == "waiting_self_assessment"
    assert (page["reviewed"], page["required"], page["total"]) == (0, 1, 10)
    assert next(i for i in page["items"] if i["person_id"] == "s1")["section_name"] == "组织科"

    r = await client.post(
        f"{Q}/2026-Q3/peer-reviews", json={"person_id": "s1", "grade": "好", "comment": "乐于协作"}, headers=h["s0"]
    )
    assert r.status_code == 200, r.text
    r = await client.get(f"/api/v1/me/peer-reviews?after={r.json()['position']}&limit=50", headers=h["s0"])
    mine = next(i for i in r.json()["items"] if i["person_id"] == "s1")
    assert (mine["state"], mine["my_grade"], mine["my_comment"]) == ("reviewed", "好", "乐于协作")
    assert r.json()["reviewed"] == 1
    # Nobody else sees s0's review as their own.
    r = await client.get("/api/v1/me/peer-reviews?limit=50", headers=h["s2"])
    assert next(i for i in r.json()["items"] if i["person_id"] == "s1")["state"] == "open"
    assert (await client.get("/api/v1/me/peer-reviews", headers=h["admin"])).status_code == 403

    r = await client.get("/api/v1/me/follow-ups", headers=h["s0"])
    assert r.status_code == 200 and r.json()["total"] == 0


async def test_roster_corrections_template_and_column_names(own_unit: Unit) -> None:
    client, h = own_unit.client, own_unit.h
    r = await client.get(f"/api/v1/units/{UNIT}/roster-template.xlsx", headers=h["admin"])
    assert r.status_code == 200 and "filename*=UTF-8''" in r.headers["content-disposition"]
    assert [c.value for c in load_workbook(io.BytesIO(r.content))["花名册"][1]] == HEADER
    assert (await client.get(f"/api/v1/units/{UNIT}/roster-template.xlsx", headers=h["s0"])).status_code == 403

    book = Workbook()
    book.active.append(HEADER)
    book.active.append(["n1", "", "组织科", "科员", None, None, "c1", "dep", "boss"])
    book.active.append(["n2", "韩梅梅", "组织科", "科员", None, None, "c1", "nobody", "boss"])
    out = io.BytesIO()
    book.save(out)
    files = {"file": ("花名册.xlsx", out.getvalue(), "application/octet-stream")}
    r = await client.post(f"/api/v1/units/{UNIT}/roster-imports", files=files, headers=h["admin"])
    assert r.status_code == 200, r.text
    assert [(e["row"], e["column"]) for e in r.json()["data"]["errors"]] == [(2, "姓名"), (3, "分管领导编号")]

    edit = {"person_name": "职员零号", "position": "四级主任科员", "birth_date": "1980-01-10"}
    assert (await client.put(f"/api/v1/units/{UNIT}/people/s0", json=edit, headers=h["c1"])).status_code == 403
    r = await client.put(f"/api/v1/units/{UNIT}/people/s0", json={**edit, "person_name": "职员s1"}, headers=h["admin"])
    assert r.status_code == 200, r.text  # another birth date than s1's: not a duplicate
    r = await client.put(
        f"/api/v1/units/{UNIT}/people/s0",
        json={**edit, "person_name": "职员s1", "birth_date": "1985-06-15"},
        headers=h["admin"],
    )
    assert r.status_code == 409 and r.json()["code"] == "duplicate_person", r.text
    r = await client.put(f"/api/v1/units/{UNIT}/people/s0", json=edit, headers=h["admin"])
    assert r.status_code == 200, r.text
    r = await client.get(f"/api/v1/units/{UNIT}/people?after={r.json()['position']}&limit=50", headers=h["admin"])
    s0 = next(p for p in r.json()["items"] if p["person_id"] == "s0")
    assert (s0["person_name"], s0["position"], s0["birth_date"]) == ("职员零号", "四级主任科员", "1980-01-10")
    assert STAFF[0] == "s0"


async def test_annual_grades_under_the_quota_entered_by_the_administrator(own_unit: Unit, clock) -> None:
    client, h = own_unit.client, own_unit.h
    chains = {"dep": ["boss"], "c1": ["dep", "boss"], "c2": ["dep", "boss"]}
    chains |= {pid: [("c1" if int(pid[1:]) < 4 else "c2"), "dep", "boss"] for pid in STAFF}
    good = {"s0", "s1", "s2"}
    for num in range(1, 5):
        quarter = f"{Q}/2026-Q{num}"
        r = await client.post(Q, json={"quarter": f"2026-Q{num}", "peer_reviews_required": 0}, headers=h["admin"])
        assert r.status_code == 200, r.text
        for pid, reviewers in chains.items():
            body = {"scores": SCORES, "grade": "较好", "summary": "本季度按时完成各项工作任务"}
            assert (await client.post(f"{quarter}/self-assessment", json=body, headers=h[pid])).status_code == 200
            grade = "好" if pid in good else "较好"
            for reviewer in reviewers:
                review = {"person_id": pid, "scores": SCORES, "grade": grade, "comment": "工作扎实"}
                r = await client.post(f"{quarter}/reviews", json=review, headers=h[reviewer])
                assert r.status_code == 200, r.text
        assert (
            await client.post(f"{quarter}/publication", json={"workdays": 1}, headers=h["admin"])
        ).status_code == 200
        clock.advance(days=5)
        r = await client.post(f"{quarter}/finalization", json={}, headers=h["admin"])
        assert r.status_code == 200, r.text

    r = await client.post(f"/api/v1/units/{UNIT}/annual-reviews", json={"year": 2026}, headers=h["admin"])
    assert r.status_code == 200, r.text
    assert r.json()["data"]["excellent_candidates"] == ["s0", "s1", "s2"]
    grades = f"/api/v1/units/{UNIT}/annual-reviews/2026/grades"
    r = await client.post(grades, json={"person_id": "s0", "grade": "优秀"}, headers=h["s3"])
    assert r.status_code == 403
    r = await client.post(grades, json={"person_id": "s0", "grade": "优秀"}, headers=h["admin"])
    assert r.status_code == 200, r.text
    r = await client.post(grades, json={"person_id": "s1", "grade": "优秀"}, headers=h["boss"])
    assert r.status_code == 200 and r.json()["data"]["excellent_left"] == 0, r.text
    decided = r.json()["position"]
    r = await client.post(grades, json={"person_id": "s3", "grade": "优秀"}, headers=h["admin"])
    assert r.status_code == 409 and r.json()["code"] == "not_excellent_candidate"
    r = await client.post(grades, json={"person_id": "s2", "grade": "优秀"}, headers=h["admin"])
    assert r.status_code == 409 and r.json()["code"] == "excellent_quota_exceeded"
    r = await client.get(f"/api/v1/units/{UNIT}/annual-reviews/2026?after={decided}", headers=h["admin"])
    board = r.json()
    assert (board["excellent_cap"], board["excellent_used"], board["excellent_left"]) == (2, 2, 0)
