"""Who may do what, in one place: the table of actions below names the roles that may take each,
and the checks after it add the scope — one's own unit, one's own records, the reviewing chain.

Staff act on their own records; a reviewer on the people in their reviewing chain (at their
level); a unit administrator within their unit; a district administrator reads all units.
Handlers and routes ask by action; every refusal is a 403 with a stable code.
"""

from __future__ import annotations

from dataclasses import dataclass

from grassroots_common.auth import Principal
from grassroots_common.authz import Actions
from grassroots_common.contracts.appraisal import ReviewingChain, ReviewLevel
from grassroots_common.errors import Forbidden

LEADER_ROLES = ("section_chief", "deputy_leader", "principal_leader")
UNIT_READERS = ("unit_admin", *LEADER_ROLES)
APPRAISED_ROLES = ("staff", *LEADER_ROLES)
DISTRICT = ("district_admin",)
ADMIN = ("unit_admin",)

ACTIONS = Actions(
    {
        # the district
        "unit.register": DISTRICT,
        # a unit's administrator, in their unit
        "roster.manage": ADMIN,  # sections, deadlines, enrolment, import, chains, details, departures
        "scheme.define": ADMIN,
        "quarter.open": ADMIN,
        "quarter.reviewers": ADMIN,
        "quarter.publish": ADMIN,
        "quarter.finalize": ADMIN,
        "annual.open": ADMIN,
        "result.apply": ADMIN,
        "logs.remind": ADMIN,
        # a civil servant, on their own records in their unit
        "log.submit": APPRAISED_ROLES,
        "summary.submit": APPRAISED_ROLES,
        "self.assess": APPRAISED_ROLES,
        "peer.review": APPRAISED_ROLES,
        "appeal.file": APPRAISED_ROLES,
        "reminder.answer": APPRAISED_ROLES,
        "own.read": APPRAISED_ROLES,
        # a leader, on the people of their reviewing chain
        "log.review": LEADER_ROLES,  # comment, return
        "reminder.issue": LEADER_ROLES,
        "quarter.review": LEADER_ROLES,
        "grade.adjust": ("deputy_leader", "principal_leader"),
        "appeal.resolve": ("principal_leader",),
        "followup.arrange": ("unit_admin", *LEADER_ROLES),  # 回访帮带: the administrator or the chain
        "annual.decide": ("unit_admin", "principal_leader"),  # the committee's decision, entered or taken
        # readers of a unit: the district everywhere, administrators and leaders in their own
        "unit.read": ("district_admin", *UNIT_READERS),
    }
)


def require_role(principal: Principal, action: str) -> None:
    """Refuse (403 ``role_required``) unless the principal holds a role of ``action``."""
    ACTIONS.require(principal, action)


def in_unit(principal: Principal, action: str, unit_id: str) -> None:
    """A role of ``action`` within ``unit_id`` (a district administrator anywhere, where the action
    admits one). A principal without a unit is refused alike everywhere (``unit_scope_missing``)."""
    ACTIONS.require(principal, action)
    if "district_admin" in ACTIONS[action] and principal.has("district_admin"):
        return
    if principal.unit() != unit_id:
        what = "查看本单位的考核信息" if action.endswith(".read") else "办理本单位的考核事务"
        raise Forbidden("other_unit", f"只能{what}")


def own_unit(principal: Principal, action: str) -> str:
    """A civil servant acting on their own records: a role of ``action``; answers their unit."""
    ACTIONS.require(principal, action)
    return principal.unit()


def in_chain(principal: Principal, action: str, chain: ReviewingChain) -> ReviewLevel:
    """The highest level, among the roles of ``action``, at which the principal is a link of this
    person's reviewing chain; anyone else — a colleague, a leader of another chain — is refused
    with ``not_in_your_chain``."""
    roles = ACTIONS[action]
    for level in reversed(LEADER_ROLES):
        if level in roles and principal.has(level) and getattr(chain, f"{level}_id") == principal.sub:
            return level  # type: ignore[return-value]
    raise Forbidden("not_in_your_chain", "此人不在你的审核范围内")


def unit_or_chain(principal: Principal, action: str, unit_id: str, chain: ReviewingChain) -> None:
    """The unit's administrator (where the action admits one), else a link of the person's chain."""
    if "unit_admin" in ACTIONS[action] and principal.has("unit_admin") and principal.scope("unit") == unit_id:
        return
    in_chain(principal, action, chain)


def recipient(principal: Principal, action: str, person_id: str) -> None:
    """A reminder is acknowledged and reported on by the person it was issued to."""
    ACTIONS.require(principal, action)
    if principal.sub != person_id:
        raise Forbidden("not_your_reminder", "只能处理发给自己的提醒")


def unit_logs_reader(principal: Principal, unit_id: str) -> str | None:
    """Whose logs of a unit a reader sees (the week's submission status): None for the whole unit
    (district administrators, the unit's administrator), else the leader's id — themselves and the
    people of their reviewing chain, as ``GET /logs`` shows them. Anyone else, or another unit: 403."""
    in_unit(principal, "unit.read", unit_id)
    if principal.has("district_admin", "unit_admin"):
        return None
    return principal.sub


def unit_board_reader(principal: Principal, unit_id: str) -> str | None:
    """Whose rows of a unit's boards (annual review, appeals, follow-ups, result uses) a reader
    sees: None for the whole unit (district administrators, the unit's administrator and its
    principal leader, who decides for the unit), else a deputy leader's or section chief's id —
    themselves and the people of their reviewing chain, as on the quarter board. Anyone else: 403."""
    in_unit(principal, "unit.read", unit_id)
    if principal.has("district_admin", "unit_admin", "principal_leader"):
        return None
    return principal.sub


def require_level(principal: Principal, level: ReviewLevel, chain: ReviewingChain) -> None:
    """The principal reviews this person at ``level``: they hold the role and are that link of the chain."""
    principal.require(level)
    if getattr(chain, f"{level}_id") != principal.sub:
        raise Forbidden("not_in_your_chain", "此人不在你的审核范围内")


def acting_level(principal: Principal, chain: ReviewingChain, due: ReviewLevel) -> ReviewLevel:
    """The level at which the principal reviews this person now (``quarter.review``): the level due
    when it is theirs, else their own (highest) level in the chain, which the quarter then answers
    with whose review is pending; someone outside the chain is refused (403)."""
    if principal.has(due) and getattr(chain, f"{due}_id") == principal.sub:
        return due
    return in_chain(principal, "quarter.review", chain)


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


def require_unit_member(principal: Principal, unit_id: str) -> None:
    """Anyone of the unit (published results, sections, scheme), and district administrators. Every
    check of a unit refuses a principal without one alike (``Principal.unit``: unit_scope_missing)."""
    if not principal.has("district_admin") and principal.unit() != unit_id:
        raise Forbidden("other_unit", "只能查看本单位的信息")


@dataclass(frozen=True, slots=True)
class RecordsScope:
    """Which records a list shows: one person, one unit, and — for a leader — only themselves and
    the people whose reviewing chain they are in (``reviewer``)."""

    person: str | None
    unit: str | None
    reviewer: str | None = None


def records_scope(principal: Principal, person: str | None, what: str, code: str) -> RecordsScope:
    """District administrators read all units, unit administrators their unit, leaders their
    reviewing chain (and themselves), a civil servant their own records. Anyone else (a grid member,
    a department, an operator) has no such records and is refused (403 ``role_required``), not
    answered an empty list."""
    if principal.has("district_admin"):
        return RecordsScope(person, None)
    if principal.has("unit_admin"):
        return RecordsScope(person, principal.unit())
    if principal.has(*LEADER_ROLES):
        return RecordsScope(person, principal.unit(), principal.sub)
    ACTIONS.require(principal, "own.read")
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
    """The level of a ``grade.adjust``: principal leaders adjust grades within their chain, deputy
    leaders within the people in their charge (every person named is of the chain at that level)."""
    for level in reversed(ACTIONS["grade.adjust"]):
        if principal.has(level) and all(getattr(chain, f"{level}_id") == principal.sub for chain in chains):
            return level  # type: ignore[return-value]
    ACTIONS.require(principal, "grade.adjust")
    raise Forbidden("not_in_your_chain", "调整的人员不在你的审核范围内")


def unit_filter(principal: Principal) -> str | None:
    """The unit a list is limited to: none for district administrators, else one's own."""
    return None if principal.has("district_admin") else principal.unit()
