"""Through HTTP: who reads which of a unit's records. Leaders read their reviewing chain (and
themselves), the unit administrator the unit; a question outside one's scope is refused (403),
never answered with an empty list. And the names a log's comments show are the roster's."""

from __future__ import annotations

from .unit_setup import STAFF, Unit, chief_of

WEEK = "2026-W47"
LOG = {"week": WEEK, "items": [{"text": "整理党建台账，走访党员 3 户", "indicators": ["qin-1"]}]}


async def test_the_week_status_and_the_unit_boards_show_a_leader_their_reviewing_chain(own_unit: Unit) -> None:
    client, h = own_unit.client, own_unit.h
    for who in ("boss", "dep", "c1", "s0", "s5"):
        r = await client.post("/api/v1/logs", json=LOG, headers=h[who])
        assert r.status_code == 200, r.text
    after = r.json()["position"]

    def people(answer) -> set[str]:
        assert answer.status_code == 200, answer.text
        return {p["person_id"] for p in answer.json()["items"]}

    status = f"/api/v1/logs/status?week={WEEK}&limit=50&after={after}"
    c1_chain = {"c1", *(s for s in STAFF if chief_of(s) == "c1")}
    r = await client.get(status, headers=h["c1"])
    assert people(r) == c1_chain
    assert (r.json()["people"], r.json()["on_time"], r.json()["missing"]) == (5, 2, 3)
    r = await client.get(f"{status}&state=on_time", headers=h["c1"])
    assert people(r) == {"c1", "s0"} and r.json()["total"] == 2
    assert people(await client.get(status, headers=h["dep"])) == {"dep", "c1", "c2", *STAFF}
    assert people(await client.get(status, headers=h["admin"])) == {"boss", "dep", "c1", "c2", *STAFF}
    r = await client.get(status, headers=h["admin"])
    assert (r.json()["people"], r.json()["on_time"]) == (12, 5)
    # Another unit's status, or a civil servant asking: refused, not an empty list.
    r = await client.get(f"{status}&unit=u2", headers=h["c1"])
    assert r.status_code == 403 and r.json()["code"] == "other_unit"
    assert (await client.get(status, headers=h["s0"])).status_code == 403

    # The section chief never reads the principal leader's (or another section's) logs.
    r = await client.get(f"/api/v1/logs?week={WEEK}&after={after}", headers=h["c1"])
    assert people(r) == {"c1", "s0"}
    for other in ("boss", "dep", "s5"):
        r = await client.get(f"/api/v1/logs?person={other}", headers=h["c1"])
        assert r.status_code == 403 and r.json()["code"] == "not_in_your_chain", other
    assert people(await client.get(f"/api/v1/logs?week={WEEK}", headers=h["boss"])) == {
        "boss",
        "dep",
        "c1",
        "s0",
        "s5",
    }

    # The unit's boards: a section chief sees their chain's rows; another unit is refused.
    r = await client.post("/api/v1/units/u1/quarters", json={"quarter": "2026-Q4"}, headers=h["admin"])
    assert r.status_code == 200, r.text
    appeals = f"/api/v1/units/u1/quarters/2026-Q4/appeals?status=resolved&after={r.json()['position']}"
    for path in (appeals, "/api/v1/units/u1/follow-ups", "/api/v1/units/u1/result-uses"):
        assert (await client.get(path, headers=h["c1"])).status_code == 200, path
        r = await client.get(path.replace("/u1/", "/u2/"), headers=h["c1"])
        assert r.status_code == 403 and r.json()["code"] == "other_unit", path
        assert (await client.get(path, headers=h["s0"])).status_code == 403, path
    use = {
        "person_id": "s5",
        "kind": "training",
        "year": 2026,
        "basis": "参加年轻干部培训班",
        "decided_on": "2026-11-18",
    }
    r = await client.post("/api/v1/units/u1/result-uses", json=use, headers=h["admin"])
    assert r.status_code == 200, r.text
    uses = f"/api/v1/units/u1/result-uses?after={r.json()['position']}"
    assert people(await client.get(uses, headers=h["c1"])) == set()
    assert people(await client.get(uses, headers=h["c2"])) == {"s5"}
    assert people(await client.get(uses, headers=h["boss"])) == {"s5"}


async def test_a_unit_administrator_naming_someone_of_another_unit_is_refused(own_unit: Unit, auth) -> None:
    client, h = own_unit.client, own_unit.h
    r = await client.post("/api/v1/logs", json=LOG, headers=h["s0"])
    assert r.status_code == 200, r.text
    after = r.json()["position"]
    other_admin = auth("a2", "unit_admin", unit="u2")
    for path in ("/api/v1/logs", "/api/v1/summaries"):
        r = await client.get(f"{path}?person=s0&after={after}", headers=other_admin)
        assert r.status_code == 403 and r.json()["code"] == "other_unit", (path, r.text)
        # The unit's own administrator reads them.
        assert (await client.get(f"{path}?person=s0&after={after}", headers=h["admin"])).status_code == 200
    r = await client.get(f"/api/v1/logs?person=s0&after={after}", headers=h["admin"])
    assert [row["person_id"] for row in r.json()["items"]] == ["s0"]


async def test_someone_not_appraised_is_refused_their_own_records_not_answered_empty(own_unit: Unit, auth) -> None:
    client = own_unit.client
    mine = ("/api/v1/me/quarters", "/api/v1/me/follow-ups")
    for roles, paths in (
        (("grid_member",), (*mine, "/api/v1/reminders")),
        (("department",), (*mine, "/api/v1/reminders")),
        (("unit_admin",), mine),  # an administrator reads the unit's reminders, but has no quarters
        (("district_admin",), mine),
    ):
        asker = auth("x1", *roles, unit="u1")
        for path in paths:
            r = await client.get(path, headers=asker)
            assert r.status_code == 403 and r.json()["code"] == "role_required", (roles, path, r.text)
    for path in ("/api/v1/me/quarters", "/api/v1/me/follow-ups", "/api/v1/reminders"):
        assert (await client.get(path, headers=own_unit.h["s0"])).status_code == 200, path


async def test_log_comments_name_the_reviewer_as_the_roster_does(own_unit: Unit) -> None:
    """c1's token names them "c1"; the roster names them 孙丽, and after a correction 孙丽华. A
    reviewer the roster does not hold (a comment from before the roster, say) shows their link
    in the writer's chain, or 审核领导."""
    client, h, app = own_unit.client, own_unit.h, own_unit.app
    assert (await client.post("/api/v1/logs", json=LOG, headers=h["s0"])).status_code == 200
    r = await client.post(f"/api/v1/logs/s0/{WEEK}/comments", json={"comment": "内容具体，继续保持"}, headers=h["c1"])
    assert r.status_code == 200, r.text
    r = await client.get(f"/api/v1/logs?person=s0&after={r.json()['position']}", headers=h["s0"])
    [log] = r.json()["items"]
    assert [(c["reviewer_id"], c["reviewer_name"]) for c in log["comments"]] == [("c1", "孙丽")]

    r = await client.put(
        "/api/v1/units/u1/people/c1", json={"person_name": "孙丽华", "position": "股长"}, headers=h["admin"]
    )
    assert r.status_code == 200, r.text
    await client.get(f"/api/v1/units/u1/people?after={r.json()['position']}", headers=h["admin"])
    r = await client.get("/api/v1/logs?person=s0", headers=h["c1"])
    [log] = r.json()["items"]
    assert [c["reviewer_name"] for c in log["comments"]] == ["孙丽华"]

    pool = app.state.runtime.pool
    await pool.execute(
        """UPDATE rm_logs.weekly_logs SET comments = comments || $1::jsonb
           WHERE person_id = 's0' AND week = $2""",
        [{"reviewer_id": "c1-old", "comment": "旧系统导入的点评", "at": "2026-11-20T09:00:00+08:00"}],
        WEEK,
    )
    r = await client.get("/api/v1/logs?person=s0", headers=h["s0"])
    [log] = r.json()["items"]
    assert [c["reviewer_name"] for c in log["comments"]] == ["孙丽华", "审核领导"]
    assert [c["comment"] for c in log["comments"]] == ["内容具体，继续保持", "旧系统导入的点评"]
