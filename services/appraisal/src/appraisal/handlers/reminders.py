"""Shortcoming reminders (不足提醒): issue, acknowledge, report the rectification."""

from __future__ import annotations

from dataclasses import dataclass

from appraisal import authz
from appraisal.domain.reminder import Reminder
from appraisal.domain.roster import Roster, roster_stream_id
from grassroots_common.commands import CommandContext, CommandResult
from grassroots_common.ids import new_id


@dataclass(frozen=True, slots=True)
class IssueReminder:
    """Issue a shortcoming reminder to someone in one's reviewing chain."""

    person_id: str
    quarter: str | None
    shortcomings: str


async def issue_reminder(ctx: CommandContext, command: IssueReminder) -> CommandResult:
    unit_id = ctx.principal.unit()
    roster = await ctx.load(Roster, roster_stream_id(unit_id))
    member = roster.member(command.person_id)
    authz.in_chain(ctx.principal, "reminder.issue", member.chain)
    now = ctx.now()
    reminder_id = new_id("rmd")

    def act(reminder: Reminder) -> dict:
        reminder.issue(
            unit_id=unit_id,
            person_id=command.person_id,
            person_name=member.person_name,
            issued_by_id=ctx.principal.sub,
            issued_by_name=ctx.principal.name,
            quarter=command.quarter,
            shortcomings=command.shortcomings,
            now=now,
        )
        return {"reminder_id": reminder_id}

    return await ctx.execute(Reminder, reminder_id, act)


@dataclass(frozen=True, slots=True)
class AcknowledgeReminder:
    """Acknowledge a reminder sent to oneself."""

    reminder_id: str


async def acknowledge_reminder(ctx: CommandContext, command: AcknowledgeReminder) -> CommandResult:
    now = ctx.now()

    def act(reminder: Reminder) -> None:
        authz.recipient(ctx.principal, "reminder.answer", reminder.recipient())
        reminder.acknowledge(now=now)

    return await ctx.execute(Reminder, command.reminder_id, act)


@dataclass(frozen=True, slots=True)
class ReportRectification:
    """Report how one rectified a reminder's shortcomings."""

    reminder_id: str
    report: str


async def report_rectification(ctx: CommandContext, command: ReportRectification) -> CommandResult:
    now = ctx.now()

    def act(reminder: Reminder) -> None:
        authz.recipient(ctx.principal, "reminder.answer", reminder.recipient())
        reminder.report_rectification(report=command.report, now=now)

    return await ctx.execute(Reminder, command.reminder_id, act)
