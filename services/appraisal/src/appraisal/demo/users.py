"""The demo users: people of the demo roster (same ids, same names), so what they see is in the data."""

from __future__ import annotations

import datetime as dt

from appraisal.demo.cast import UNITS, Person, _roster
from grassroots_common.demo import DemoUser


def _user(sub: str, name: str, role: str, title: str, unit: str, section: str | None = None) -> DemoUser:
    scopes = {"unit": unit, **({"section": section} if section else {})}
    place = next(spec.name for spec in UNITS if spec.unit_id == unit)
    return DemoUser(sub=sub, name=name, roles=(role,), title=title, scopes=scopes, place=place)


def _demo_users() -> list[DemoUser]:
    """The demo users are people of the demo roster (same ids, same names: the seed is fixed).
    Every reviewer of the organization department's chain is one, so that a newcomer can finish
    its quarter under review (every chief, deputy and the principal), publish it, answer an appeal
    and finalize it; and the human resources bureau's principal answers the appeal open there."""
    today = dt.date(2026, 1, 1)
    roster, zzb = _roster(0, today)
    _, rsj = _roster(1, today)
    unit, rsj_unit = UNITS[0].unit_id, UNITS[1].unit_id
    sections = dict(roster.sections)
    boss = next(p for p in zzb if p.role == "principal_leader")
    deputies = [p for p in zzb if p.role == "deputy_leader"]
    chiefs = [p for p in zzb if p.role == "section_chief"]
    # The staff member of the last section: the demo quarter leaves that section waiting for its chief.
    staff = next(p for p in zzb if p.role == "staff" and p.chain.section_chief_id == chiefs[-1].person_id)

    def charge(deputy: Person) -> str:
        return "、".join(sections[c.section_id or ""] for c in chiefs if c.chain.deputy_leader_id == deputy.person_id)

    rsj_staff = next(p for p in rsj if p.role == "staff")
    rsj_boss = next(p for p in rsj if p.role == "principal_leader")
    return [
        _user(
            staff.person_id,
            staff.name,
            "staff",
            f"组织部{sections[staff.section_id or '']}干部：写周纪实、月小结，季度自评和互评，查看结果、申诉",
            unit,
            staff.section_id,
        ),
        *[
            _user(
                c.person_id,
                c.name,
                "section_chief",
                f"组织部{sections[c.section_id or '']}股长：批阅本股室周纪实，初审本股室人员",
                unit,
                c.section_id,
            )
            # The chiefs still to review first (the demo quarter has the last sections waiting).
            for c in reversed(chiefs)
        ],
        *[
            _user(
                d.person_id, d.name, "deputy_leader", f"组织部分管领导（{charge(d)}）：复审分管人员，调换“好”等次", unit
            )
            for d in deputies
        ],
        _user(
            boss.person_id, boss.name, "principal_leader", "组织部主要领导：终审全部人员，答复申诉，确定年度等次", unit
        ),
        _user(
            "zzb-admin",
            "组织部考核管理员",
            "unit_admin",
            "组织部单位管理员：花名册、指标体系、开启与公示季度考核",
            unit,
        ),
        _user(
            rsj_staff.person_id,
            rsj_staff.name,
            "staff",
            "人社局干部：本季度结果公示中，可申请复核",
            rsj_unit,
            rsj_staff.section_id,
        ),
        _user(rsj_boss.person_id, rsj_boss.name, "principal_leader", "人社局主要领导：答复公示期内的申诉", rsj_unit),
        _user("rsj-admin", "人社局考核管理员", "unit_admin", "人社局单位管理员：公示期满后确认结果", rsj_unit),
        DemoUser(
            sub="district-admin",
            name="区委组织部考核办",
            roles=("district_admin",),
            title="区委组织部考核办：全区考核统计与通报",
        ),
    ]


DEMO_USERS: list[DemoUser] = _demo_users()
