""" "511" pairing (结对包联) of one unit in one year: stream ``pairing-<unit_id>-<year>``. Each year
a unit brings at least the target funds, one supporting project and one industry project."""

from __future__ import annotations

import datetime as dt

from grassroots_common.aggregate import Aggregate
from grassroots_common.contracts.village import PairingCommitted, PairingDelivered, PairingDeliveryKind
from grassroots_common.errors import Conflict, Invalid
from grassroots_common.events import Event


def pairing_stream_id(unit_id: str, year: int) -> str:
    return f"pairing-{unit_id}-{year}"


class Pairing(Aggregate):
    stream_type = "pairing"

    def __init__(self, stream_id: str) -> None:
        super().__init__(stream_id)
        self.unit_id = ""
        self.year = 0
        self.villages: dict[str, str] = {}
        self.funds_fen = 0

    def when(self, event: Event) -> None:
        match event:
            case PairingCommitted():
                self.unit_id, self.year = event.unit_id, event.year
                self.villages[event.village_id] = event.town_id
            case PairingDelivered():
                if event.kind == "funds":
                    self.funds_fen += event.amount_fen

    def commit(
        self,
        *,
        unit_id: str,
        unit_name: str,
        year: int,
        town_id: str,
        village_id: str,
        target_funds_fen: int,
        target_supporting_projects: int,
        target_industry_projects: int,
    ) -> None:
        if village_id in self.villages:
            raise Conflict("village_already_paired", "该单位本年度已包联这个村")
        self._raise(
            PairingCommitted(
                unit_id=unit_id,
                unit_name=unit_name,
                year=year,
                town_id=town_id,
                village_id=village_id,
                target_funds_fen=target_funds_fen,
                target_supporting_projects=target_supporting_projects,
                target_industry_projects=target_industry_projects,
            )
        )

    def town_of(self, village_id: str) -> str:
        town = self.villages.get(village_id)
        if town is None:
            raise Conflict("village_not_paired", "该单位本年度未包联这个村")
        return town

    def deliver(
        self,
        *,
        village_id: str,
        delivery_id: str,
        kind: PairingDeliveryKind,
        title: str,
        amount_fen: int,
        delivered_on: dt.date,
    ) -> None:
        town_id = self.town_of(village_id)
        if amount_fen < 0 or (kind == "funds" and amount_fen == 0):
            raise Invalid("amount_not_positive", "帮扶资金必须大于 0", field="amount_fen")
        self._raise(
            PairingDelivered(
                unit_id=self.unit_id,
                year=self.year,
                town_id=town_id,
                village_id=village_id,
                delivery_id=delivery_id,
                kind=kind,
                title=title,
                amount_fen=amount_fen,
                delivered_on=delivered_on,
            )
        )
