"""A town (镇) of the district: stream ``town-<town_id>``."""

from __future__ import annotations

from grassroots_common.aggregate import Aggregate
from grassroots_common.contracts.village import TownRegistered
from grassroots_common.errors import Conflict
from grassroots_common.events import Event


def town_stream_id(town_id: str) -> str:
    return f"town-{town_id}"


class Town(Aggregate):
    stream_type = "town"

    def __init__(self, stream_id: str) -> None:
        super().__init__(stream_id)
        self.name = ""

    def when(self, event: Event) -> None:
        match event:
            case TownRegistered():
                self.name = event.name

    def register(self, *, town_id: str, name: str, party_secretary_name: str) -> None:
        if self.exists:
            raise Conflict("town_exists", f"镇 {town_id} 已登记")
        self._raise(TownRegistered(town_id=town_id, name=name, party_secretary_name=party_secretary_name))
