"""Who may do what, in one place: a village secretary acts for the village, a town administrator
for the town's villages, the district organization department for all. Every refusal is a 403."""

from __future__ import annotations

from dataclasses import dataclass

from grassroots_common.auth import Principal
from grassroots_common.authz import Actions
from grassroots_common.errors import Forbidden

DISTRICT = ("district_admin",)
TOWN = ("district_admin", "town_admin")
VILLAGE = ("district_admin", "town_admin", "village_secretary")

ACTIONS = Actions(
    {
        "policy.set": DISTRICT,
        "town.register": DISTRICT,
        "village.register": TOWN,
        "village.status": DISTRICT,
        "cadre.manage": TOWN,
        "subsidy.compute": TOWN,
        "income.report": VILLAGE,
        "bonus.award": TOWN,
        "round.open": DISTRICT,
        "inspection.record": TOWN,
        "finding.close": VILLAGE,
        "weakness.screen": TOWN,
        "weakness.designate": DISTRICT,
        "rectification.plan": TOWN,
        "rectification.progress": VILLAGE,
        "rectification.accept": DISTRICT,
        "pilot.define": TOWN,
        "pilot.progress": VILLAGE,
        "project.register": VILLAGE,
        "project.report": VILLAGE,
        "pairing.commit": DISTRICT,
        "pairing.deliver": TOWN,
        "village.read": VILLAGE,
        "town.read": TOWN,
        "district.read": DISTRICT,
    }
)


def require_role(principal: Principal, action: str) -> None:
    """Refuse unless the principal holds a role of ``action`` (its scope is ``authorize``'s to check),
    before a handler reads what the command names."""
    ACTIONS.require(principal, action)


def authorize(principal: Principal, action: str, *, town_id: str | None = None, village_id: str | None = None) -> None:
    """Refuse unless the principal holds a role of ``action`` whose scope covers the town or village."""
    roles = ACTIONS[action]
    require_role(principal, action)
    if principal.has("district_admin"):
        return
    if "town_admin" in roles and principal.has("town_admin") and town_id and principal.scope("town") == town_id:
        return
    if (
        "village_secretary" in roles
        and principal.has("village_secretary")
        and village_id
        and principal.scope("village") == village_id
    ):
        return
    raise Forbidden("out_of_scope", "只能处理本镇（本村）的事项")


@dataclass(frozen=True, slots=True)
class ReadScope:
    """What a list query may show: everything, one town, or one village."""

    town_id: str | None = None
    village_id: str | None = None


def read_scope(principal: Principal, *, town_id: str | None = None, village_id: str | None = None) -> ReadScope:
    """The principal's visible scope narrowed by the requested filters; 403 when a filter is outside it."""
    if principal.has("district_admin"):
        return ReadScope(town_id, village_id)
    if principal.has("town_admin") and principal.scope("town"):
        own = principal.scope("town")
        if town_id is not None and town_id != own:
            raise Forbidden("out_of_scope", "只能查看本镇的数据")
        return ReadScope(own, village_id)
    if principal.has("village_secretary") and principal.scope("village"):
        own = principal.scope("village")
        if village_id is not None and village_id != own:
            raise Forbidden("out_of_scope", "只能查看本村的数据")
        if town_id is not None and principal.scope("town") and town_id != principal.scope("town"):
            raise Forbidden("out_of_scope", "只能查看本村所在镇的数据")
        return ReadScope(town_id, own)
    raise Forbidden("role_required", "此查询需要以下角色之一：区委组织部、镇党委书记、村党组织书记")
