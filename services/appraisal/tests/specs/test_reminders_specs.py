"""Shortcoming reminders: a leader of the chain issues one, the person acknowledges it, then
reports the rectification."""

from __future__ import annotations

import datetime as dt

from appraisal import handlers
from appraisal.domain.roster import roster_stream_id
from grassroots_common.contracts.appraisal import RectificationReported, ReminderAcknowledged, ReminderIssued
from grassroots_common.errors import NotFound
from grassroots_common.events import Event
from grassroots_common.specification import Specification

from .given import CHIEF, COLLEAGUE, DEPUTY, MONDAY, STAFF, STRANGER_CHIEF, UNITLESS, roster

LATER = MONDAY + dt.timedelta(days=2)


def issued() -> ReminderIssued:
    return ReminderIssued(
        reminder_id="rmd-1",
        unit_id="u1",
        person_id="p1",
        person_name="王芳",
        issued_by_id="deputy",
        issued_by_name="张副局长",
        quarter="2026-Q3",
        shortcomings="台账更新不及时",
        issued_at=MONDAY,
    )


def acknowledged() -> ReminderAcknowledged:
    return ReminderAcknowledged(reminder_id="rmd-1", unit_id="u1", person_id="p1", acknowledged_at=MONDAY)


async def reminder(*events: Event) -> Specification:
    spec = Specification(at=LATER)
    return await spec.given("rmd-1", *events)


async def test_a_leader_of_the_chain_issues_a_reminder() -> None:
    spec = Specification(at=MONDAY)
    await spec.given(roster_stream_id("u1"), *roster())
    command = handlers.IssueReminder(person_id="p1", quarter="2026-Q3", shortcomings="台账更新不及时")
    outcome = await spec.when(handlers.issue_reminder, command, as_=DEPUTY)
    (event,) = outcome.events
    assert isinstance(event, ReminderIssued)
    reminder_id = outcome.answer.data["reminder_id"]
    assert (event.reminder_id, outcome.answer.stream_id) == (reminder_id, reminder_id)
    assert (event.unit_id, event.person_id, event.person_name, event.issued_by_id) == ("u1", "p1", "王芳", "deputy")
    assert (event.shortcomings, event.issued_at) == ("台账更新不及时", MONDAY)


async def test_a_leader_outside_the_chain_issues_no_reminder() -> None:
    spec = Specification(at=MONDAY)
    await spec.given(roster_stream_id("u1"), *roster())
    command = handlers.IssueReminder(person_id="p1", quarter=None, shortcomings="台账更新不及时")
    outcome = await spec.when(handlers.issue_reminder, command, as_=STRANGER_CHIEF)
    outcome.refused("not_in_your_chain")


async def test_a_reminder_to_someone_not_on_the_roster_is_refused() -> None:
    spec = Specification(at=MONDAY)
    await spec.given(roster_stream_id("u1"), *roster())
    command = handlers.IssueReminder(person_id="p7", quarter=None, shortcomings="台账更新不及时")
    outcome = await spec.when(handlers.issue_reminder, command, as_=CHIEF)
    outcome.refused("person_not_found")


async def test_a_reminder_needs_the_issuers_unit() -> None:
    spec = Specification(at=MONDAY)
    command = handlers.IssueReminder(person_id="p1", quarter=None, shortcomings="台账更新不及时")
    outcome = await spec.when(handlers.issue_reminder, command, as_=UNITLESS)
    outcome.refused("unit_scope_missing")


async def test_the_person_acknowledges_their_reminder() -> None:
    spec = await reminder(issued())
    outcome = await spec.when(
        handlers.acknowledge_reminder, handlers.AcknowledgeReminder(reminder_id="rmd-1"), as_=STAFF
    )
    assert outcome.events == [
        ReminderAcknowledged(reminder_id="rmd-1", unit_id="u1", person_id="p1", acknowledged_at=LATER)
    ]


async def test_only_the_person_acknowledges_the_reminder() -> None:
    spec = await reminder(issued())
    outcome = await spec.when(
        handlers.acknowledge_reminder, handlers.AcknowledgeReminder(reminder_id="rmd-1"), as_=COLLEAGUE
    )
    outcome.refused("not_your_reminder")


async def test_a_reminder_never_issued_is_not_acknowledged() -> None:
    spec = Specification(at=LATER)
    outcome = await spec.when(
        handlers.acknowledge_reminder, handlers.AcknowledgeReminder(reminder_id="rmd-9"), as_=STAFF
    )
    assert isinstance(outcome.refused("reminder_not_found"), NotFound)


async def test_a_reminder_is_acknowledged_once() -> None:
    spec = await reminder(issued(), acknowledged())
    outcome = await spec.when(
        handlers.acknowledge_reminder, handlers.AcknowledgeReminder(reminder_id="rmd-1"), as_=STAFF
    )
    outcome.refused("already_acknowledged")


async def test_the_person_reports_the_rectification() -> None:
    spec = await reminder(issued(), acknowledged())
    command = handlers.ReportRectification(reminder_id="rmd-1", report="台账已全部补齐")
    outcome = await spec.when(handlers.report_rectification, command, as_=STAFF)
    assert outcome.events == [
        RectificationReported(
            reminder_id="rmd-1", unit_id="u1", person_id="p1", report="台账已全部补齐", reported_at=LATER
        )
    ]


async def test_the_rectification_follows_the_acknowledgement() -> None:
    spec = await reminder(issued())
    command = handlers.ReportRectification(reminder_id="rmd-1", report="台账已全部补齐")
    outcome = await spec.when(handlers.report_rectification, command, as_=STAFF)
    outcome.refused("not_acknowledged")


async def test_the_rectification_is_reported_once() -> None:
    spec = await reminder(issued(), acknowledged())
    command = handlers.ReportRectification(reminder_id="rmd-1", report="台账已全部补齐")
    await spec.when(handlers.report_rectification, command, as_=STAFF)
    outcome = await spec.when(handlers.report_rectification, command, as_=STAFF)
    outcome.refused("already_rectified")


async def test_only_the_person_reports_on_their_reminder() -> None:
    spec = await reminder(issued(), acknowledged())
    command = handlers.ReportRectification(reminder_id="rmd-1", report="台账已全部补齐")
    outcome = await spec.when(handlers.report_rectification, command, as_=COLLEAGUE)
    outcome.refused("not_your_reminder")
