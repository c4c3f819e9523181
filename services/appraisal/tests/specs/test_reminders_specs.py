"""Shortcoming reminders: a leader of the chain issues one, the person acknowledges it, then
reports the rectification."""

from __future__ import annotations

import datetime as dt

import pytest

from appraisal import handlers
from appraisal.domain.roster import roster_stream_id
from grassroots_common.auth import Principal
from grassroots_common.contracts.appraisal import RectificationReported, ReminderAcknowledged, ReminderIssued
from grassroots_common.errors import NotFound
from grassroots_common.events import Event
from grassroots_common.specification import Specification

from .given import CHIEF, COLLEAGUE, DEPUTY, MONDAY, STAFF, STRANGER_CHIEF, UNITLESS, roster

LATER = MONDAY + dt.timedelta(days=2)
ACKNOWLEDGE = handlers.AcknowledgeReminder(reminder_id="rmd-1")
RECTIFY = handlers.ReportRectification(reminder_id="rmd-1", report="台账已全部补齐")


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


@pytest.mark.parametrize(
    ("person_id", "principal", "code"),
    [
        pytest.param("p1", STRANGER_CHIEF, "not_in_your_chain", id="a leader outside the chain issues no reminder"),
        pytest.param("p7", CHIEF, "person_not_found", id="a reminder to someone not on the roster is refused"),
    ],
)
async def test_a_reminder_is_refused(person_id: str, principal: Principal, code: str) -> None:
    spec = Specification(at=MONDAY)
    await spec.given(roster_stream_id("u1"), *roster())
    command = handlers.IssueReminder(person_id=person_id, quarter=None, shortcomings="台账更新不及时")
    outcome = await spec.when(handlers.issue_reminder, command, as_=principal)
    outcome.refused(code)


async def test_a_reminder_needs_the_issuers_unit() -> None:
    spec = Specification(at=MONDAY)
    command = handlers.IssueReminder(person_id="p1", quarter=None, shortcomings="台账更新不及时")
    outcome = await spec.when(handlers.issue_reminder, command, as_=UNITLESS)
    outcome.refused("unit_scope_missing")


async def test_the_person_acknowledges_their_reminder() -> None:
    spec = await reminder(issued())
    outcome = await spec.when(handlers.acknowledge_reminder, ACKNOWLEDGE, as_=STAFF)
    assert outcome.events == [
        ReminderAcknowledged(reminder_id="rmd-1", unit_id="u1", person_id="p1", acknowledged_at=LATER)
    ]


@pytest.mark.parametrize(
    ("events", "principal", "code"),
    [
        pytest.param((issued(),), COLLEAGUE, "not_your_reminder", id="only the person acknowledges the reminder"),
        pytest.param((issued(), acknowledged()), STAFF, "already_acknowledged", id="a reminder is acknowledged once"),
    ],
)
async def test_an_acknowledgement_is_refused(events: tuple[Event, ...], principal: Principal, code: str) -> None:
    spec = await reminder(*events)
    outcome = await spec.when(handlers.acknowledge_reminder, ACKNOWLEDGE, as_=principal)
    outcome.refused(code)


async def test_a_reminder_never_issued_is_not_acknowledged() -> None:
    spec = Specification(at=LATER)
    outcome = await spec.when(
        handlers.acknowledge_reminder, handlers.AcknowledgeReminder(reminder_id="rmd-9"), as_=STAFF
    )
    assert isinstance(outcome.refused("reminder_not_found"), NotFound)


async def test_the_person_reports_the_rectification() -> None:
    spec = await reminder(issued(), acknowledged())
    outcome = await spec.when(handlers.report_rectification, RECTIFY, as_=STAFF)
    assert outcome.events == [
        RectificationReported(
            reminder_id="rmd-1", unit_id="u1", person_id="p1", report="台账已全部补齐", reported_at=LATER
        )
    ]


@pytest.mark.parametrize(
    ("events", "principal", "code"),
    [
        pytest.param((issued(),), STAFF, "not_acknowledged", id="the rectification follows the acknowledgement"),
        pytest.param(
            (issued(), acknowledged()), COLLEAGUE, "not_your_reminder", id="only the person reports on their reminder"
        ),
    ],
)
async def test_a_rectification_is_refused(events: tuple[Event, ...], principal: Principal, code: str) -> None:
    spec = await reminder(*events)
    outcome = await spec.when(handlers.report_rectification, RECTIFY, as_=principal)
    outcome.refused(code)


async def test_the_rectification_is_reported_once() -> None:
    spec = await reminder(issued(), acknowledged())
    await spec.when(handlers.report_rectification, RECTIFY, as_=STAFF)
    outcome = await spec.when(handlers.report_rectification, RECTIFY, as_=STAFF)
    outcome.refused("already_rectified")
