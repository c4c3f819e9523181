"""Uses of one person's appraisal results (五挂钩): stream ``result-use-<person>``.

评优 rests on an annual 优秀: for a year whose annual review the platform holds, it is recorded
only for the people graded 优秀 there; for a year from before the platform (backfilled), only with
a stated reason, kept on the record.
"""

from __future__ import annotations

import datetime as dt

from grassroots_common.aggregate import Aggregate
from grassroots_common.contracts.appraisal import (
    NEGATIVE_RESULT_USES,
    RESULT_USE_NAMES,
    AnnualGrade,
    ResultApplied,
    ResultUseKind,
)
from grassroots_common.errors import Conflict, Invalid
from grassroots_common.events import Event


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
        annual_held: bool = False,
        annual_grade: AnnualGrade | None = None,
        backfill_reason: str | None = None,
    ) -> None:
        """``annual_held``: the platform holds the unit's annual review of ``year``;
        ``annual_grade``: the person's grade in it (None while undecided)."""
        if (kind, year, basis) in self.recorded:
            raise Conflict("result_use_recorded", f"该{RESULT_USE_NAMES[kind]}运用已登记")
        reason = (backfill_reason or "").strip() or None
        if kind == "excellence":
            if annual_held and annual_grade != "优秀":
                got = f"为{annual_grade}" if annual_grade else "尚未确定"
                raise Conflict(
                    "excellence_without_excellent",
                    f"{person_name} {year} 年度考核等次{got}，只有年度考核为“优秀”的人员才能登记评优",
                    annual_grade=annual_grade,
                )
            if not annual_held and (reason is None or len(reason) < 5):
                raise Invalid(
                    "backfill_reason_required",
                    f"平台没有本单位 {year} 年度考核的记录：补录评优请写明依据（如年度考核文件文号，至少 5 个字）",
                    field="backfill_reason",
                )
        if annual_held:
            reason = None
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
                backfill_reason=reason,
            )
        )
