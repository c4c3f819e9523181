"""The demo users: a district administrator, two town secretaries and two village secretaries, whose
names the steps write into their villages and projects.
"""

from __future__ import annotations

from grassroots_common.demo import DemoUser
from village.demo.cast import _liuying, _zijing, secretary_sub, town_code

DEMO_USERS = [
    DemoUser("da_zzb", "赵敏", ("district_admin",), "区委组织部 组织科科长"),
    DemoUser("ta_" + town_code(7), "王建国", ("town_admin",), "陈村镇党委书记", {"town": town_code(7)}),
    DemoUser("ta_" + town_code(0), "刘振华", ("town_admin",), "城关镇党委书记", {"town": town_code(0)}),
    DemoUser(secretary_sub(_zijing()[1]), "李红梅", ("village_secretary",), "陈村镇紫荆村党支部书记", {"town": _zijing()[0], "village": _zijing()[1]}),
    DemoUser(secretary_sub(_liuying()[1]), "马志强", ("village_secretary",), "城关镇六营村党支部书记", {"town": _liuying()[0], "village": _liuying()[1]}),
]  # fmt: skip
_SECRETARY_NAMES = {u.sub: u.name for u in DEMO_USERS if "village_secretary" in u.roles}
