"""The annual review (年评鉴) of a unit: stream ``annual-<unit>-<year>``.

Opened from the year's finalized quarters. 优秀 only for candidates with 好 in at least half of the
year's quarters and no 一般 or 较差, at most ``excellent_ratio`` (default 20 %) of the people.
"""

from __future__ import annotations

import math

from grassroots_common.aggregate import Aggregate
from grassroots_common.contracts.appraisal import (
    AnnualCandidate,
    AnnualGrade,
    AnnualGradeDecided,
    AnnualReviewOpened,
    Grade,
)
from grassroots_common.errors import Conflict, Invalid, NotFound
from grassroots_common.events import Event

DEFAULT_EXCELLENT_RATIO = 0.2
EXCELLENT: AnnualGrade = "优秀"


def annual_stream_id(unit_id: str, year: int) -> str:
    return f"annual-{unit_id}-{year}"


def excellent_eligible(grades: dict[str, Grade], quarters_in_year: int) -> bool:
    goods = sum(1 for g in grades.values() if g == "好")
    return goods * 2 >= quarters_in_year and not any(g in ("一般", "较差") for g in grades.values())


class AnnualReview(Aggregate):
    stream_type = "annual_review"

    def __init__(self, stream_id: str) -> None:
        super().__init__(stream_id)
        self.unit_id = ""
        self.year = 0
        self.people: dict[str, AnnualCandidate] = {}
        self.decided: dict[str, AnnualGrade] = {}
        self.excellent_cap = 0

    def when(self, event: Event) -> None:
        match event:
            case AnnualReviewOpened():
                self.unit_id, self.year = event.unit_id, event.year
                self.people = {p.person_id: p for p in event.people}
                self.excellent_cap = event.excellent_cap
            case AnnualGradeDecided():
                self.decided[event.person_id] = event.grade

    @property
    def excellent_used(self) -> int:
        return sum(1 for g in self.decided.values() if g == EXCELLENT)

    def quota(self) -> dict[str, int]:
        return {
            "excellent_cap": self.excellent_cap,
            "excellent_used": self.excellent_used,
            "excellent_left": max(self.excellent_cap - self.excellent_used, 0),
        }

    def open(
        self,
        *,
        unit_id: str,
        year: int,
        quarter_grades: dict[str, tuple[str, str | None, dict[str, Grade]]],
        quarters_in_year: int,
        excellent_ratio: float,
    ) -> None:
        """``quarter_grades``: person id → (name, section id, {quarter: grade}) from finalized quarters."""
        if self.unit_id:
            raise Conflict("annual_review_open", f"{year} 年度考核已经开启")
        if not quarter_grades:
            raise Conflict("no_finalized_quarters", f"{year} 年没有已确认的季度考核结果")
        if not 0 < excellent_ratio <= 1:
            raise Invalid("excellent_ratio_invalid", "优秀比例应在 0 到 1 之间", field="excellent_ratio")
        people = [
            AnnualCandidate(
                person_id=pid,
                person_name=name,
                section_id=section,
                quarter_grades=grades,
                excellent_eligible=excellent_eligible(grades, quarters_in_year),
            )
            for pid, (name, section, grades) in sorted(quarter_grades.items())
        ]
        self._raise(
            AnnualReviewOpened(
                unit_id=unit_id,
                year=year,
                people=people,
                excellent_ratio=excellent_ratio,
                excellent_cap=math.floor(len(people) * excellent_ratio + 1e-9),
            )
        )

    def decide(self, *, person_id: str, grade: AnnualGrade, comment: str) -> None:
        if not self.unit_id:
            raise Conflict("annual_review_not_open", "年度考核尚未开启")
        person = self.people.get(person_id)
        if person is None:
            raise NotFound("not_a_candidate", "此人不在本年度考核名单中")
        if person_id in self.decided:
            raise Conflict("already_decided", f"已确定此人的年度等次为{self.decided[person_id]}")
        if grade == EXCELLENT:
            if not person.excellent_eligible:
                raise Conflict(
                    "not_excellent_candidate",
                    "此人不具备优秀候选资格：需全年半数以上季度为“好”且无“一般”“较差”",
                )
            if self.excellent_used >= self.excellent_cap:
                raise Conflict(
                    "excellent_quota_exceeded", f"本单位年度优秀名额为 {self.excellent_cap} 人，已用完", **self.quota()
                )
        self._raise(
            AnnualGradeDecided(
                unit_id=self.unit_id,
                year=self.year,
                person_id=person_id,
                person_name=person.person_name,
                grade=grade,
                comment=comment,
                excellent_used=self.excellent_used + (grade == EXCELLENT),
                excellent_cap=self.excellent_cap,
            )
        )
