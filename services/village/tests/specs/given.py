"""What the village specifications are given: the principals of the district, its towns and its
villages, and the village 紫荆村 (V1 of town T1) registered (``village.domain``)."""

from __future__ import annotations

import datetime as dt

from grassroots_common.auth import Principal
from grassroots_common.contracts.village import VillageRegistered
from grassroots_common.specification import Specification
from grassroots_common.workdays import CHINA
from village.domain.village import village_stream_id

T1, T2 = "610305107", "610305108"
V1, V2 = "610305107201", "610305107202"
DISTRICT = Principal("d1", "组织部李明", frozenset({"district_admin"}), {})
TOWN = Principal("t1", "镇党委王建国", frozenset({"town_admin"}), {"town": T1})
OTHER_TOWN = Principal("t2", "镇党委赵军", frozenset({"town_admin"}), {"town": T2})
SECRETARY = Principal("s1", "李红梅", frozenset({"village_secretary"}), {"town": T1, "village": V1})
OTHER_SECRETARY = Principal("s2", "周涛", frozenset({"village_secretary"}), {"town": T1, "village": V2})
NOW = dt.datetime(2026, 6, 1, 10, tzinfo=CHINA)


def registered(town_id: str = T1, village_id: str = V1, name: str = "紫荆村") -> VillageRegistered:
    """A village registered with its party branch, 40 members, 400 households, 1,500 people."""
    return VillageRegistered(
        town_id=town_id, village_id=village_id, name=name, party_org_name=f"中共{name}支部委员会",
        party_org_kind="branch", party_members=40, households=400, population=1500,
    )  # fmt: skip


VILLAGE_REGISTERED = registered()


async def registered_village() -> Specification:
    """A specification at ``NOW`` given the village V1, registered."""
    spec = Specification(at=NOW)
    await spec.given(village_stream_id(V1), VILLAGE_REGISTERED)
    return spec
