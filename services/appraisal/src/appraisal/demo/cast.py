"""Who and where: the four demo units with their sections, and their people (ids, names, positions,
reviewing chains), the same on every run: the seeds are fixed.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from faker import Faker

from appraisal.domain.roster import NewPerson, Roster, roster_stream_id
from grassroots_common.contracts.appraisal import (
    ReviewingChain,
)

SEED = 20220501


@dataclass(frozen=True)
class UnitSpec:
    unit_id: str
    prefix: str
    name: str
    sections: tuple[str, ...]
    staff_per_section: int
    latest_state: str  # reviewing | published | finalized | opened


UNITS = (
    UnitSpec("u_zzb", "zzb", "凤翔区委组织部", ("组织科", "干部科", "干部监督科", "办公室"), 6, "reviewing"),
    UnitSpec(
        "u_rsj",
        "rsj",
        "凤翔区人力资源和社会保障局",
        ("办公室", "就业促进股", "社会保险股", "劳动监察大队", "人事股"),
        8,
        "published",
    ),
    UnitSpec(
        "u_nyj", "nyj", "凤翔区农业农村局", ("办公室", "种植业股", "畜牧兽医股", "农村经营管理股"), 10, "finalized"
    ),
    UnitSpec("u_cgz", "cgz", "凤翔区城关镇人民政府", ("党政办公室", "社会事务办", "经济发展办"), 6, "opened"),
)


@dataclass
class Person:
    person_id: str
    name: str
    section_id: str | None
    chain: ReviewingChain
    role: str
    quality: float


def _roster(index: int, today: dt.date) -> tuple[Roster, list[Person]]:
    """The roster of ``UNITS[index]``: the same people (ids, names) on every run."""
    spec = UNITS[index]
    fake = Faker("zh_CN")
    fake.seed_instance(SEED + index)
    rng = random.Random(SEED + index)
    roster = Roster(roster_stream_id(spec.unit_id))
    roster.register(unit_id=spec.unit_id, unit_name=spec.name)
    people: list[Person] = []
    counter = iter(range(1, 1000))

    def enroll(name_role: str, section_id: str | None, chain: ReviewingChain, position: str) -> Person:
        pid = f"{spec.prefix}-{next(counter):03d}"
        birth = fake.date_of_birth(minimum_age=24, maximum_age=58)
        person = Person(pid, fake.name(), section_id, chain, name_role, rng.random())
        roster.enroll(
            NewPerson(pid, person.name, section_id, position, birth, fake.ssn(min_age=24, max_age=58), chain),
            today=today - dt.timedelta(days=400),
        )
        people.append(person)
        return person

    boss = enroll("principal_leader", None, ReviewingChain(), "局长" if "局" in spec.name else "主要负责人")
    deputies = [
        enroll("deputy_leader", None, ReviewingChain(principal_leader_id=boss.person_id), "副职领导") for _ in range(2)
    ]
    for n, section_name in enumerate(spec.sections, start=1):
        section_id = f"{spec.unit_id}-s{n}"
        roster.define_section(section_id=section_id, section_name=section_name)
        deputy = deputies[n % 2]
        chief = enroll(
            "section_chief",
            section_id,
            ReviewingChain(deputy_leader_id=deputy.person_id, principal_leader_id=boss.person_id),
            "股长",
        )
        chain = ReviewingChain(
            section_chief_id=chief.person_id, deputy_leader_id=deputy.person_id, principal_leader_id=boss.person_id
        )
        for _ in range(spec.staff_per_section + rng.randint(-1, 1)):
            enroll("staff", section_id, chain, rng.choice(["一级科员", "四级主任科员", "三级主任科员", "二级主任科员"]))
    # One person retired this year: on record, out of the next quarter.
    leaver = people[-1]
    roster.leave(person_id=leaver.person_id, reason="retirement", left_on=today - dt.timedelta(days=30))
    people.remove(leaver)
    return roster, people
