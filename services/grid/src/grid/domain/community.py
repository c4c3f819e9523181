"""A community (社区), its grids (网格) and the people in the five grid roles: stream ``<community_id>``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from grassroots_common.aggregate import Aggregate
from grassroots_common.contracts.grid import CommunityRegistered, GridDefined, GridMemberAssigned, GridMemberRemoved
from grassroots_common.errors import Conflict, Invalid, NotFound
from grassroots_common.events import Event

COMMUNITY_WIDE_ROLES = ("grid_guide", "grid_chief")
IN_GRID_ROLES = ("grid_head", "grid_worker", "grid_member")
ROLE_NAMES = {
    "grid_guide": "网格指导员",
    "grid_chief": "总网格长",
    "grid_head": "网格长",
    "grid_worker": "专职网格员",
    "grid_member": "网格员",
}


@dataclass(frozen=True, slots=True)
class Membership:
    grid_id: str | None
    role: str
    name: str


class Community(Aggregate):
    stream_type = "community"

    def __init__(self, stream_id: str) -> None:
        super().__init__(stream_id)
        self.registered = False
        self.grids: dict[str, str] = {}
        self.members: dict[str, Membership] = {}

    def when(self, event: Event) -> None:
        match event:
            case CommunityRegistered():
                self.registered = True
            case GridDefined():
                self.grids[event.grid_id] = event.name
            case GridMemberAssigned():
                self.members[event.person_id] = Membership(event.grid_id, event.role, event.person_name)
            case GridMemberRemoved():
                self.members.pop(event.person_id, None)

    def register(self, *, name: str, street: str, district: str, leader_name: str, now: dt.datetime) -> None:
        if self.registered:
            raise Conflict("community_exists", "该社区已登记")
        self._raise(
            CommunityRegistered(
                community_id=self.id,
                name=name,
                street=street,
                district=district,
                leader_name=leader_name,
                registered_at=now,
            )
        )

    def define_grid(self, *, grid_id: str, name: str, area: str, households: int, now: dt.datetime) -> None:
        self._require_registered()
        if name in {n for g, n in self.grids.items() if g != grid_id}:
            raise Conflict("grid_name_taken", f"本社区已有名为“{name}”的网格", field="name")
        self._raise(
            GridDefined(
                community_id=self.id, grid_id=grid_id, name=name, area=area, households=households, defined_at=now
            )
        )

    def assign(self, *, person_id: str, person_name: str, role: str, grid_id: str | None, now: dt.datetime) -> None:
        """Give a person a grid role (moving them if they hold another one in this community)."""
        self._require_registered()
        if role in COMMUNITY_WIDE_ROLES:
            grid_id = None
        elif grid_id is None:
            raise Invalid("grid_required", f"{ROLE_NAMES[role]}必须归属一个网格", field="grid_id")
        elif grid_id not in self.grids:
            raise NotFound("grid_not_found", "本社区没有该网格", field="grid_id")
        current = self.members.get(person_id)
        if current is not None and current.role == role and current.grid_id == grid_id:
            return
        if role == "grid_head":
            holder = next((p for p, m in self.members.items() if m.role == "grid_head" and m.grid_id == grid_id), None)
            if holder is not None and holder != person_id:
                raise Conflict(
                    "grid_head_taken",
                    f"该网格已有网格长（{self.members[holder].name}），请先调整原网格长",
                    person_id=holder,
                )
        self._raise(
            GridMemberAssigned(
                community_id=self.id,
                grid_id=grid_id,
                person_id=person_id,
                person_name=person_name,
                role=role,  # type: ignore[arg-type]
                assigned_at=now,
            )
        )

    def remove(self, *, person_id: str, reason: str, now: dt.datetime) -> None:
        self._require_registered()
        current = self.members.get(person_id)
        if current is None:
            raise NotFound("member_not_found", "该人员不在本社区网格中")
        self._raise(
            GridMemberRemoved(
                community_id=self.id,
                grid_id=current.grid_id,
                person_id=person_id,
                role=current.role,  # type: ignore[arg-type]
                reason=reason,
                removed_at=now,
            )
        )

    def _require_registered(self) -> None:
        if not self.registered:
            raise NotFound("community_not_found", "找不到该社区")
