"""How a person's grade came to be (评定经过): the appraisal's labels for ``stream_history``.

The quarter stream holds the whole unit; ``grade_history`` keeps one person's line in it: their
self-assessment, each reviewing level's grade, adjustments with their reason, publication,
appeals and finalization. Peer reviews (内部互评) are inputs to the leaders, not grade changes, and
stay out (their reviewers are not named to the person reviewed).
"""

from __future__ import annotations

from grassroots_common.contracts import appraisal as appraisal_events
from grassroots_common.contracts.appraisal import REVIEW_LEVEL_NAMES
from grassroots_common.events import RecordedEvent
from grassroots_common.history import Describe, Described

_APPEAL_FILED = appraisal_events.AppealFiled.type_name()
_APPEAL_RESOLVED = appraisal_events.AppealResolved.type_name()
_FOLLOW_UP_OPENED = appraisal_events.FollowUpOpened.type_name()
_FOLLOW_UP_VISITED = appraisal_events.FollowUpVisited.type_name()
_GRADE_ADJUSTED = appraisal_events.GradeAdjusted.type_name()
_MENTOR_ASSIGNED = appraisal_events.MentorAssigned.type_name()
_QUARTER_FINALIZED = appraisal_events.QuarterFinalized.type_name()
_RESULTS_PUBLISHED = appraisal_events.ResultsPublished.type_name()
_REVIEW_RECORDED = appraisal_events.ReviewRecorded.type_name()
_REVIEWERS_CHANGED = appraisal_events.QuarterReviewersChanged.type_name()
_SELF_ASSESSED = appraisal_events.SelfAssessed.type_name()


def _score(d: dict) -> str:
    score = d.get("composite_score")
    return f"，综合得分 {score:g}" if isinstance(score, int | float) else ""


def _published(d: dict, person_id: str) -> str | None:
    for r in d.get("results", []):
        if r.get("person_id") == person_id:
            return str(r.get("grade", ""))
    return None


def grade_history(person_id: str) -> Describe:
    """The events of ``person_id``'s grade in a unit's quarter, as the app reads them."""

    def describe(e: RecordedEvent) -> Described | None:
        d = e.data
        if e.type == _RESULTS_PUBLISHED:
            grade = _published(d, person_id)
            return (
                None if grade is None else Described("公示结果", f"公示等次 {grade}，公示 {d.get('workdays')} 个工作日")
            )
        if e.type == _QUARTER_FINALIZED:
            grade = _published(d, person_id)
            return None if grade is None else Described("结果确定", f"最终等次 {grade}")
        if d.get("person_id") != person_id:
            return None
        kind = e.type
        if kind == _SELF_ASSESSED:
            return Described("个人自评", f"自评等次 {d.get('grade')}{_score(d)}", d.get("summary", ""))
        if kind == _REVIEW_RECORDED:
            level = REVIEW_LEVEL_NAMES.get(d.get("level", ""), "审核")
            return Described(f"{level}审核", f"评定等次 {d.get('grade')}{_score(d)}", d.get("comment", ""))
        if kind == _REVIEWERS_CHANGED:
            return Described("调整审核人", "单位管理员调整了本季度尚未审核的层级的审核人")
        if kind == _GRADE_ADJUSTED:
            level = REVIEW_LEVEL_NAMES.get(d.get("level", ""), "领导")
            return Described(f"{level}调整等次", f"{d.get('from_grade')} → {d.get('to_grade')}", d.get("reason", ""))
        if kind == _APPEAL_FILED:
            return Described("提出申诉", f"对等次 {d.get('grade')} 申诉", d.get("reason", ""))
        if kind == _APPEAL_RESOLVED:
            if d.get("outcome") == "changed":
                detail = f"改定等次：{d.get('previous_grade')} → {d.get('new_grade')}"
            else:
                detail = f"维持原等次 {d.get('previous_grade')}"
            return Described("申诉处理", detail, d.get("reason", ""))
        if kind == _FOLLOW_UP_OPENED:
            return Described(
                "列入回访帮带", "连续等次：" + "、".join(f"{q} {g}" for q, g in d.get("grades", {}).items())
            )
        if kind == _MENTOR_ASSIGNED:
            return Described("指定帮带导师", f"导师 {d.get('mentor_name', '')}")
        if kind == _FOLLOW_UP_VISITED:
            return Described("回访", f"{d.get('visited_on', '')} 回访", d.get("notes", ""))
        return None

    return describe
