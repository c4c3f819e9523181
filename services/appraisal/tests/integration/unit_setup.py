"""A small unit built through the API for the integration tests (1 principal leader, 1 deputy,
2 section chiefs, 8 staff) with its indicator scheme; as ``Unit``, the one a module's tests share
(the ``unit`` fixture of the tests' conftest)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import httpx
from fastapi import FastAPI

START = dt.datetime(2026, 11, 18, 9, 0, tzinfo=dt.UTC)  # where the clock fixture starts
UNIT = "u1"
SCHEME = [
    {"code": "de-1", "name": "政治素质", "kind": "common", "dimension": "德", "max_points": 15},
    {"code": "neng-1", "name": "业务能力", "kind": "common", "dimension": "能", "max_points": 20},
    {"code": "qin-1", "name": "工作纪律", "kind": "common", "dimension": "勤", "max_points": 20},
    {"code": "ji-1", "name": "岗位目标完成", "kind": "individual", "dimension": "绩", "max_points": 35},
    {"code": "lian-1", "name": "廉洁自律", "kind": "common", "dimension": "廉", "max_points": 10},
    {"code": "hl-1", "name": "特色亮点", "kind": "highlight", "dimension": "绩", "max_points": 5},
    {"code": "neg-1", "name": "负面清单", "kind": "negative", "dimension": "廉", "max_points": 10},
]
SCORES = {"de-1": 14, "neng-1": 18, "qin-1": 18, "ji-1": 30, "lian-1": 10}
STAFF = [f"s{i}" for i in range(8)]


@dataclass
class Unit:
    """The unit in its running app: the client, and the headers of each of its people by id
    (with ``admin`` and ``district``)."""

    app: FastAPI
    client: httpx.AsyncClient
    h: dict[str, dict[str, str]]


def chief_of(pid: str) -> str:
    return "c1" if int(pid[1:]) < 4 else "c2"


async def build_unit(client: httpx.AsyncClient, auth: Callable[..., dict[str, str]]) -> dict[str, dict[str, str]]:
    district = auth("d1", "district_admin")
    admin = auth("a1", "unit_admin", unit=UNIT)
    r = await client.post("/api/v1/units", json={"unit_id": UNIT, "unit_name": "凤翔区委组织部"}, headers=district)
    assert r.status_code == 200, r.text
    for sid, name in (("sec1", "组织科"), ("sec2", "干部科")):
        r = await client.post(
            f"/api/v1/units/{UNIT}/sections", json={"section_id": sid, "section_name": name}, headers=admin
        )
        assert r.status_code == 200, r.text
    people = [
        ("boss", "赵国强", None, {}),
        ("dep", "钱卫东", None, {"principal_leader_id": "boss"}),
        ("c1", "孙丽", "sec1", {"deputy_leader_id": "dep", "principal_leader_id": "boss"}),
        ("c2", "李明", "sec2", {"deputy_leader_id": "dep", "principal_leader_id": "boss"}),
    ]
    for pid in STAFF:
        chain = {"section_chief_id": chief_of(pid), "deputy_leader_id": "dep", "principal_leader_id": "boss"}
        people.append((pid, f"职员{pid}", "sec1" if chief_of(pid) == "c1" else "sec2", chain))
    for i, (pid, name, section, chain) in enumerate(people):
        body = {
            "person_id": pid,
            "person_name": name,
            "section_id": section,
            "position": "科员",
            "birth_date": f"198{i % 10}-0{1 + i % 9}-1{i % 10}",
            "chain": chain,
        }
        r = await client.post(f"/api/v1/units/{UNIT}/people", json=body, headers=admin)
        assert r.status_code == 200, r.text
    r = await client.put(f"/api/v1/units/{UNIT}/schemes/2026", json={"indicators": SCHEME}, headers=admin)
    assert r.status_code == 200, r.text
    headers = {"admin": admin, "district": district}
    headers["boss"] = auth("boss", "principal_leader", name="赵国强", unit=UNIT)
    headers["dep"] = auth("dep", "deputy_leader", name="钱卫东", unit=UNIT)
    for pid in ("c1", "c2"):
        headers[pid] = auth(pid, "section_chief", name=pid, unit=UNIT)
    for pid in STAFF:
        headers[pid] = auth(pid, "staff", name=f"职员{pid}", unit=UNIT)
    return headers
