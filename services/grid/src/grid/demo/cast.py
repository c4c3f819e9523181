"""Who and where: 凤鸣社区 and its 22 grids, its 379 grid people (a fixed seed), the departments and
their handlers, the dispatcher, and the volunteers and the unit that help with micro-wishes.
"""

from __future__ import annotations

from dataclasses import dataclass

from faker import Faker

from grassroots_common.demo import HR_TICKET_HANDLER

COMMUNITY = "com_fengming"
GRIDS = 22
CN_NUMBERS = "一二三四五六七八九十"

DEPARTMENTS = {
    "dep_urban": "区城市管理执法局",
    "dep_housing": "区住房和城乡建设局",
    "dep_water": "区水务局",
    "dep_market": "区市场监督管理局",
    "dep_civil": "区民政局",
    "dep_police": "凤翔公安分局城关派出所",
    "dep_env": "市生态环境局凤翔分局",
    "dep_hr": "区人力资源和社会保障局",
}


@dataclass(frozen=True, slots=True)
class Person:
    person_id: str
    name: str
    role: str
    grid_id: str | None


def grid_ids() -> list[str]:
    return [f"grd_{n:02d}" for n in range(1, GRIDS + 1)]


def grid_name(n: int) -> str:
    if n <= 10:
        return f"第{CN_NUMBERS[n - 1]}网格"
    tens, ones = divmod(n, 10)
    return f"第{'' if tens == 1 else CN_NUMBERS[tens - 1]}十{CN_NUMBERS[ones - 1] if ones else ''}网格"


def roster() -> list[Person]:
    """379 people: 2 网格指导员, 1 总网格长, and per grid 1 网格长, 1 专职网格员 and 15–16 网格员."""
    fake = Faker("zh_CN")
    fake.seed_instance(2022)
    people = [
        Person("gg_01", fake.name(), "grid_guide", None),
        Person("gg_02", fake.name(), "grid_guide", None),
        Person("gc_01", fake.name(), "grid_chief", None),
    ]
    members_total = 379 - 3 - 2 * GRIDS
    for i, grid in enumerate(grid_ids()):
        people.append(Person(f"gh_{i + 1:02d}", fake.name(), "grid_head", grid))
        people.append(Person(f"gw_{i + 1:02d}", fake.name(), "grid_worker", grid))
    for n in range(members_total):
        grid = grid_ids()[n % GRIDS]
        people.append(Person(f"gm_{n + 1:03d}", fake.name(), "grid_member", grid))
    return people


ROSTER = roster()
_BY_ID = {p.person_id: p for p in ROSTER}
DISPATCHER = ("ca_fengming", "赵文静")
HANDLERS = {
    **{
        dep: (f"dh_{dep.removeprefix('dep_')}", name)
        for dep, name in zip(
            [d for d in DEPARTMENTS if d != "dep_hr"],
            ["刘志强", "陈国庆", "杨建军", "黄丽娟", "周海燕", "吴振华", "徐晓东"],
            strict=True,
        )
    },
    "dep_hr": HR_TICKET_HANDLER,  # a person of the appraisal roster: her growth archive joins both services
}
VOLUNTEERS = [("pm_01", "马秀兰", "volunteer"), ("pm_02", "郭建平", "volunteer"), ("pm_03", "何志明", "volunteer")]
UNIT = ("ua_hospital", "区人民医院党支部", "unit_admin")
