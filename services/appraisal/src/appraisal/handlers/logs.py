"""Weekly logs (周纪实): submit or revise, comment, return, remind the missing."""

from __future__ import annotations

from dataclasses import dataclass

from appraisal import authz
from appraisal.domain.log_reminder import LogReminders, log_reminder_stream_id
from appraisal.domain.roster import Roster, roster_stream_id
from appraisal.domain.weekly_log import WeeklyLog, log_stream_id
from appraisal.handlers.context import deadline_setting, deadlines_of
from grassroots_common.commands import CommandContext, CommandResult
from grassroots_common.contracts.appraisal import WorkItem
from grassroots_common.events import RecordedEvent


@dataclass(frozen=True, slots=True)
class SubmitLog:
    """Submit, or revise, one's log of a week."""

    week: str
    items: list[WorkItem]


async def submit_log(ctx: CommandContext, command: SubmitLog) -> CommandResult:
    principal, week, items = ctx.principal, command.week, command.items
    unit_id = authz.own_unit(principal, "log.submit")
    now = ctx.now()

    def act(log: WeeklyLog, setting: RecordedEvent | None) -> dict:
        log.submit(
            person_id=principal.sub,
            person_name=principal.name,
            unit_id=unit_id,
            section_id=principal.scope("section"),
            week=week,
            items=items,
            now=now,
            deadlines=deadlines_of(setting),
        )
        return {"week": week, "revision": log.revision, "late": bool(log.first_late)}

    # A week's log is mostly submitted once: decide on an empty log first (one round trip).
    return await ctx.execute(
        WeeklyLog, log_stream_id(principal.sub, week), act, latest=deadline_setting(unit_id), usually_new=True
    )


async def _reviewer_of(ctx: CommandContext, person_id: str) -> None:
    roster = await ctx.load(Roster, roster_stream_id(ctx.principal.unit()))
    authz.in_chain(ctx.principal, "log.review", roster.member(person_id).chain)


@dataclass(frozen=True, slots=True)
class CommentLog:
    """Comment on the log of someone in one's reviewing chain."""

    person_id: str
    week: str
    comment: str


async def comment_log(ctx: CommandContext, command: CommentLog) -> CommandResult:
    await _reviewer_of(ctx, command.person_id)

    def act(log: WeeklyLog) -> None:
        log.comment(reviewer_id=ctx.principal.sub, reviewer_name=ctx.principal.name, comment=command.comment)

    return await ctx.execute(WeeklyLog, log_stream_id(command.person_id, command.week), act)


@dataclass(frozen=True, slots=True)
class ReturnLog:
    """Return a log to its author for revision (a reviewer in their chain)."""

    person_id: str
    week: str
    reason: str


async def return_log(ctx: CommandContext, command: ReturnLog) -> CommandResult:
    await _reviewer_of(ctx, command.person_id)

    def act(log: WeeklyLog) -> None:
        log.return_for_revision(reviewer_id=ctx.principal.sub, reviewer_name=ctx.principal.name, reason=command.reason)

    return await ctx.execute(WeeklyLog, log_stream_id(command.person_id, command.week), act)


@dataclass(frozen=True, slots=True)
class RemindMissingLogs:
    """Remind everyone in the unit whose log of the week is missing."""

    unit_id: str
    week: str


async def remind_missing_logs(ctx: CommandContext, command: RemindMissingLogs) -> CommandResult:
    authz.in_unit(ctx.principal, "logs.remind", command.unit_id)
    # From the store itself: a log submitted a moment ago is never reminded (a read model may lag).
    roster = await ctx.load(Roster, roster_stream_id(command.unit_id))
    logs = {person: log_stream_id(person, command.week) for person in roster.active_ids()}
    submitted = await ctx.existing(list(logs.values()))
    missing = [person for person, stream in logs.items() if stream not in submitted]
    now = ctx.now()

    def act(reminders: LogReminders, setting: RecordedEvent | None) -> dict:
        deadlines = deadlines_of(setting)
        reminders.remind(unit_id=command.unit_id, week=command.week, missing=missing, now=now, deadlines=deadlines)
        return {"reminded": len(missing), "round": reminders.rounds}

    stream_id = log_reminder_stream_id(command.unit_id, command.week)
    return await ctx.execute(LogReminders, stream_id, act, latest=deadline_setting(command.unit_id))
