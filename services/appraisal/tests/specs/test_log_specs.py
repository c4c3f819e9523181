"""Weekly logs, handler by handler: given events, when a command (as a principal, at a time),
then events or a refusal. No database: ``grassroots_common.specification``.

``remind_missing_logs`` finds the week's missing logs in the store (the roster's active people
whose log stream of the week holds nothing), so its reminders are specified here too."""

from __future__ import annotations

import datetime as dt

import pytest

from appraisal import handlers
from appraisal.domain.roster import roster_stream_id
from grassroots_common.auth import Principal
from grassroots_common.contracts.appraisal import (
    DeadlinesConfigured,
    LogCommented,
    LogReturned,
    LogsReminded,
    LogSubmitted,
    SubmissionDeadlines,
    WorkItem,
)
from grassroots_common.specification import Specification
from grassroots_common.workdays import CHINA

from .given import ADMIN, CHIEF, DEPUTY, OTHER_ADMIN, STRANGER_CHIEF, UNITLESS, roster

STAFF = Principal("p1", "王芳", frozenset({"staff"}), {"unit": "u1", "section": "s1"})
MONDAY_NOON = dt.datetime(2026, 11, 23, 12, tzinfo=CHINA)  # 2026-W48 starts
ITEMS = [WorkItem(text="整理台账")]
SUBMIT = handlers.SubmitLog(week="2026-W48", items=ITEMS)
REMIND = handlers.RemindMissingLogs(unit_id="u1", week="2026-W48")


async def test_a_log_submitted_before_the_deadline_is_on_time() -> None:
    spec = Specification(at=MONDAY_NOON + dt.timedelta(days=4))
    outcome = await spec.when(handlers.submit_log, SUBMIT, as_=STAFF)
    (submitted,) = outcome.events
    assert isinstance(submitted, LogSubmitted)
    assert (submitted.person_id, submitted.unit_id, submitted.section_id, submitted.week) == (
        "p1",
        "u1",
        "s1",
        "2026-W48",
    )
    assert submitted.deadline == dt.datetime(2026, 11, 30, 12, tzinfo=CHINA) and submitted.late is False
    assert outcome.answer.data == {"week": "2026-W48", "revision": 1, "late": False}


async def test_the_units_own_deadline_decides_lateness() -> None:
    spec = Specification(at=dt.datetime(2026, 11, 30, 10, tzinfo=CHINA))  # Monday after, 10:00
    deadlines = SubmissionDeadlines(log_weekday=1, log_hour=9)
    await spec.given("roster-u1", DeadlinesConfigured(unit_id="u1", deadlines=deadlines))
    outcome = await spec.when(handlers.submit_log, SUBMIT, as_=STAFF)
    assert outcome.events[0].late is True and outcome.answer.data["late"] is True


async def test_a_week_not_yet_begun_is_refused() -> None:
    spec = Specification(at=MONDAY_NOON - dt.timedelta(days=1))
    outcome = await spec.when(handlers.submit_log, SUBMIT, as_=STAFF)
    outcome.refused("week_not_started")


async def test_a_retry_with_the_same_key_appends_nothing_more() -> None:
    spec = Specification(at=MONDAY_NOON)
    first = await spec.when(handlers.submit_log, SUBMIT, as_=STAFF, key="k1")
    retry = await spec.when(handlers.submit_log, SUBMIT, as_=STAFF, key="k1")
    assert retry.answer == first.answer and retry.events == []
    assert len(await spec.events_of("log-p1-2026-W48")) == 1


async def test_a_late_log_revised_stays_late_and_counts_its_revision() -> None:
    spec = Specification(at=dt.datetime(2026, 12, 1, 9, tzinfo=CHINA))  # past Monday noon
    await spec.when(handlers.submit_log, SUBMIT, as_=STAFF)
    revised = [WorkItem(text="整理台账"), WorkItem(text="接待群众来访")]
    outcome = await spec.when(handlers.submit_log, handlers.SubmitLog(week="2026-W48", items=revised), as_=STAFF)
    (submitted,) = outcome.events
    assert submitted.revision == 2 and [i.text for i in submitted.items] == ["整理台账", "接待群众来访"]
    assert outcome.answer.data == {"week": "2026-W48", "revision": 2, "late": True}


@pytest.mark.parametrize(
    ("items", "principal", "code"),
    [
        pytest.param([], STAFF, "log_empty", id="a log without items is refused"),
        pytest.param(ITEMS, ADMIN, "role_required", id="an administrator who is not appraised keeps no log"),
        pytest.param(ITEMS, UNITLESS, "unit_scope_missing", id="a log needs the author's unit"),
    ],
)
async def test_a_log_is_refused(items: list[WorkItem], principal: Principal, code: str) -> None:
    spec = Specification(at=MONDAY_NOON)
    outcome = await spec.when(handlers.submit_log, handlers.SubmitLog(week="2026-W48", items=items), as_=principal)
    outcome.refused(code)


async def _submitted(spec: Specification) -> None:
    await spec.given(roster_stream_id("u1"), *roster())
    await spec.when(handlers.submit_log, SUBMIT, as_=STAFF)


async def test_the_section_chief_comments_on_a_log_of_their_chain() -> None:
    spec = Specification(at=MONDAY_NOON)
    await _submitted(spec)
    outcome = await spec.when(
        handlers.comment_log, handlers.CommentLog(person_id="p1", week="2026-W48", comment="很好"), as_=CHIEF
    )
    assert outcome.events == [
        LogCommented(
            unit_id="u1", person_id="p1", week="2026-W48", reviewer_id="chief", reviewer_name="赵股长", comment="很好"
        )
    ]


async def test_a_comment_on_a_log_not_submitted_is_refused() -> None:
    spec = Specification(at=MONDAY_NOON)
    await spec.given(roster_stream_id("u1"), *roster())
    outcome = await spec.when(
        handlers.comment_log, handlers.CommentLog(person_id="p1", week="2026-W48", comment="很好"), as_=DEPUTY
    )
    outcome.refused("log_not_found")


@pytest.mark.parametrize(
    ("person_id", "principal", "code"),
    [
        pytest.param("p1", STRANGER_CHIEF, "not_in_your_chain", id="a leader outside the chain may not comment"),
        pytest.param("p7", CHIEF, "person_not_found", id="a comment on someone not on the roster is refused"),
    ],
)
async def test_a_comment_is_refused(person_id: str, principal: Principal, code: str) -> None:
    spec = Specification(at=MONDAY_NOON)
    await _submitted(spec)
    command = handlers.CommentLog(person_id=person_id, week="2026-W48", comment="很好")
    outcome = await spec.when(handlers.comment_log, command, as_=principal)
    outcome.refused(code)


async def test_the_deputy_returns_a_log_for_revision() -> None:
    spec = Specification(at=MONDAY_NOON)
    await _submitted(spec)
    outcome = await spec.when(
        handlers.return_log, handlers.ReturnLog(person_id="p1", week="2026-W48", reason="内容过简"), as_=DEPUTY
    )
    (returned,) = outcome.events
    assert isinstance(returned, LogReturned)
    assert (returned.person_id, returned.reviewer_id, returned.reason) == ("p1", "deputy", "内容过简")


async def test_a_log_returned_waits_for_its_revision() -> None:
    spec = Specification(at=MONDAY_NOON)
    await _submitted(spec)
    await spec.when(
        handlers.return_log, handlers.ReturnLog(person_id="p1", week="2026-W48", reason="内容过简"), as_=CHIEF
    )
    outcome = await spec.when(
        handlers.return_log, handlers.ReturnLog(person_id="p1", week="2026-W48", reason="再改"), as_=DEPUTY
    )
    outcome.refused("log_already_returned")


async def test_the_author_may_not_return_their_own_log() -> None:
    spec = Specification(at=MONDAY_NOON)
    await _submitted(spec)
    outcome = await spec.when(
        handlers.return_log, handlers.ReturnLog(person_id="p1", week="2026-W48", reason="我要改"), as_=STAFF
    )
    outcome.refused("not_in_your_chain")


async def test_after_the_deadline_everyone_of_the_unit_without_a_log_is_reminded() -> None:
    spec = Specification(at=MONDAY_NOON)
    await _submitted(spec)
    later = MONDAY_NOON + dt.timedelta(days=8)
    outcome = await spec.when(handlers.remind_missing_logs, REMIND, as_=ADMIN, at=later)
    missing = ["boss", "chief", "chief2", "deputy", "p2"]  # p1 submitted
    assert outcome.events == [LogsReminded(unit_id="u1", week="2026-W48", person_ids=missing, reminded_at=later)]
    assert outcome.answer.data == {"reminded": 5, "round": 1}


async def test_nobody_is_reminded_before_the_deadline() -> None:
    spec = Specification(at=MONDAY_NOON)
    await spec.given(roster_stream_id("u1"), *roster())
    outcome = await spec.when(handlers.remind_missing_logs, REMIND, as_=ADMIN)
    outcome.refused("deadline_not_passed")


@pytest.mark.parametrize(
    ("principal", "code"),
    [
        pytest.param(CHIEF, "role_required", id="only a unit administrator reminds the missing"),
        pytest.param(OTHER_ADMIN, "other_unit", id="an administrator reminds only their own unit"),
    ],
)
async def test_who_may_not_remind_the_missing(principal: Principal, code: str) -> None:
    spec = Specification(at=MONDAY_NOON + dt.timedelta(days=8))
    outcome = await spec.when(handlers.remind_missing_logs, REMIND, as_=principal)
    outcome.refused(code)
