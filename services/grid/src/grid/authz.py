"""Who may do what, in one place: grid members act in their grid, dispatchers in their community,
department handlers on tickets sent to their department, district administrators everywhere.

The table of actions names the roles that may take each; the checks below add the scope (one's
community, grid, department, claim). Every refusal is a ``Forbidden`` (403 problem+json) with a
stable code.
"""

from __future__ import annotations

from grassroots_common.auth import Principal
from grassroots_common.authz import Actions
from grassroots_common.errors import Forbidden
from grid.domain.community import COMMUNITY_WIDE_ROLES, IN_GRID_ROLES

GRID_ROLES = (*COMMUNITY_WIDE_ROLES, *IN_GRID_ROLES)
DISTRICT = ("district_admin",)
DISPATCHER = ("community_admin",)

ACTIONS = Actions(
    {
        # the district: communities, departments, routing rules
        "directory.manage": DISTRICT,
        # a community's grids and members: its dispatcher, or the district
        "community.manage": (*DISTRICT, *DISPATCHER),
        "community.read": (*DISTRICT, *DISPATCHER, *COMMUNITY_WIDE_ROLES),
        # patrol reports: the grid roles in their grid (community-wide roles in any grid of theirs)
        "report.file": GRID_ROLES,
        "report.act": (*DISPATCHER, *GRID_ROLES),  # resolve, escalate
        "report.join": GRID_ROLES,
        "report.twins": (*DISPATCHER, *GRID_ROLES),
        "report.read": (*DISTRICT, *DISPATCHER, *GRID_ROLES),
        "report.merge": DISPATCHER,
        # tickets: the dispatcher of the community, the department holding it
        "ticket.dispatch": DISPATCHER,  # dispatch, redispatch, verify, close, extensions, revisit
        "ticket.supervise": (*DISTRICT, *DISPATCHER),
        "ticket.handle": ("department",),  # accept, return, handle, report back, ask for more time
        "department.read": ("department",),
        "league.read": (*DISPATCHER, "department", *DISTRICT),
        # micro-wishes
        "wish.collect": (*DISPATCHER, *GRID_ROLES),
        "wish.screen": DISPATCHER,
        "wish.claim": ("volunteer", "unit_admin"),
        "wish.revisit": (*DISPATCHER, *GRID_ROLES),
        "wish.read": (*DISTRICT, *DISPATCHER, "volunteer", "unit_admin", *GRID_ROLES),
    }
)


def require_role(principal: Principal, action: str) -> None:
    """Refuse (403 ``role_required``) unless the principal holds a role of ``action``."""
    ACTIONS.require(principal, action)


def _community(principal: Principal) -> str:
    community = principal.scope("community")
    if community is None:
        raise Forbidden("community_scope_missing", "你的账号未归属任何社区，请联系社区管理员")
    return community


def _same_community(principal: Principal, community_id: str) -> None:
    if _community(principal) != community_id:
        raise Forbidden("not_your_community", "只能处理本社区的事项")


# --- hierarchy ------------------------------------------------------------------------------


def manage_community(principal: Principal, community_id: str) -> None:
    """Grids and members (``community.manage``): the community's dispatcher or a district administrator."""
    if principal.has(*DISTRICT):
        return
    require_role(principal, "community.manage")
    _same_community(principal, community_id)


def read_community(principal: Principal, community_id: str) -> None:
    """Boards and figures of a community (``community.read``): its dispatcher, its community-wide
    grid roles, the district."""
    if principal.has(*DISTRICT):
        return
    require_role(principal, "community.read")
    _same_community(principal, community_id)


# --- patrol reports -------------------------------------------------------------------------


def reporting_grid(principal: Principal, grid_id: str | None, action: str = "report.file") -> tuple[str, str]:
    """The community and grid a grid member reports in: their own grid; community-wide roles name one."""
    require_role(principal, action)
    community = _community(principal)
    own = principal.scope("grid")
    if principal.has(*COMMUNITY_WIDE_ROLES) and grid_id is not None:
        return community, grid_id
    if own is None:
        raise Forbidden("grid_scope_missing", "你的账号未归属任何网格，请联系社区管理员")
    if grid_id is not None and grid_id != own:
        raise Forbidden("not_your_grid", "只能在本网格上报和处置事项")
    return community, own


def act_on_report(principal: Principal, community_id: str, grid_id: str) -> None:
    """Resolve or escalate a report (``report.act``): its grid's members, community-wide grid roles,
    the dispatcher."""
    if principal.has(*DISPATCHER, *COMMUNITY_WIDE_ROLES):
        _same_community(principal, community_id)
        return
    require_role(principal, "report.act")
    _same_community(principal, community_id)
    if principal.scope("grid") != grid_id:
        raise Forbidden("not_your_grid", "只能处置本网格的事项")


def read_reports(principal: Principal, grid_id: str | None = None) -> tuple[str | None, str | None]:
    """Which reports a principal lists: (community, grid) filters; (None, None) for the district.
    Another grid than one's own is refused (403), not answered with one's own grid's reports."""
    require_role(principal, "report.read")
    if principal.has(*DISTRICT):
        return None, None
    if principal.has(*DISPATCHER, *COMMUNITY_WIDE_ROLES):
        return _community(principal), None
    grid = principal.scope("grid")
    if grid is None:
        raise Forbidden("grid_scope_missing", "你的账号未归属任何网格，请联系社区管理员")
    if grid_id is not None and grid_id != grid:
        raise Forbidden("not_your_grid", "只能查看本网格的上报")
    return _community(principal), grid


def twins(principal: Principal) -> str:
    """Look for a new report's twins (``report.twins``): the grid roles and the dispatcher, in their own community."""
    require_role(principal, "report.twins")
    return _community(principal)


def join_report(principal: Principal) -> str:
    """Join a report as a co-reporter (``report.join``): a grid member of its community (any of its grids)."""
    require_role(principal, "report.join")
    return _community(principal)


# --- tickets --------------------------------------------------------------------------------


def dispatcher(principal: Principal, community_id: str | None = None, action: str = "ticket.dispatch") -> str:
    """Dispatch, verify, close, decide extensions, revisit (and merge reports, screen wishes): the
    community's dispatcher; answers their community."""
    require_role(principal, action)
    community = _community(principal)
    if community_id is not None and community_id != community:
        raise Forbidden("not_your_community", "只能处理本社区的工单")
    return community


def supervisor(principal: Principal, community_id: str) -> None:
    """督办 an overdue ticket: the dispatcher of its community, or a district administrator."""
    if principal.has(*DISTRICT):
        return
    dispatcher(principal, community_id, "ticket.supervise")  # the role refused first, then the community


def department_handler(principal: Principal, department_id: str) -> None:
    """Accept, return, handle, report back, ask for an extension (``ticket.handle``): the department
    holding the ticket."""
    require_role(principal, "ticket.handle")
    if principal.scope("department") != department_id:
        raise Forbidden("not_your_department", "该工单未派给你所在的部门")


def own_department(principal: Principal) -> str:
    """The department whose board a department user reads (``department.read``)."""
    require_role(principal, "department.read")
    department = principal.scope("department")
    if department is None:
        raise Forbidden("department_scope_missing", "你的账号未归属任何部门")
    return department


def read_ticket(
    principal: Principal,
    community_id: str,
    department_id: str,
    grid_id: str | None,
    co_reporter_ids: list[str] | None = None,
) -> None:
    if principal.has(*DISTRICT):
        return
    if principal.has("community_admin", *COMMUNITY_WIDE_ROLES) and principal.scope("community") == community_id:
        return
    if principal.has("department") and principal.scope("department") == department_id:
        return
    if principal.has(*IN_GRID_ROLES) and grid_id is not None and principal.scope("grid") == grid_id:
        return
    if principal.has(*GRID_ROLES) and principal.sub in (co_reporter_ids or ()):
        return
    raise Forbidden("ticket_forbidden", "你无权查看该工单")


def read_league(principal: Principal, community_id: str | None = None) -> None:
    """The department league table is shown to dispatchers, departments and the district; a
    dispatcher narrows it to their own community only."""
    require_role(principal, "league.read")
    if community_id is not None and principal.has(*DISPATCHER) and not principal.has("department", *DISTRICT):
        _same_community(principal, community_id)


# --- micro-wishes ---------------------------------------------------------------------------


def collect_wish(principal: Principal, grid_id: str | None) -> tuple[str, str | None]:
    """Where a wish is collected (``wish.collect``): the dispatcher's community, a grid member's grid."""
    if principal.has(*DISPATCHER):
        return _community(principal), grid_id
    return reporting_grid(principal, grid_id, "wish.collect")


def screen_wish(principal: Principal, community_id: str) -> None:
    dispatcher(principal, community_id, "wish.screen")


def claimant_kind(principal: Principal, community_id: str) -> str:
    """Party members and volunteers claim as people, unit administrators for their unit (``wish.claim``)."""
    require_role(principal, "wish.claim")
    own = principal.scope("community")
    if own is not None and own != community_id:
        raise Forbidden("not_your_community", "只能认领本社区的心愿")
    return "party_member" if principal.has("volunteer") else "unit"


def give_back_claim(principal: Principal, claimant_id: str, community_id: str) -> None:
    """A claimed wish goes back to the demand list by its claimant, or by its community's dispatcher."""
    if principal.sub == claimant_id:
        return
    if principal.has(*DISPATCHER) and principal.scope("community") == community_id:
        return
    raise Forbidden("not_your_claim", "只能放弃自己认领的心愿")


def fulfil_claim(principal: Principal, claimant_id: str) -> None:
    """A wish is recorded fulfilled by whoever claimed it."""
    if principal.sub != claimant_id:
        raise Forbidden("not_your_claim", "只有认领人可以登记完成")


def revisit_wish(principal: Principal, community_id: str) -> None:
    """A fulfilled wish is revisited (``wish.revisit``) by its community's dispatcher or grid members."""
    require_role(principal, "wish.revisit")
    _same_community(principal, community_id)


def wish_board_community(principal: Principal, community_id: str | None) -> str | None:
    """Whose wishes a principal sees: the named community or their own; None means every community
    (the district, and volunteers or units not tied to one community)."""
    own = principal.scope("community")
    if principal.has(*DISTRICT) or (principal.has("volunteer", "unit_admin") and own is None):
        return community_id
    require_role(principal, "wish.read")
    community = community_id or _community(principal)
    _same_community(principal, community)
    return community
