"""Uses of one person's appraisal results (五挂钩): stream ``result-use-<person>``."""

from __future__ import annotations

import datetime as dt

from grassroots_common.aggregate import Aggregate
from grassroots_common.contracts.appraisal import NEGATIVE_RESULT_USES, ResultApplied, ResultUseKind
from grassroots_common.errors import Conflict
from grassroots_common.events import Event

KIND_NAMES = {
    "excellence": "评优",
    "appointment": "选拔任用",
    "promotion": "职级晋升",
    "party_recommendation": "推优入党",
    "commendation": "评先树模",
    "training": "教育培训",
    "discipline": "惩戒",
    "reminder_talk": "提醒约谈",
}


def result_use_stream_id(person_id: str) -> str:
    return f"result-use-{person_id}"


class ResultUses(Aggregate):
    stream_type = "result_use"

    def __init__(self, stream_id: str) -> None:
        super().__init__(stream_id)
        self.recorded: set[tuple[str, int, str]] = set()

    def when(self, event: Event) -> None:
        match event:
            case ResultApplied():
                self.recorded.add((event.kind, event.year, event.basis))

    def apply(
        self,
        *,
        unit_id: str,
        person_id: str,
        person_name: str,
        kind: ResultUseKind,
        year: int,
        basis: str,
        decided_on: dt.date,
    ) -> None:
        if (kind, year, basis) in self.recorded:
            raise Conflict("result_use_recorded", f"该{KIND_NAMES[kind]}运用已登记")
        self._raise(
            ResultApplied(
                unit_id=unit_id,
                person_id=person_id,
                person_name=person_name,
                kind=kind,
                positive=kind not in NEGATIVE_RESULT_USES,
                year=year,
                basis=basis,
                decided_on=decided_on,
            )
        )
