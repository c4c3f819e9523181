"""Events the appraisal service publishes (stream ``APPRAISAL``).

Every event carries ``unit_id`` so consumers can group by unit. Quarters are written ``2026-Q3``,
months ``2026-07``, ISO weeks ``2026-W47``. Quarterly grades are 好 / 较好 / 一般 / 较差; annual grades
优秀 / 称职 / 基本称职 / 不称职. Review levels are ``section_chief``, ``deputy_leader`` and
``principal_leader``.

Streams (``stream_type``): ``roster`` (one per unit), ``scheme`` (unit and year), ``weekly_log``
(person and week), ``monthly_summary`` (person and month), ``log_reminder`` (unit and week),
``unit_quarter`` (unit and quarter: the 好 cap lives here; follow-ups opened at finalization live
there too), ``annual_review`` (unit and year), ``reminder`` (one shortcoming reminder),
``result_use`` (person).
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel

from grassroots_common.events import Event, event

Grade = Literal["好", "较好", "一般", "较差"]
AnnualGrade = Literal["优秀", "称职", "基本称职", "不称职"]
ReviewLevel = Literal["section_chief", "deputy_leader", "principal_leader"]
Dimension = Literal["德", "能", "勤", "绩", "廉"]
IndicatorKind = Literal["common", "individual", "highlight", "negative"]
"""共性 common and 个性 individual indicators are scored; 特色亮点 highlights add bonus points;
负面清单 negative-list items deduct points."""

ResultUseKind = Literal[
    "excellence",  # 评优
    "appointment",  # 选拔任用
    "promotion",  # 职级晋升
    "party_recommendation",  # 推优入党
    "commendation",  # 评先树模
    "training",  # 教育培训
    "discipline",  # 惩戒
    "reminder_talk",  # 提醒约谈
]
NEGATIVE_RESULT_USES: frozenset[str] = frozenset({"discipline", "reminder_talk"})


class WorkItem(BaseModel):
    text: str
    indicators: list[str] = []


# --- roster ------------------------------------------------------------------------------------


@event
class UnitRegistered(Event):
    """A unit (单位) joined the platform; its roster stream starts here."""

    stream_type = "roster"

    unit_id: str
    unit_name: str


@event
class SectionDefined(Event):
    """A section (股室) of a unit was created or renamed."""

    stream_type = "roster"

    unit_id: str
    section_id: str
    section_name: str


class ReviewingChain(BaseModel):
    """Who reviews a person each quarter; a level may be empty (a section chief has no chief)."""

    section_chief_id: str | None = None
    deputy_leader_id: str | None = None
    principal_leader_id: str | None = None


@event
class PersonEnrolled(Event):
    """A person joined the unit's roster. ``id_number_digest`` is a SHA-256 of the ID card number
    (only the digest is kept, for duplicate detection); ``position`` is the post title."""

    stream_type = "roster"

    unit_id: str
    person_id: str
    person_name: str
    section_id: str | None
    position: str
    birth_date: dt.date | None
    id_number_digest: str | None
    chain: ReviewingChain
    enrolled_on: dt.date


@event
class ReviewingChainChanged(Event):
    stream_type = "roster"

    unit_id: str
    person_id: str
    person_name: str
    section_id: str | None
    chain: ReviewingChain


@event
class PersonLeft(Event):
    """A person left the unit (transfer, retirement, resignation): not in the next quarter."""

    stream_type = "roster"

    unit_id: str
    person_id: str
    person_name: str
    reason: Literal["transfer", "retirement", "resignation", "other"]
    left_on: dt.date


class ImportRowError(BaseModel):
    row: int
    field: str
    code: str
    message: str


@event
class RosterImported(Event):
    """An Excel roster was imported; the PersonEnrolled events of the accepted rows follow it."""

    stream_type = "roster"

    unit_id: str
    file_name: str
    rows_total: int
    rows_enrolled: int
    rows_rejected: int
    errors: list[ImportRowError]


class SubmissionDeadlines(BaseModel):
    """When weekly logs and monthly summaries are due, Beijing time (DOMAIN.md: configurable per
    unit). The weekly log is due on ``log_weekday`` (1 = Monday) of the week after at ``log_hour``;
    the monthly summary on day ``summary_day`` of the month after at ``summary_hour``."""

    log_weekday: int = 1
    log_hour: int = 12
    summary_day: int = 5
    summary_hour: int = 18


@event
class DeadlinesConfigured(Event):
    """A unit administrator set the unit's submission deadlines (they apply to later submissions)."""

    stream_type = "roster"

    unit_id: str
    deadlines: SubmissionDeadlines


# --- indicator scheme --------------------------------------------------------------------------


class Indicator(BaseModel):
    code: str
    name: str
    kind: IndicatorKind
    dimension: Dimension
    max_points: float


@event
class SchemeDefined(Event):
    """The indicator scheme of a unit for a year (each definition replaces the previous one)."""

    stream_type = "scheme"

    unit_id: str
    year: int
    revision: int
    indicators: list[Indicator]
    scored_total: float
    """Sum of the maxima of the common and individual indicators."""


# --- weekly log and monthly summary -----------------------------------------------------------


@event
class LogSubmitted(Event):
    """A weekly log (周纪实) was submitted; ``revision`` > 1 means it replaced an earlier one."""

    stream_type = "weekly_log"

    person_id: str
    person_name: str
    unit_id: str
    section_id: str | None = None
    week: str
    items: list[WorkItem]
    submitted_at: dt.datetime
    deadline: dt.datetime
    late: bool
    revision: int = 1


@event
class LogCommented(Event):
    stream_type = "weekly_log"

    unit_id: str
    person_id: str
    week: str
    reviewer_id: str
    reviewer_name: str
    comment: str


@event
class LogReturned(Event):
    """A reviewer returned the log for revision; the person resubmits (a new revision)."""

    stream_type = "weekly_log"

    unit_id: str
    person_id: str
    week: str
    reviewer_id: str
    reviewer_name: str
    reason: str


@event
class LogsReminded(Event):
    """The people of a unit who had not submitted a week's log by the deadline were reminded."""

    stream_type = "log_reminder"

    unit_id: str
    week: str
    person_ids: list[str]
    reminded_at: dt.datetime


@event
class SummarySubmitted(Event):
    """A monthly summary (月小结); ``revision`` > 1 replaced an earlier one."""

    stream_type = "monthly_summary"

    person_id: str
    person_name: str
    unit_id: str
    section_id: str | None
    month: str
    text: str
    submitted_at: dt.datetime
    deadline: dt.datetime
    late: bool
    revision: int = 1


# --- quarter (one stream per unit and quarter) ------------------------------------------------


class Participant(BaseModel):
    person_id: str
    person_name: str
    section_id: str | None
    chain: ReviewingChain


@event
class QuarterOpened(Event):
    """A unit administrator opened the quarter for the roster as it stood; ``good_cap`` is the most
    people who may hold 好 (``floor(participants × good_ratio)``)."""

    stream_type = "unit_quarter"

    unit_id: str
    quarter: str
    year: int
    participants: list[Participant]
    good_ratio: float
    good_cap: int
    peer_reviews_required: int


@event
class SelfAssessed(Event):
    stream_type = "unit_quarter"

    unit_id: str
    quarter: str
    person_id: str
    person_name: str
    scores: dict[str, float]
    composite_score: float
    grade: Grade
    summary: str


@event
class PeerReviewed(Event):
    """One colleague's internal peer review (内部互评) of a person."""

    stream_type = "unit_quarter"

    unit_id: str
    quarter: str
    person_id: str
    reviewer_id: str
    reviewer_name: str
    grade: Grade
    comment: str


@event
class ReviewRecorded(Event):
    """A reviewing level decided: scores, composite score, grade and comment. ``good_used`` and
    ``good_cap`` are the unit's 好 count after this decision and its cap. A level that gives a
    grade without scores records ``scores`` empty and ``composite_score`` None: the composite of
    the level before stands."""

    stream_type = "unit_quarter"

    unit_id: str
    quarter: str
    person_id: str
    person_name: str
    level: ReviewLevel
    reviewer_id: str
    reviewer_name: str
    scores: dict[str, float]
    composite_score: float | None = None
    grade: Grade
    comment: str
    good_used: int
    good_cap: int


@event
class GradeAdjusted(Event):
    """A deputy or principal leader changed a person's grade (e.g. moved 好 to someone else)."""

    stream_type = "unit_quarter"

    unit_id: str
    quarter: str
    person_id: str
    person_name: str
    from_grade: Grade
    to_grade: Grade
    level: Literal["deputy_leader", "principal_leader"]
    reason: str
    good_used: int
    good_cap: int


class QuarterResult(BaseModel):
    person_id: str
    person_name: str
    section_id: str | None
    grade: Grade
    # None when no level gave scores (a grade alone): no composite is shown then.
    composite_score: float | None = None


@event
class ResultsPublished(Event):
    """Results are published (公示) until ``period_ends_at`` (``workdays`` working days)."""

    stream_type = "unit_quarter"

    unit_id: str
    quarter: str
    published_at: dt.datetime
    workdays: int
    period_ends_at: dt.datetime
    results: list[QuarterResult]
    good_count: int
    good_cap: int


@event
class AppealFiled(Event):
    stream_type = "unit_quarter"

    unit_id: str
    quarter: str
    appeal_id: str
    person_id: str
    person_name: str
    grade: Grade
    reason: str
    filed_at: dt.datetime


@event
class AppealResolved(Event):
    """``upheld``: the grade stands; ``changed``: ``new_grade`` replaces ``previous_grade``."""

    stream_type = "unit_quarter"

    unit_id: str
    quarter: str
    appeal_id: str
    person_id: str
    outcome: Literal["upheld", "changed"]
    previous_grade: Grade
    new_grade: Grade
    reason: str
    resolved_at: dt.datetime


@event
class QuarterFinalized(Event):
    stream_type = "unit_quarter"

    unit_id: str
    quarter: str
    finalized_at: dt.datetime
    results: list[QuarterResult]


# --- annual review -----------------------------------------------------------------------------


class AnnualCandidate(BaseModel):
    person_id: str
    person_name: str
    section_id: str | None
    quarter_grades: dict[str, Grade]
    excellent_eligible: bool


@event
class AnnualReviewOpened(Event):
    """The year's finalized quarterly grades per person; 优秀 only for ``excellent_eligible`` people
    (好 in at least half of the quarters, no 一般/较差), at most ``excellent_cap`` of them."""

    stream_type = "annual_review"

    unit_id: str
    year: int
    people: list[AnnualCandidate]
    excellent_ratio: float
    excellent_cap: int


@event
class AnnualGradeDecided(Event):
    stream_type = "annual_review"

    unit_id: str
    year: int
    person_id: str
    person_name: str
    grade: AnnualGrade
    comment: str
    excellent_used: int
    excellent_cap: int


# --- shortcoming reminders and follow-up ------------------------------------------------------


@event
class ReminderIssued(Event):
    """A leader's shortcoming reminder (不足提醒) to a person, quarterly (``quarter`` set) or any time."""

    stream_type = "reminder"

    reminder_id: str
    unit_id: str
    person_id: str
    person_name: str
    issued_by_id: str
    issued_by_name: str
    quarter: str | None
    shortcomings: str
    issued_at: dt.datetime


@event
class ReminderAcknowledged(Event):
    stream_type = "reminder"

    reminder_id: str
    unit_id: str
    person_id: str
    acknowledged_at: dt.datetime


@event
class RectificationReported(Event):
    stream_type = "reminder"

    reminder_id: str
    unit_id: str
    person_id: str
    report: str
    reported_at: dt.datetime


@event
class FollowUpOpened(Event):
    """Raised with QuarterFinalized: grades of 较好 or lower in consecutive quarters (``grades``, default
    2 quarters) — a follow-up visit (季度回访) is due and a mentor (导师帮带) is to be assigned."""

    stream_type = "unit_quarter"

    unit_id: str
    person_id: str
    person_name: str
    quarter: str
    grades: dict[str, Grade]
    opened_at: dt.datetime


@event
class MentorAssigned(Event):
    stream_type = "unit_quarter"

    unit_id: str
    person_id: str
    quarter: str
    mentor_id: str
    mentor_name: str
    assigned_at: dt.datetime


@event
class FollowUpVisited(Event):
    stream_type = "unit_quarter"

    unit_id: str
    person_id: str
    quarter: str
    visited_by_id: str
    notes: str
    visited_on: dt.date


# --- result use (五挂钩) -------------------------------------------------------------------------


@event
class ResultApplied(Event):
    """One use of a person's appraisal results; ``positive`` is False for 惩戒 and 提醒约谈.
    ``backfill_reason``: why a use is recorded for a year whose annual review the platform does
    not hold (评优 from before the platform)."""

    stream_type = "result_use"

    unit_id: str
    person_id: str
    person_name: str
    kind: ResultUseKind
    positive: bool
    year: int
    basis: str
    decided_on: dt.date
    backfill_reason: str | None = None
