"""The demo users: people of the cast (same ids, same names), so what they see is in the data."""

from __future__ import annotations

from grassroots_common.demo import DemoUser
from grid.demo.cast import _BY_ID, COMMUNITY, DISPATCHER, HANDLERS, VOLUNTEERS


def _person_user(person_id: str, title: str) -> DemoUser:
    p = _BY_ID[person_id]
    scopes = {"community": COMMUNITY}
    if p.grid_id:
        scopes["grid"] = p.grid_id
    return DemoUser(p.person_id, p.name, (p.role,), title, scopes)


DEMO_USERS: list[DemoUser] = [
    DemoUser("da_grid", "区委政法委 网格办", ("district_admin",), "区级网格管理员：部门、派单规则、全区统计"),
    DemoUser(
        DISPATCHER[0], DISPATCHER[1], ("community_admin",), "凤鸣社区调度员：派单、核实、回访", {"community": COMMUNITY}
    ),
    _person_user("gg_01", "网格指导员（凤鸣社区）"),
    _person_user("gc_01", "总网格长（凤鸣社区）"),
    _person_user("gh_01", "网格长（第一网格）"),
    _person_user("gw_01", "专职网格员（第一网格）"),
    _person_user("gm_001", "网格员（第一网格）"),
    DemoUser(
        HANDLERS["dep_urban"][0],
        HANDLERS["dep_urban"][1],
        ("department",),
        "区城市管理执法局 承办人",
        {"department": "dep_urban"},
    ),
    DemoUser(
        HANDLERS["dep_housing"][0],
        HANDLERS["dep_housing"][1],
        ("department",),
        "区住房和城乡建设局 承办人",
        {"department": "dep_housing"},
    ),
    DemoUser(VOLUNTEERS[0][0], VOLUNTEERS[0][1], ("volunteer",), "党员志愿者：认领微心愿", {"community": COMMUNITY}),
]
