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
from typing import Annotated, Literal, get_args

from pydantic import BaseModel, Field

from grassroots_common.events import Event, event
from grassroots_common.fields import Count, Key, Name, Points, Ratio, Revision, Text, Workdays, Year
from grassroots_common.personal import Of

Grade = Literal["好", "较好", "一般", "较差"]
AnnualGrade = Literal["优秀", "称职", "基本称职", "不称职"]
ReviewLevel = Literal["section_chief", "deputy_leader", "principal_leader"]
REVIEW_LEVELS: tuple[ReviewLevel, ...] = get_args(ReviewLevel)
"""The levels of a reviewing chain, first to last: 初审, 复审, 终审."""
REVIEW_LEVEL_NAMES: dict[str, str] = {
    "section_chief": "股组长",
    "deputy_leader": "分管领导",
    "principal_leader": "主要领导",
}
Dimension = Literal["德", "能", "勤", "绩", "廉"]
IndicatorKind = Literal["common", "individual", "highlight", "negative"]
"""共性 common and 个性 individual indicators are scored; 特色亮点 highlights add bonus points;
负面清单 negative-list items deduct points."""

ResultUseKind = Literal[
    "excellence",
    "appointment",
    "promotion",
    "party_recommendation",
    "commendation",
    "training",
    "discipline",
    "reminder_talk",
]
RESULT_USE_NAMES: dict[str, str] = {
    "excellence": "评优",
    "appointment": "选拔任用",
    "promotion": "职级晋升",
    "party_recommendation": "推优入党",
    "commendation": "评先树模",
    "training": "教育培训",
    "discipline": "惩戒",
    "reminder_talk": "提醒约谈",
}
"""The uses of appraisal results (五挂钩) as their users read them."""
NEGATIVE_RESULT_USES: frozenset[str] = frozenset({"discipline", "reminder_talk"})


class WorkItem(BaseModel):
    text: Text
    indicators: list[Key] = []


# --- roster ------------------------------------------------------------------------------------


@event
class UnitRegistered(Event):
    """A unit (单位) joined the platform; its roster stream starts here."""

    stream_type = "roster"

    unit_id: Key
    unit_name: Name


@event
class SectionDefined(Event):
    """A section (股室) of a unit was created or renamed."""

    stream_type = "roster"

    unit_id: Key
    section_id: Key
    section_name: Name


class ReviewingChain(BaseModel):
    """Who reviews a person each quarter; a level may be empty (a section chief has no chief)."""

    section_chief_id: Key | None = None
    deputy_leader_id: Key | None = None
    principal_leader_id: Key | None = None


@event
class PersonEnrolled(Event):
    """A person joined the unit's roster. ``id_number_digest`` is a SHA-256 of the ID card number
    (only the digest is kept, for duplicate detection); ``position`` is the post title."""

    stream_type = "roster"

    unit_id: Key
    person_id: Key
    person_name: Annotated[Name, Of("person_id")]
    section_id: Key | None
    position: Name
    birth_date: Annotated[dt.date | None, Of("person_id", erased=None)]
    id_number_digest: Annotated[Key | None, Of("person_id", erased=None)]
    chain: ReviewingChain
    enrolled_on: dt.date


@event
class ReviewingChainChanged(Event):
    stream_type = "roster"

    unit_id: Key
    person_id: Key
    person_name: Annotated[Name, Of("person_id")]
    section_id: Key | None
    chain: ReviewingChain


@event
class PersonDetailsChanged(Event):
    """The unit administrator corrected a person's details. ``id_number_digest`` is the digest of
    a newly entered ID card number, or ``None`` when the number was not changed."""

    stream_type = "roster"

    unit_id: Key
    person_id: Key
    person_name: Annotated[Name, Of("person_id")]
    position: Name
    birth_date: Annotated[dt.date | None, Of("person_id", erased=None)]
    id_number_digest: Annotated[Key | None, Of("person_id", erased=None)] = None


@event
class PersonLeft(Event):
    """A person left the unit (transfer, retirement, resignation): not in the next quarter."""

    stream_type = "roster"

    unit_id: Key
    person_id: Key
    person_name: Annotated[Name, Of("person_id")]
    reason: Literal["transfer", "retirement", "resignation", "other"]
    left_on: dt.date


class ImportRowError(BaseModel):
    row: Count
    field: Key
    code: Key
    message: Text


@event
class RosterImported(Event):
    """An Excel roster was imported; the PersonEnrolled events of the accepted rows follow it."""

    stream_type = "roster"

    unit_id: Key
    file_name: Name
    rows_total: Count
    rows_enrolled: Count
    rows_rejected: Count
    errors: list[ImportRowError]


class SubmissionDeadlines(BaseModel):
    """When weekly logs and monthly summaries are due, Beijing time (DOMAIN.md: configurable per
    unit). The weekly log is due on ``log_weekday`` (1 = Monday) of the week after at ``log_hour``;
    the monthly summary on day ``summary_day`` of the month after at ``summary_hour``."""

    log_weekday: int = Field(default=1, ge=1, le=7)
    log_hour: int = Field(default=12, ge=0, le=23)
    summary_day: int = Field(default=5, ge=1, le=28)
    summary_hour: int = Field(default=18, ge=0, le=23)


@event
class DeadlinesConfigured(Event):
    """A unit administrator set the unit's submission deadlines (they apply to later submissions)."""

    stream_type = "roster"

    unit_id: Key
    deadlines: SubmissionDeadlines


# --- indicator scheme --------------------------------------------------------------------------


class Indicator(BaseModel):
    code: Key
    name: Name
    kind: IndicatorKind
    dimension: Dimension
    max_points: Points


@event
class SchemeDefined(Event):
    """The indicator scheme of a unit for a year (each definition replaces the previous one)."""

    stream_type = "scheme"

    unit_id: Key
    year: Year
    revision: Revision
    indicators: list[Indicator]
    scored_total: Points
    """Sum of the maxima of the common and individual indicators."""


# --- weekly log and monthly summary -----------------------------------------------------------


@event
class LogSubmitted(Event):
    """A weekly log (周纪实) was submitted; ``revision`` > 1 means it replaced an earlier one."""

    stream_type = "weekly_log"

    person_id: Key
    person_name: Annotated[Name, Of("person_id")]
    unit_id: Key
    section_id: Key | None = None
    week: Key
    items: list[WorkItem]
    submitted_at: dt.datetime
    deadline: dt.datetime
    late: bool
    revision: Revision = 1


@event
class LogCommented(Event):
    stream_type = "weekly_log"

    unit_id: Key
    person_id: Key
    week: Key
    reviewer_id: Key
    reviewer_name: Annotated[Name, Of("reviewer_id")]
    comment: Text


@event
class LogReturned(Event):
    """A reviewer returned the log for revision; the person resubmits (a new revision)."""

    stream_type = "weekly_log"

    unit_id: Key
    person_id: Key
    week: Key
    reviewer_id: Key
    reviewer_name: Annotated[Name, Of("reviewer_id")]
    reason: Text


@event
class LogsReminded(Event):
    """The people of a unit who had not submitted a week's log by the deadline were reminded."""

    stream_type = "log_reminder"

    unit_id: Key
    week: Key
    person_ids: list[Key]
    reminded_at: dt.datetime


@event
class SummarySubmitted(Event):
    """A monthly summary (月小结); ``revision`` > 1 replaced an earlier one."""

    stream_type = "monthly_summary"

    person_id: Key
    person_name: Annotated[Name, Of("person_id")]
    unit_id: Key
    section_id: Key | None
    month: Key
    text: Text
    submitted_at: dt.datetime
    deadline: dt.datetime
    late: bool
    revision: Revision = 1


# --- quarter (one stream per unit and quarter) ------------------------------------------------


class Participant(BaseModel):
    person_id: Key
    person_name: Annotated[Name, Of("person_id")]
    section_id: Key | None
    chain: ReviewingChain


@event
class QuarterOpened(Event):
    """A unit administrator opened the quarter for the roster as it stood; ``good_cap`` is the most
    people who may hold 好 (``floor(participants × good_ratio)``)."""

    stream_type = "unit_quarter"

    unit_id: Key
    quarter: Key
    year: Year
    participants: list[Participant]
    good_ratio: Ratio
    good_cap: Count
    peer_reviews_required: Count


@event
class SelfAssessed(Event):
    stream_type = "unit_quarter"

    unit_id: Key
    quarter: Key
    person_id: Key
    person_name: Annotated[Name, Of("person_id")]
    scores: dict[Key, Points]
    composite_score: Points
    grade: Grade
    summary: Text


@event
class PeerReviewed(Event):
    """One colleague's internal peer review (内部互评) of a person."""

    stream_type = "unit_quarter"

    unit_id: Key
    quarter: Key
    person_id: Key
    reviewer_id: Key
    reviewer_name: Annotated[Name, Of("reviewer_id")]
    grade: Grade
    comment: Text


@event
class ReviewRecorded(Event):
    """A reviewing level decided: scores, composite score, grade and comment. ``good_used`` and
    ``good_cap`` are the unit's 好 count after this decision and its cap. A level that gives a
    grade without scores records ``scores`` empty and ``composite_score`` None: the composite of
    the level before stands."""

    stream_type = "unit_quarter"

    unit_id: Key
    quarter: Key
    person_id: Key
    person_name: Annotated[Name, Of("person_id")]
    level: ReviewLevel
    reviewer_id: Key
    reviewer_name: Annotated[Name, Of("reviewer_id")]
    scores: dict[Key, Points]
    # None when no level gave scores (a grade alone): no composite is shown then.
    composite_score: Points | None = None
    grade: Grade
    comment: Text
    good_used: Count
    good_cap: Count


@event
class QuarterReviewersChanged(Event):
    """The unit administrator changed who reviews a person in an open quarter (a reviewer left the
    unit or moved): the levels still to decide go to ``chain``; a level already decided keeps its
    reviewer, so ``chain`` names the same person there."""

    stream_type = "unit_quarter"

    unit_id: Key
    quarter: Key
    person_id: Key
    person_name: Annotated[Name, Of("person_id")]
    chain: ReviewingChain


@event
class GradeAdjusted(Event):
    """A deputy or principal leader changed a person's grade (e.g. moved 好 to someone else)."""

    stream_type = "unit_quarter"

    unit_id: Key
    quarter: Key
    person_id: Key
    person_name: Annotated[Name, Of("person_id")]
    from_grade: Grade
    to_grade: Grade
    level: Literal["deputy_leader", "principal_leader"]
    reason: Text
    good_used: Count
    good_cap: Count


class QuarterResult(BaseModel):
    person_id: Key
    person_name: Annotated[Name, Of("person_id")]
    section_id: Key | None
    grade: Grade
    # None when no level gave scores (a grade alone): no composite is shown then.
    composite_score: Points | None = None


@event
class ResultsPublished(Event):
    """Results are published (公示) until ``period_ends_at`` (``workdays`` working days)."""

    stream_type = "unit_quarter"

    unit_id: Key
    quarter: Key
    published_at: dt.datetime
    workdays: Workdays
    period_ends_at: dt.datetime
    results: list[QuarterResult]
    good_count: Count
    good_cap: Count


@event
class AppealFiled(Event):
    stream_type = "unit_quarter"

    unit_id: Key
    quarter: Key
    appeal_id: Key
    person_id: Key
    person_name: Annotated[Name, Of("person_id")]
    grade: Grade
    reason: Text
    filed_at: dt.datetime


@event
class AppealResolved(Event):
    """``upheld``: the grade stands; ``changed``: ``new_grade`` replaces ``previous_grade``."""

    stream_type = "unit_quarter"

    unit_id: Key
    quarter: Key
    appeal_id: Key
    person_id: Key
    outcome: Literal["upheld", "changed"]
    previous_grade: Grade
    new_grade: Grade
    reason: Text
    resolved_at: dt.datetime


@event
class QuarterFinalized(Event):
    stream_type = "unit_quarter"

    unit_id: Key
    quarter: Key
    finalized_at: dt.datetime
    results: list[QuarterResult]


# --- annual review -----------------------------------------------------------------------------


class AnnualCandidate(BaseModel):
    person_id: Key
    person_name: Annotated[Name, Of("person_id")]
    section_id: Key | None
    quarter_grades: dict[Key, Grade]
    excellent_eligible: bool


@event
class AnnualReviewOpened(Event):
    """The year's finalized quarterly grades per person; 优秀 only for ``excellent_eligible`` people
    (好 in at least half of the quarters, no 一般/较差), at most ``excellent_cap`` of them."""

    stream_type = "annual_review"

    unit_id: Key
    year: Year
    people: list[AnnualCandidate]
    excellent_ratio: Ratio
    excellent_cap: Count


@event
class AnnualGradeDecided(Event):
    stream_type = "annual_review"

    unit_id: Key
    year: Year
    person_id: Key
    person_name: Annotated[Name, Of("person_id")]
    grade: AnnualGrade
    comment: Text
    excellent_used: Count
    excellent_cap: Count


# --- shortcoming reminders and follow-up ------------------------------------------------------


@event
class ReminderIssued(Event):
    """A leader's shortcoming reminder (不足提醒) to a person, quarterly (``quarter`` set) or any time."""

    stream_type = "reminder"

    reminder_id: Key
    unit_id: Key
    person_id: Key
    person_name: Annotated[Name, Of("person_id")]
    issued_by_id: Key
    issued_by_name: Annotated[Name, Of("issued_by_id")]
    quarter: Key | None
    shortcomings: Text
    issued_at: dt.datetime


@event
class ReminderAcknowledged(Event):
    stream_type = "reminder"

    reminder_id: Key
    unit_id: Key
    person_id: Key
    acknowledged_at: dt.datetime


@event
class RectificationReported(Event):
    stream_type = "reminder"

    reminder_id: Key
    unit_id: Key
    person_id: Key
    report: Text
    reported_at: dt.datetime


@event
class FollowUpOpened(Event):
    """Raised with QuarterFinalized: grades of 较好 or lower in consecutive quarters (``grades``, default
    2 quarters) — a follow-up visit (季度回访) is due and a mentor (导师帮带) is to be assigned."""

    stream_type = "unit_quarter"

    unit_id: Key
    person_id: Key
    person_name: Annotated[Name, Of("person_id")]
    quarter: Key
    grades: dict[Key, Grade]
    opened_at: dt.datetime


@event
class MentorAssigned(Event):
    stream_type = "unit_quarter"

    unit_id: Key
    person_id: Key
    quarter: Key
    mentor_id: Key
    mentor_name: Annotated[Name, Of("mentor_id")]
    assigned_at: dt.datetime


@event
class FollowUpVisited(Event):
    stream_type = "unit_quarter"

    unit_id: Key
    person_id: Key
    quarter: Key
    visited_by_id: Key
    notes: Text
    visited_on: dt.date


# --- result use (五挂钩) -------------------------------------------------------------------------


@event
class ResultApplied(Event):
    """One use of a person's appraisal results; ``positive`` is False for 惩戒 and 提醒约谈.
    ``backfill_reason``: why a use is recorded for a year whose annual review the platform does
    not hold (评优 from before the platform)."""

    stream_type = "result_use"

    unit_id: Key
    person_id: Key
    person_name: Annotated[Name, Of("person_id")]
    kind: ResultUseKind
    positive: bool
    year: Year
    basis: Text
    decided_on: dt.date
    backfill_reason: Text | None = None
