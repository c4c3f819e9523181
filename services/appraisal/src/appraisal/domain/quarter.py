"""The quarter of one unit (季考评): stream ``quarter-<unit>-<quarter>``.

One aggregate holds every participant of the unit's quarter, because the 好 cap spans them all:
the optimistic version check on this stream is what keeps concurrent leaders under the cap.
Flow per person: self-assessment → internal peer review → section chief → deputy leader →
principal leader (levels the person's chain lacks are skipped). Then publication for a number of
working days, appeals within it, and finalization once the period is over and no appeal is open.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field

from grassroots_common.aggregate import Aggregate
from grassroots_common.contracts.appraisal import (
    REVIEW_LEVEL_NAMES,
    REVIEW_LEVELS,
    AppealFiled,
    AppealResolved,
    FollowUpOpened,
    FollowUpVisited,
    Grade,
    GradeAdjusted,
    MentorAssigned,
    Participant,
    PeerReviewed,
    QuarterFinalized,
    QuarterOpened,
    QuarterResult,
    QuarterReviewersChanged,
    ResultsPublished,
    ReviewingChain,
    ReviewLevel,
    ReviewRecorded,
    SelfAssessed,
)
from grassroots_common.errors import Conflict, Invalid, NotFound
from grassroots_common.events import Event
from grassroots_common.workdays import WorkCalendar

QUARTER_PATTERN = r"^\d{4}-Q[1-4]$"
_QUARTER = re.compile(QUARTER_PATTERN)
GOOD: Grade = "好"
DEFAULT_GOOD_RATIO = 0.4
DEFAULT_PUBLICATION_WORKDAYS = 5
DEFAULT_FOLLOW_UP_QUARTERS = 2
LOW_GRADES = frozenset({"较好", "一般", "较差"})


def quarter_stream_id(unit_id: str, quarter: str) -> str:
    return f"quarter-{unit_id}-{quarter}"


def parse_quarter(quarter: str) -> tuple[int, int]:
    if not _QUARTER.match(quarter):
        raise Invalid("quarter_invalid", "季度格式应为 2026-Q3", field="quarter")
    return int(quarter[:4]), int(quarter[-1])


def previous_quarter(quarter: str) -> str:
    year, num = parse_quarter(quarter)
    return f"{year - 1}-Q4" if num == 1 else f"{year}-Q{num - 1}"


def good_cap_for(participants: int, ratio: float) -> int:
    # A tiny epsilon keeps 0.4 × 10 at 4 despite binary floating point.
    return math.floor(participants * ratio + 1e-9)


@dataclass
class Person:
    participant: Participant
    self_grade: Grade | None = None
    peers: set[str] = field(default_factory=set)
    decided: dict[str, Grade] = field(default_factory=dict)
    grade: Grade | None = None
    composite_score: float | None = None
    appeal_id: str | None = None
    appeal_open: bool = False
    follow_up: bool = False
    mentor_id: str | None = None

    @property
    def levels(self) -> list[ReviewLevel]:
        chain = self.participant.chain
        ids = {
            "section_chief": chain.section_chief_id,
            "deputy_leader": chain.deputy_leader_id,
            "principal_leader": chain.principal_leader_id,
        }
        return [level for level in REVIEW_LEVELS if ids[level]]

    @property
    def next_level(self) -> ReviewLevel | None:
        for level in self.levels:
            if level not in self.decided:
                return level
        return None

    def reviewer_of(self, level: str) -> str | None:
        return getattr(self.participant.chain, f"{level}_id")


class UnitQuarter(Aggregate):
    stream_type = "unit_quarter"

    def __init__(self, stream_id: str) -> None:
        super().__init__(stream_id)
        self.unit_id = ""
        self.quarter = ""
        self.phase = "none"  # none → open → published → finalized
        self.people: dict[str, Person] = {}
        self.good_cap = 0
        self.good_ratio = DEFAULT_GOOD_RATIO
        self.peer_reviews_required = 1
        self.period_ends_at: dt.datetime | None = None
        self.appeals: dict[str, str] = {}  # appeal id → person id

    # --- evolve ------------------------------------------------------------------------------

    def when(self, event: Event) -> None:
        match event:
            case QuarterOpened():
                self.unit_id, self.quarter, self.phase = event.unit_id, event.quarter, "open"
                self.people = {p.person_id: Person(p) for p in event.participants}
                self.good_cap, self.good_ratio = event.good_cap, event.good_ratio
                self.peer_reviews_required = event.peer_reviews_required
            case SelfAssessed():
                self.people[event.person_id].self_grade = event.grade
            case PeerReviewed():
                self.people[event.person_id].peers.add(event.reviewer_id)
            case ReviewRecorded():
                person = self.people[event.person_id]
                person.decided[event.level] = event.grade
                person.grade = event.grade
                # A level that gave a grade and no scores keeps the composite of the level before.
                if event.composite_score is not None:
                    person.composite_score = event.composite_score
            case GradeAdjusted():
                self.people[event.person_id].grade = event.to_grade
            case QuarterReviewersChanged():
                person = self.people[event.person_id]
                person.participant = person.participant.model_copy(update={"chain": event.chain})
            case ResultsPublished():
                self.phase = "published"
                self.period_ends_at = event.period_ends_at
            case AppealFiled():
                person = self.people[event.person_id]
                person.appeal_id, person.appeal_open = event.appeal_id, True
                self.appeals[event.appeal_id] = event.person_id
            case AppealResolved():
                person = self.people[event.person_id]
                person.appeal_open = False
                person.grade = event.new_grade
            case QuarterFinalized():
                self.phase = "finalized"
            case FollowUpOpened():
                self.people[event.person_id].follow_up = True
            case MentorAssigned():
                self.people[event.person_id].mentor_id = event.mentor_id
            case FollowUpVisited():
                pass

    # --- queries the handlers and answers use -------------------------------------------------

    @property
    def good_used(self) -> int:
        return sum(1 for p in self.people.values() if p.grade == GOOD)

    @property
    def good_left(self) -> int:
        return max(self.good_cap - self.good_used, 0)

    def quota(self) -> dict[str, int]:
        return {"good_cap": self.good_cap, "good_used": self.good_used, "good_left": self.good_left}

    def person(self, person_id: str) -> Person:
        person = self.people.get(person_id)
        if person is None:
            raise NotFound("not_a_participant", "此人不在本季度的考核名单中", person_id=person_id)
        return person

    def level_due(self, person_id: str) -> ReviewLevel:
        """The level whose decision this person waits for."""
        self._require_open()
        level = self.person(person_id).next_level
        if level is None:
            raise Conflict("already_decided", "此人的各级审核均已完成")
        return level

    # --- decide ------------------------------------------------------------------------------

    def open(
        self,
        *,
        unit_id: str,
        quarter: str,
        participants: list[Participant],
        good_ratio: float,
        peer_reviews_required: int,
    ) -> None:
        year, _ = parse_quarter(quarter)
        if self.phase != "none":
            raise Conflict("quarter_already_open", f"{quarter} 季度考核已经开启，不能重复开启")
        if not participants:
            raise Invalid("roster_empty", "单位花名册中没有可参加考核的人员，请先导入花名册")
        if not 0 < good_ratio <= 1:
            raise Invalid("good_ratio_invalid", "“好”等次比例应在 0 到 1 之间", field="good_ratio")
        if peer_reviews_required >= len(participants):
            raise Invalid(
                "peer_reviews_too_many",
                f"互评人数要求不能超过参评人数减一（{len(participants) - 1}）",
                field="peer_reviews_required",
            )
        self._raise(
            QuarterOpened(
                unit_id=unit_id,
                quarter=quarter,
                year=year,
                participants=participants,
                good_ratio=good_ratio,
                good_cap=good_cap_for(len(participants), good_ratio),
                peer_reviews_required=peer_reviews_required,
            )
        )

    def self_assess(
        self, *, person_id: str, scores: dict[str, float], composite_score: float, grade: Grade, summary: str
    ) -> None:
        self._require_open()
        person = self.person(person_id)
        if person.self_grade is not None:
            raise Conflict("already_self_assessed", "你已完成本季度自评，不能重复提交")
        self._raise(
            SelfAssessed(
                unit_id=self.unit_id,
                quarter=self.quarter,
                person_id=person_id,
                person_name=person.participant.person_name,
                scores=scores,
                composite_score=composite_score,
                grade=grade,
                summary=summary,
            )
        )

    def peer_review(self, *, reviewer_id: str, reviewer_name: str, person_id: str, grade: Grade, comment: str) -> None:
        self._require_open()
        person = self.person(person_id)
        if reviewer_id not in self.people:
            raise Conflict("peer_not_participant", "只有本季度参评人员才能参加内部互评")
        if reviewer_id == person_id:
            raise Conflict("self_peer_review", "不能给自己互评")
        if person.self_grade is None:
            raise Conflict("self_assessment_missing", "此人尚未完成自评，暂不能互评")
        if reviewer_id in person.peers:
            raise Conflict("already_peer_reviewed", "你已对此人互评过，不能重复互评")
        if person.decided:
            raise Conflict("peer_review_closed", "此人已进入领导审核，互评已结束")
        self._raise(
            PeerReviewed(
                unit_id=self.unit_id,
                quarter=self.quarter,
                person_id=person_id,
                reviewer_id=reviewer_id,
                reviewer_name=reviewer_name,
                grade=grade,
                comment=comment,
            )
        )

    def review(
        self,
        *,
        level: ReviewLevel,
        reviewer_id: str,
        reviewer_name: str,
        person_id: str,
        scores: dict[str, float],
        composite_score: float | None,
        grade: Grade,
        comment: str,
    ) -> None:
        """``composite_score`` is ``None`` when the level gives a grade without scores."""
        self._require_open()
        person = self.person(person_id)
        if person.self_grade is None:
            raise Conflict("self_assessment_missing", "此人尚未完成自评，暂不能审核")
        if len(person.peers) < self.peer_reviews_required:
            raise Conflict(
                "peer_review_incomplete",
                f"此人的内部互评尚未完成（{len(person.peers)}/{self.peer_reviews_required}），暂不能审核",
            )
        if level not in person.levels:
            raise Conflict("level_not_in_chain", f"此人的审核链中没有{REVIEW_LEVEL_NAMES[level]}这一级")
        if level in person.decided:
            raise Conflict("already_decided", f"{REVIEW_LEVEL_NAMES[level]}已审核过此人，不能重复审核")
        pending = person.next_level
        if pending != level:
            assert pending is not None
            reviewer = self.people.get(person.reviewer_of(pending) or "")
            who = f"{REVIEW_LEVEL_NAMES[pending]}{reviewer.participant.person_name if reviewer else ''}"
            raise Conflict(
                "previous_level_pending",
                f"{person.participant.person_name}的{who}审核尚未完成，请等{who}审核后再审核",
                pending_level=pending,
                pending_reviewer_id=person.reviewer_of(pending),
                pending_reviewer_name=reviewer.participant.person_name if reviewer else None,
            )
        good_used = self._good_used_after(person, grade)
        self._raise(
            ReviewRecorded(
                unit_id=self.unit_id,
                quarter=self.quarter,
                person_id=person_id,
                person_name=person.participant.person_name,
                level=level,
                reviewer_id=reviewer_id,
                reviewer_name=reviewer_name,
                scores=scores,
                composite_score=composite_score,
                grade=grade,
                comment=comment,
                good_used=good_used,
                good_cap=self.good_cap,
            )
        )

    def change_reviewers(self, *, person_id: str, chain: ReviewingChain) -> None:
        """Who reviews a person from now on in this open quarter; a decided level keeps its reviewer."""
        self._require_open()
        person = self.person(person_id)
        reviewers = [getattr(chain, f"{level}_id") for level in REVIEW_LEVELS]
        if not any(reviewers):
            raise Invalid("chain_empty", "请至少指定一级审核人", field="chain")
        if person_id in reviewers:
            raise Invalid("reviews_self", "不能由本人审核自己", field="chain")
        for level in person.decided:
            if getattr(chain, f"{level}_id") != person.reviewer_of(level):
                raise Conflict(
                    "level_already_decided", f"{REVIEW_LEVEL_NAMES[level]}已审核过此人，这一级的审核人不能再改"
                )
        if chain == person.participant.chain:
            raise Conflict("reviewers_unchanged", "审核人没有变化")
        self._raise(
            QuarterReviewersChanged(
                unit_id=self.unit_id,
                quarter=self.quarter,
                person_id=person_id,
                person_name=person.participant.person_name,
                chain=chain,
            )
        )

    def adjust(self, *, level: ReviewLevel, person_id: str, to_grade: Grade, reason: str) -> None:
        """A deputy or principal leader changes a grade already given; the reason is kept for audit."""
        self._require_open()
        if level == "section_chief":
            raise Conflict("adjust_not_allowed", "只有分管领导和主要领导可以调整等次")
        reason = reason.strip()
        if len(reason) < 2:
            raise Invalid("reason_required", "调整等次必须填写理由", field="reason")
        person = self.person(person_id)
        if person.grade is None:
            raise Conflict("not_yet_graded", "此人尚未被评定等次，请先审核再调整")
        if level == "deputy_leader" and "principal_leader" in person.decided:
            raise Conflict("principal_already_decided", "主要领导已作出决定，分管领导不能再调整")
        if person.grade == to_grade:
            raise Invalid("grade_unchanged", f"此人当前等次已是{to_grade}", field="to_grade")
        good_used = self._good_used_after(person, to_grade)
        self._raise(
            GradeAdjusted(
                unit_id=self.unit_id,
                quarter=self.quarter,
                person_id=person_id,
                person_name=person.participant.person_name,
                from_grade=person.grade,
                to_grade=to_grade,
                level=level,
                reason=reason,
                good_used=good_used,
                good_cap=self.good_cap,
            )
        )

    def move_good(
        self, *, level: ReviewLevel, from_person_id: str, to_person_id: str, from_new_grade: Grade, reason: str
    ) -> None:
        """Move a 好 from one person to another in one step (both adjustments or neither)."""
        if from_person_id == to_person_id:
            raise Invalid("same_person", "请选择两个不同的人", field="to_person_id")
        if from_new_grade == GOOD:
            raise Invalid("grade_unchanged", "让出“好”的人应调整为较好或以下", field="from_new_grade")
        if self.person(from_person_id).grade != GOOD:
            raise Conflict("not_good", "让出名额的人当前等次不是“好”")
        self.adjust(level=level, person_id=from_person_id, to_grade=from_new_grade, reason=reason)
        self.adjust(level=level, person_id=to_person_id, to_grade=GOOD, reason=reason)

    def publish(self, *, now: dt.datetime, calendar: WorkCalendar, workdays: int) -> None:
        self._require_open()
        pending = [p for p in self.people.values() if p.next_level is not None]
        if pending:
            names = "、".join(p.participant.person_name for p in pending[:5])
            raise Conflict(
                "reviews_incomplete",
                f"还有 {len(pending)} 人未完成审核（{names}{'等' if len(pending) > 5 else ''}），暂不能公示",
                pending=len(pending),
            )
        self._raise(
            ResultsPublished(
                unit_id=self.unit_id,
                quarter=self.quarter,
                published_at=now,
                workdays=workdays,
                period_ends_at=calendar.deadline(now, workdays),
                results=self._results(),
                good_count=self.good_used,
                good_cap=self.good_cap,
            )
        )

    def file_appeal(self, *, appeal_id: str, person_id: str, reason: str, now: dt.datetime) -> None:
        self._require_published()
        person = self.person(person_id)
        assert self.period_ends_at is not None
        if now > self.period_ends_at:
            raise Conflict("appeal_period_over", "公示期已结束，不能再提出申诉")
        if person.appeal_id is not None:
            raise Conflict("already_appealed", "你已对本季度结果提出过申诉")
        if len(reason.strip()) < 5:
            raise Invalid("reason_required", "请写明申诉理由（至少 5 个字）", field="reason")
        self._raise(
            AppealFiled(
                unit_id=self.unit_id,
                quarter=self.quarter,
                appeal_id=appeal_id,
                person_id=person_id,
                person_name=person.participant.person_name,
                grade=person.grade or "一般",
                reason=reason.strip(),
                filed_at=now,
            )
        )

    def resolve_appeal(
        self, *, appeal_id: str, outcome: str, new_grade: Grade | None, reason: str, now: dt.datetime
    ) -> None:
        self._require_published()
        person_id = self.appeals.get(appeal_id)
        if person_id is None:
            raise NotFound("appeal_not_found", "找不到该申诉")
        person = self.people[person_id]
        if not person.appeal_open:
            raise Conflict("appeal_already_resolved", "该申诉已处理完毕")
        if len(reason.strip()) < 2:
            raise Invalid("reason_required", "请填写复核意见", field="reason")
        previous = person.grade or "一般"
        if outcome == "upheld":
            target: Grade = previous
        else:
            if new_grade is None or new_grade == previous:
                raise Invalid("new_grade_required", "改变等次时请选择与原等次不同的新等次", field="new_grade")
            self._check_cap(person, new_grade)
            target = new_grade
        self._raise(
            AppealResolved(
                unit_id=self.unit_id,
                quarter=self.quarter,
                appeal_id=appeal_id,
                person_id=person_id,
                outcome="upheld" if outcome == "upheld" else "changed",
                previous_grade=previous,
                new_grade=target,
                reason=reason.strip(),
                resolved_at=now,
            )
        )

    def finalize(
        self,
        *,
        now: dt.datetime,
        earlier_grades: dict[str, dict[str, Grade]] | None = None,
        follow_up_after: int = DEFAULT_FOLLOW_UP_QUARTERS,
    ) -> None:
        """Confirm the results. ``earlier_grades`` holds each person's finalized grades of the
        ``follow_up_after - 1`` preceding quarters: whoever stayed at 较好 or lower through all of
        them and this one gets a follow-up visit and a mentor request (FollowUpOpened)."""
        self._require_published()
        assert self.period_ends_at is not None
        if now <= self.period_ends_at:
            raise Conflict(
                "publication_period_running",
                f"公示期至 {self.period_ends_at.isoformat(timespec='minutes')} 结束，结束后才能确认结果",
            )
        open_appeals = [p for p in self.people.values() if p.appeal_open]
        if open_appeals:
            raise Conflict(
                "appeals_open", f"还有 {len(open_appeals)} 件申诉未处理，处理完毕后才能确认结果", open=len(open_appeals)
            )
        self._raise(
            QuarterFinalized(
                unit_id=self.unit_id,
                quarter=self.quarter,
                finalized_at=now,
                results=self._results(),
            )
        )
        for pid, person in self.people.items():
            earlier = (earlier_grades or {}).get(pid, {})
            grades = {**earlier, self.quarter: person.grade or "一般"}
            if len(grades) >= follow_up_after and all(g in LOW_GRADES for g in grades.values()):
                self._raise(
                    FollowUpOpened(
                        unit_id=self.unit_id,
                        person_id=pid,
                        person_name=person.participant.person_name,
                        quarter=self.quarter,
                        grades=grades,
                        opened_at=now,
                    )
                )

    def assign_mentor(self, *, person_id: str, mentor_id: str, mentor_name: str, now: dt.datetime) -> None:
        """Assign the person's mentor, or change it (更换导师: the mentor left, or another suits
        better): the latest MentorAssigned is the mentor, the earlier ones stay in the history."""
        person = self._follow_up(person_id)
        if mentor_id == person_id:
            raise Invalid("mentor_is_self", "导师不能是本人", field="mentor_id")
        if person.mentor_id == mentor_id:
            raise Conflict("mentor_unchanged", f"{mentor_name}已是此人的导师", field="mentor_id")
        self._raise(
            MentorAssigned(
                unit_id=self.unit_id,
                person_id=person_id,
                quarter=self.quarter,
                mentor_id=mentor_id,
                mentor_name=mentor_name,
                assigned_at=now,
            )
        )

    def record_visit(self, *, person_id: str, visited_by_id: str, notes: str, visited_on: dt.date) -> None:
        self._follow_up(person_id)
        self._raise(
            FollowUpVisited(
                unit_id=self.unit_id,
                person_id=person_id,
                quarter=self.quarter,
                visited_by_id=visited_by_id,
                notes=notes,
                visited_on=visited_on,
            )
        )

    def final_grades(self) -> dict[str, Grade]:
        if self.phase != "finalized":
            return {}
        return {pid: p.grade or "一般" for pid, p in self.people.items()}

    def _follow_up(self, person_id: str) -> Person:
        person = self.person(person_id)
        if not person.follow_up:
            raise Conflict("no_follow_up", "此人本季度没有需要回访帮带的事项")
        return person

    def _results(self) -> list[QuarterResult]:
        """Each participant's grade as published and as finalized (一般 for a grade never given)."""
        return [
            QuarterResult(
                person_id=pid,
                person_name=p.participant.person_name,
                section_id=p.participant.section_id,
                grade=p.grade or "一般",
                composite_score=p.composite_score,
            )
            for pid, p in self.people.items()
        ]

    # --- rules -------------------------------------------------------------------------------

    def _good_used_after(self, person: Person, grade: Grade) -> int:
        """How many 好 the quarter holds once ``person`` is at ``grade``; refused over the cap."""
        self._check_cap(person, grade)
        return self.good_used + (grade == GOOD) - (person.grade == GOOD)

    def _check_cap(self, person: Person, grade: Grade) -> None:
        """Refuse (never trim) a decision that would put more people at 好 than the cap allows."""
        if grade == GOOD and person.grade != GOOD and self.good_used >= self.good_cap:
            raise Conflict(
                "good_quota_exceeded",
                f"本单位本季度“好”等次最多 {self.good_cap} 人，已全部用完；"
                "如需评定此人为“好”，请先将另一人调整为较好或以下",
                **self.quota(),
            )

    def _require_open(self) -> None:
        if self.phase == "none":
            raise Conflict("quarter_not_open", "本季度考核尚未开启")
        if self.phase == "published":
            raise Conflict("results_published", "本季度结果已公示，不能再修改审核结果；如有异议请走申诉")
        if self.phase == "finalized":
            raise Conflict("quarter_finalized", "本季度考核已确认归档，不能再修改")

    def _require_published(self) -> None:
        if self.phase in ("none", "open"):
            raise Conflict("results_not_published", "本季度结果尚未公示")
        if self.phase == "finalized":
            raise Conflict("quarter_finalized", "本季度考核已确认归档，不能再修改")
