"""Erasing a person (PIPL) across services: the name never reaches the store in the clear; after
the erasure and a rebuild of every projection of appraisal and reporting, no read model and no
export holds it, the events still load, and the person reads as 已删除 everywhere."""

from __future__ import annotations

import io
import sys
import uuid
from pathlib import Path

import asyncpg
import openpyxl

from appraisal.main import create_app as appraisal_app
from reporting.main import create_app as reporting_app

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "services" / "appraisal" / "tests" / "integration"))
from unit_setup import build_unit

WEEK = "2026-W47"


async def _traces(dsn: str, needle: str) -> list[str]:
    """Every table of every schema (the events included) whose rows hold ``needle`` in any column."""
    conn = await asyncpg.connect(dsn)
    try:
        tables = await conn.fetch(
            """SELECT table_schema, table_name FROM information_schema.tables
               WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')"""
        )
        found = []
        for t in tables:
            name = f'"{t["table_schema"]}"."{t["table_name"]}"'
            try:
                held = await conn.fetchval(
                    f"SELECT count(*) FROM {name} AS t WHERE t::text LIKE '%' || $1 || '%'", needle
                )
            except asyncpg.UndefinedTableError:
                continue  # a rebuild's shadow schema, dropped since it was listed: it holds nothing now
            if held:
                found.append(name)
        return found
    finally:
        await conn.close()


async def test_erasing_a_person_leaves_no_trace_but_the_events_still_load(
    database, new_database, make_settings, serve, auth, wait_until, clock
) -> None:
    reporting_db = await new_database()
    a_app = appraisal_app(make_settings("appraisal", database))
    r_app = reporting_app(make_settings("reporting", reporting_db))
    pid = "x" + uuid.uuid4().hex[:10]  # the keystore is shared by every test: erase no one else
    name = "柏" + uuid.uuid4().hex[:6]
    operator = auth("op1", "operator", name="运维值班员")
    district = auth("d1", "district_admin")
    async with serve(a_app) as appraisal, serve(r_app) as reporting:
        a_app.state.runtime.clock = clock
        h = await build_unit(appraisal, auth)
        chain = {"section_chief_id": "c1", "deputy_leader_id": "dep", "principal_leader_id": "boss"}
        person = {"person_id": pid, "person_name": name, "section_id": "sec1", "position": "科员", "chain": chain}
        person["birth_date"] = "1990-05-06"
        r = await appraisal.post("/api/v1/units/u1/people", json=person, headers=h["admin"])
        assert r.status_code == 200, r.text
        me = auth(pid, "staff", name=name, unit="u1", section="sec1")
        log = {"week": WEEK, "items": [{"text": "整理党建台账", "indicators": ["qin-1"]}]}
        r = await appraisal.post("/api/v1/logs", json=log, headers=me)
        assert r.status_code == 200, r.text
        r = await appraisal.post("/api/v1/units/u1/quarters", json={"quarter": "2026-Q4"}, headers=h["admin"])
        assert r.status_code == 200, r.text
        opened = r.json()["position"]

        # Sealed at the boundary: neither the events nor their metadata hold the name in the clear.
        assert "public.events" not in " ".join(await _traces(database, name))
        assert await _traces(database, name)  # the read models do, until the erasure
        r = await appraisal.get(f"/api/v1/units/u1/people?after={opened}", headers=h["admin"])
        assert name in [p["person_name"] for p in r.json()["items"]]

        async def reported():
            r = await reporting.get(f"/api/v1/submissions?week={WEEK}", headers=district)
            return r.status_code == 200 and r.json()["units"] and r.json()["units"][0]["submitted"] >= 1

        await wait_until(reported, timeout=30)

        # Who may erase, and what the operator checks first.
        body = {"person_id": pid, "reason": "本人于 2026-11-30 书面申请删除个人信息"}
        r = await appraisal.post("/api/v1/erasures", json=body, headers=district)
        assert r.status_code == 403 and r.json()["code"] == "operator_required"
        r = await appraisal.get(f"/api/v1/erasures/subjects/{pid}", headers=operator)
        assert r.json() == {"person_id": pid, "state": "active", "person_name": name, "unit_name": "凤翔区委组织部"}
        r = await appraisal.post("/api/v1/erasures", json={**body, "person_id": "nobody-" + pid}, headers=operator)
        assert r.status_code == 404 and r.json()["code"] == "person_unknown"
        r = await appraisal.post("/api/v1/erasures", json={**body, "reason": ""}, headers=operator)
        assert r.status_code == 422

        r = await appraisal.post("/api/v1/erasures", json=body, headers={**operator, "Idempotency-Key": "erase-1"})
        assert r.status_code == 200, r.text
        assert r.json()["events"] == ["PersonErased"]
        again = await appraisal.post("/api/v1/erasures", json=body, headers={**operator, "Idempotency-Key": "erase-1"})
        assert again.json() == r.json()  # the retry gets the first answer
        r2 = await appraisal.post("/api/v1/erasures", json=body, headers=operator)
        assert r2.status_code == 409 and r2.json()["code"] == "already_erased"
        erased_at = r.json()["position"]

        # Each service rebuilds its read models without the person on its own.
        async def scrubbed(dsn: str) -> bool:
            conn = await asyncpg.connect(dsn)
            try:
                return bool(
                    await conn.fetchval(
                        "SELECT scrubbed_at IS NOT NULL FROM platform_erasures.erasures WHERE person_id = $1", pid
                    )
                )
            finally:
                await conn.close()

        await wait_until(lambda: scrubbed(database), timeout=60)
        await wait_until(lambda: scrubbed(reporting_db), timeout=60)
        r = await appraisal.get(f"/api/v1/erasures?after={erased_at}", headers=operator)
        record = next(e for e in r.json() if e["person_id"] == pid)
        assert record["actor_name"] == "运维值班员" and record["scrubbed_at"] is not None

        # And once more by hand, every projection of both services: replays still load every event.
        for client, app in ((appraisal, a_app), (reporting, r_app)):
            names = [p.name for p in app.state.runtime.projections]
            for projection in names:
                r = await client.post(f"/api/v1/ops/projections/{projection}/rebuild", headers=operator)
                assert r.status_code == 202, r.text

            async def rebuilt(client=client, names=names) -> bool:
                jobs = {j["projection"]: j for j in (await client.get("/api/v1/ops/rebuilds", headers=operator)).json()}
                assert all(j["state"] != "failed" for j in jobs.values()), jobs
                return set(jobs) == set(names) and all(j["state"] == "done" for j in jobs.values())

            await wait_until(rebuilt, timeout=120)

        assert await _traces(database, name) == []
        assert await _traces(reporting_db, name) == []

        # Everywhere the person was named, 已删除; the rest of the roster is untouched.
        r = await appraisal.get("/api/v1/units/u1/people", headers=h["admin"])
        people = {p["person_id"]: p for p in r.json()["items"]}
        assert people[pid]["person_name"] == "已删除" and people[pid]["birth_date"] is None
        assert people["c1"]["person_name"] == "孙丽"
        r = await appraisal.get(f"/api/v1/logs?week={WEEK}", headers=h["admin"])
        assert "已删除" in [item["person_name"] for item in r.json()["items"]]
        r = await appraisal.get("/api/v1/units/u1/quarters/2026-Q4/board.xlsx", headers=h["admin"])
        assert r.status_code == 200, r.text
        book = openpyxl.load_workbook(io.BytesIO(r.content))
        cells = [str(c.value) for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
        assert "已删除" in cells and not any(name in c for c in cells)
        r = await appraisal.get(f"/api/v1/erasures/subjects/{pid}", headers=operator)
        assert r.json()["state"] == "erased"
