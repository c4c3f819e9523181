"""Who may read what, in one place: district administrators read everything; a unit administrator
reads their unit; staff read their own growth archive; a town administrator or village secretary
the file of their villages; a community or a department the tickets they hold. Everything else is
a 403 problem. The table of actions names the roles of what is read by role alone; the checks
after it add the scope (one's unit, one's town or village, one's community or department, oneself)."""

from __future__ import annotations

from grassroots_common.auth import Principal
from grassroots_common.authz import Actions
from grassroots_common.errors import Forbidden
from reporting.figures import Scope

READ_ALL = ("district_admin",)

ACTIONS = Actions(
    {
        "document.issue": READ_ALL,  # notices and bulletins are issued by the organization department
        "document.read": (*READ_ALL, "unit_admin"),  # and go to the district and to every unit
        "statistics.read": (*READ_ALL, "unit_admin"),
        "submissions.read": (*READ_ALL, "unit_admin", "operator"),
        "archive.search": (*READ_ALL, "unit_admin"),
    }
)


def require_role(principal: Principal, action: str) -> None:
    """Refuse (403 ``role_required``) unless the principal holds a role of ``action``."""
    ACTIONS.require(principal, action)


def reads_all(principal: Principal) -> bool:
    return principal.has(*READ_ALL)


def statistics_scope(principal: Principal, requested: Scope) -> Scope:
    """The filter a principal may see: all for the district, their own unit for a unit administrator."""
    require_role(principal, "statistics.read")
    if reads_all(principal):
        return requested
    unit = _own(principal, "unit")  # a unit administrator
    if requested.unit not in (None, unit):
        raise Forbidden("unit_out_of_scope", "只能查看本单位的统计")
    if requested.town is not None or requested.community is not None:
        raise Forbidden("unit_out_of_scope", "单位管理员只能查看本单位的统计，不能按镇或社区筛选")
    return Scope(unit=unit)


def unit_scope(principal: Principal) -> str | None:
    """None for the district (every unit); the principal's unit for a unit administrator."""
    require_role(principal, "submissions.read")
    if reads_all(principal) or principal.has("operator"):
        return None
    return _own(principal, "unit")


def check_person_archive(principal: Principal, person_id: str, unit_id: str | None) -> None:
    if reads_all(principal) or principal.sub == person_id:
        return
    if principal.has("unit_admin") and unit_id is not None and principal.scope("unit") == unit_id:
        return
    raise Forbidden("archive_forbidden", "只能查看本人或本单位人员的成长档案")


def person_search_unit(principal: Principal) -> str | None:
    """Whose archives a name search covers: every unit for the district, a unit administrator's own."""
    if not ACTIONS.allows(principal, "archive.search"):
        raise Forbidden("archive_forbidden", "按姓名查找成长档案仅向区委组织部和单位管理员开放")
    return None if reads_all(principal) else _own(principal, "unit")


def check_village_file(principal: Principal, town_id: str | None, village_id: str) -> None:
    if reads_all(principal):
        return
    if principal.has("town_admin") and town_id is not None and principal.scope("town") == town_id:
        return
    if principal.has("village_secretary") and principal.scope("village") == village_id:
        return
    raise Forbidden("village_file_forbidden", "只能查看本镇或本村的村档案")


def check_ticket_history(principal: Principal, community_id: str | None, department_id: str | None) -> None:
    if reads_all(principal):
        return
    if principal.has("community_admin") and community_id is not None and principal.scope("community") == community_id:
        return
    if principal.has("department") and department_id is not None and principal.scope("department") == department_id:
        return
    raise Forbidden("ticket_history_forbidden", "只能查看本社区或本部门承办的工单")


def check_inbox(principal: Principal, person_id: str) -> None:
    """An inbox is read by its person alone: not by a leader, an administrator or the district."""
    if principal.sub != person_id:
        raise Forbidden("inbox_forbidden", "只能查看本人的收件箱")


def _own(principal: Principal, kind: str) -> str:
    if kind == "unit":
        return principal.unit()
    value = principal.scope(kind)
    if value is None:
        raise Forbidden(f"{kind}_scope_missing", "你的账号缺少归属范围")
    return value
