"""The quarter board as it stood at a past time: folded from the events recorded up to then, in a
schema rolled back afterwards; the live board is untouched."""

from __future__ import annotations

import datetime as dt

from .unit_setup import SCORES, Unit

Q = "/api/v1/units/u1/quarters"


async def test_board_as_of_answers_the_figures_of_that_time(own_unit: Unit) -> None:
    client, h = own_unit.client, own_unit.h
    before_opening = dt.datetime.now(dt.UTC)
    r = await client.post(Q, json={"quarter": "2026-Q3"}, headers=h["admin"])
    assert r.status_code == 200, r.text
    body = {"scores": SCORES, "grade": "好", "summary": "本季度按时完成各项工作任务"}
    r = await client.post(f"{Q}/2026-Q3/self-assessment", json=body, headers=h["s0"])
    assert r.status_code == 200, r.text
    noted = dt.datetime.now(dt.UTC)
    r = await client.post(f"{Q}/2026-Q3/self-assessment", json={**body, "grade": "较好"}, headers=h["s1"])
    assert r.status_code == 200, r.text

    live = (await client.get(f"{Q}/2026-Q3/board?limit=50&after={r.json()['position']}", headers=h["boss"])).json()
    then = (await client.get(f"{Q}/2026-Q3/board", params={"limit": 50, "as_of": noted.isoformat()}, headers=h["boss"])).json()  # fmt: skip
    grades = lambda board: {p["person_id"]: p["self_grade"] for p in board["items"]}  # noqa: E731
    assert grades(live)["s0"] == "好" and grades(live)["s1"] == "较好" and live["progress"]["self_assessed"] == 2
    assert grades(then)["s0"] == "好" and grades(then)["s1"] is None and then["progress"]["self_assessed"] == 1
    assert then["as_of"] is not None and live["as_of"] is None and then["total"] == live["total"]
    # Asking for the past left the live board as it was.
    again = (await client.get(f"{Q}/2026-Q3/board?limit=50", headers=h["boss"])).json()
    assert grades(again) == grades(live)

    r = await client.get(f"{Q}/2026-Q3/board", params={"as_of": before_opening.isoformat()}, headers=h["boss"])
    assert (r.status_code, r.json()["code"]) == (404, "quarter_not_found")
    future = (dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).isoformat()
    r = await client.get(f"{Q}/2026-Q3/board", params={"as_of": future}, headers=h["boss"])
    assert (r.status_code, r.json()["code"]) == (422, "as_of_in_future")
    r = await client.get(f"{Q}/2026-Q3/board", params={"as_of": "2026-11-18T09:00:00"}, headers=h["boss"])
    assert (r.status_code, r.json()["code"]) == (422, "as_of_without_zone")
    r = await client.get(f"{Q}/2026-Q3/board", params={"as_of": noted.isoformat()}, headers=h["s0"])
    assert r.status_code == 403
