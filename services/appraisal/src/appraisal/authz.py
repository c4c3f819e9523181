"""Who may do what, in one place: every route and handler asks here.

Staff act on their own records; a reviewer on the people in their reviewing chain (at their
level); a unit administrator within their unit; a district administrator reads all units.
"""

from __future__ import annotations

from dataclasses import dataclass

from grassroots_common.auth import Principal
from grassroots_common.contracts.appraisal import ReviewingChain, ReviewLevel
from grassroots_common.errors import Forbidden

LEADER_ROLES = ("section_chief", "deputy_leader", "principal_leader")
UNIT_READERS = ("unit_admin", *LEADER_ROLES)
APPRAISED_ROLES = ("staff", *LEADER_ROLES)


def require_appraised_role(principal: Principal) -> None:
    principal.require(*APPRAISED_ROLES)


def require_appraised(principal: Principal) -> str:
    """A civil servant acting on their own records; answers their unit."""
    require_appraised_role(principal)
    return principal.unit()


def require_district(principal: Principal) -> None:
    principal.require("district_admin")


def require_unit_admin(principal: Principal, unit_id: str) -> None:
    principal.require("unit_admin")
    if principal.unit() != unit_id:
        raise Forbidden("other_unit", "只能管理本单位的考核事务")


def require_unit_reader(principal: Principal, unit_id: str) -> None:
    """District administrators read every unit; administrators and leaders their own unit."""
    if principal.has("district_admin"):
        return
    principal.require(*UNIT_READERS)
    if principal.unit() != unit_id:
        raise Forbidden("other_unit", "只能查看本单位的考核信息")


def unit_logs_reader(principal: Principal, unit_id: str) -> str | None:
    """Whose logs of a unit a reader sees (the week's submission status): None for the whole unit
    (district administrators, the unit's administrator), else the leader's id — themselves and the
    people of their reviewing chain, as ``GET /logs`` shows them. Anyone else, or another unit: 403."""
    require_unit_reader(principal, unit_id)
    if principal.has("district_admin", "unit_admin"):
        return None
    return principal.sub


def unit_board_reader(principal: Principal, unit_id: str) -> str | None:
    """Whose rows of a unit's boards (annual review, appeals, follow-ups, result uses) a reader
    sees: None for the whole unit (district administrators, the unit's administrator and its
    principal leader, who decides for the unit), else a deputy leader's or section chief's id —
    themselves and the people of their reviewing chain, as on the quarter board. Anyone else: 403."""
    require_unit_reader(principal, unit_id)
    if principal.has("district_admin", "unit_admin", "principal_leader"):
        return None
    return principal.sub


def require_self(principal: Principal, person_id: str) -> None:
    if principal.sub != person_id:
        raise Forbidden("not_yourself", "只能办理本人的事项")


def require_recipient(principal: Principal, person_id: str) -> None:
    """A reminder is acknowledged and reported on by the person it was issued to."""
    if principal.sub != person_id:
        raise Forbidden("not_your_reminder", "只能处理发给自己的提醒")


def require_level(principal: Principal, level: ReviewLevel, chain: ReviewingChain) -> None:
    """The principal reviews this person at ``level``: they hold the role and are that link of the chain."""
    principal.require(level)
    if getattr(chain, f"{level}_id") != principal.sub:
        raise Forbidden("not_in_your_chain", "此人不在你的审核范围内")


def reviewing_level(principal: Principal, chain: ReviewingChain) -> ReviewLevel:
    """The highest level at which the principal reviews this person."""
    for level in reversed(LEADER_ROLES):
        if principal.has(level) and getattr(chain, f"{level}_id") == principal.sub:
            return level  # type: ignore[return-value]
    raise Forbidden("not_in_your_chain", "此人不在你的审核范围内")


def acting_level(principal: Principal, chain: ReviewingChain, due: ReviewLevel) -> ReviewLevel:
    """The level at which the principal reviews this person now: the level due when it is theirs,
    else their own (highest) level in the chain, which the quarter then answers with whose review
    is pending; someone outside the chain is refused (403)."""
    if principal.has(due) and getattr(chain, f"{due}_id") == principal.sub:
        return due
    return reviewing_level(principal, chain)


def require_in_chain(principal: Principal, chain: ReviewingChain) -> None:
    reviewing_level(principal, chain)


def may_read_person(principal: Principal, unit_id: str, person_id: str, chain: ReviewingChain) -> bool:
    if principal.sub == person_id or principal.has("district_admin"):
        return True
    if principal.scope("unit") != unit_id:
        return False
    if principal.has("unit_admin"):
        return True
    return any(principal.has(level) and getattr(chain, f"{level}_id") == principal.sub for level in LEADER_ROLES)


def require_grade_reader(principal: Principal, unit_id: str, person_id: str, chain: ReviewingChain) -> bool:
    """A person's grade and how it came to be: the person, their reviewing chain, the unit's
    administrator and principal leader (who see the whole board), the district. True if the reader
    sees unpublished grades too; the person alone sees the leaders' grades only once published."""
    if principal.has("principal_leader") and principal.scope("unit") == unit_id:
        return True
    if principal.sub != person_id and may_read_person(principal, unit_id, person_id, chain):
        return True
    if principal.sub == person_id:
        return False
    raise Forbidden("grade_forbidden", "你无权查看此人的考核评定经过")


def board_chain(principal: Principal) -> tuple[str, str] | None:
    """Which rows of the unit's board a reader sees: all for administrators and the principal
    leader; a deputy leader or section chief the people of their chain (unpublished grades stay
    within the reviewing chain)."""
    if principal.has("district_admin", "unit_admin", "principal_leader"):
        return None
    for level in ("deputy_leader", "section_chief"):
        if principal.has(level):
            return level, principal.sub
    raise Forbidden("role_required", "只有单位管理员和审核领导可以查看考核进度")


def require_unit_role(principal: Principal, unit_id: str, role: str) -> None:
    principal.require(role)
    if principal.unit() != unit_id:
        raise Forbidden("other_unit", "只能办理本单位的考核事务")


def require_admin_or_leader(principal: Principal, unit_id: str, chain: ReviewingChain) -> None:
    """Follow-up (回访帮带) is arranged by the unit administrator or a leader of the person's chain."""
    if principal.has("unit_admin") and principal.scope("unit") == unit_id:
        return
    require_in_chain(principal, chain)


def require_annual_decider(principal: Principal, unit_id: str) -> None:
    """Annual grades are decided by the unit's principal leader, or entered by its administrator
    (who records the appraisal committee's decision); the actor is on every event."""
    if principal.has("unit_admin", "principal_leader") and principal.scope("unit") == unit_id:
        return
    principal.require("unit_admin", "principal_leader")
    principal.unit()
    raise Forbidden("other_unit", "只能办理本单位的考核事务")


def require_unit_member(principal: Principal, unit_id: str) -> None:
    """Anyone of the unit (published results, sections, scheme), and district administrators. Every
    check of a unit refuses a principal without one alike (``Principal.unit``: unit_scope_missing)."""
    if not principal.has("district_admin") and principal.unit() != unit_id:
        raise Forbidden("other_unit", "只能查看本单位的信息")


def require_in_own_unit(principal: Principal, unit_id: str) -> None:
    """A civil servant acting in their own unit's quarter (self-assessment, peer review, appeal)."""
    if require_appraised(principal) != unit_id:
        raise Forbidden("other_unit", "只能参加本单位的考核")


def require_reviewer(principal: Principal) -> None:
    principal.require(*LEADER_ROLES)


def require_principal_leader(principal: Principal) -> None:
    principal.require("principal_leader")


@dataclass(frozen=True, slots=True)
class RecordsScope:
    """Which records a list shows: one person, one unit, and — for a leader — only themselves and
    the people whose reviewing chain they are in (``reviewer``)."""

    person: str | None
    unit: str | None
    reviewer: str | None = None


def records_scope(principal: Principal, person: str | None, what: str, code: str) -> RecordsScope:
    """District administrators read all units, unit administrators their unit, leaders their
    reviewing chain (and themselves), everyone else their own records."""
    if principal.has("district_admin"):
        return RecordsScope(person, None)
    if principal.has("unit_admin"):
        return RecordsScope(person, principal.unit())
    if principal.has(*LEADER_ROLES):
        return RecordsScope(person, principal.unit(), principal.sub)
    if person is not None and person != principal.sub:
        raise Forbidden(code, f"只能查看自己的{what}")
    return RecordsScope(principal.sub, None)


def require_chain_reader(principal: Principal, person_id: str, chain: ReviewingChain | None, what: str) -> None:
    """A leader asking for one person's records: themselves or someone of their reviewing chain."""
    if principal.sub == person_id:
        return
    if chain is None or principal.sub not in (
        chain.section_chief_id,
        chain.deputy_leader_id,
        chain.principal_leader_id,
    ):
        raise Forbidden("not_in_your_chain", f"此人不在你的审核范围内，不能查看其{what}")


def adjusting_level(principal: Principal, chains: list[ReviewingChain]) -> ReviewLevel:
    """Principal leaders adjust grades within their chain; deputy leaders within the people in their charge."""
    for level in ("principal_leader", "deputy_leader"):
        if principal.has(level) and all(getattr(chain, f"{level}_id") == principal.sub for chain in chains):
            return level  # type: ignore[return-value]
    principal.require("deputy_leader", "principal_leader")
    raise Forbidden("not_in_your_chain", "调整的人员不在你的审核范围内")


def unit_filter(principal: Principal) -> str | None:
    """The unit a list is limited to: none for district administrators, else one's own."""
    return None if principal.has("district_admin") else principal.unit()
