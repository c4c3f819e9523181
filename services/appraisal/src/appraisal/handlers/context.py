"""What the handlers share: today's date in China and the unit's submission deadlines."""

from __future__ import annotations

import datetime as dt

from appraisal.domain.roster import roster_stream_id
from grassroots_common.commands import CommandContext
from grassroots_common.contracts.appraisal import DeadlinesConfigured, SubmissionDeadlines
from grassroots_common.events import RecordedEvent
from grassroots_common.runtime import Runtime
from grassroots_common.store import LatestOf
from grassroots_common.workdays import CHINA


def china_today(ctx: CommandContext) -> dt.date:
    return ctx.now().astimezone(CHINA).date()


async def unit_deadlines(runtime: Runtime, unit_id: str) -> SubmissionDeadlines:
    """The unit's submission deadlines: its latest setting (the defaults when it set none)."""
    return deadlines_of(await runtime.store.last_of_type(roster_stream_id(unit_id), DeadlinesConfigured.type_name()))


def deadline_setting(unit_id: str) -> LatestOf:
    """The unit's deadline setting, read with a submission's aggregate in the same round trip
    rather than by folding the roster, which every submission would otherwise pay."""
    return LatestOf(roster_stream_id(unit_id), DeadlinesConfigured.type_name())


def deadlines_of(setting: RecordedEvent | None) -> SubmissionDeadlines:
    if setting is None:
        return SubmissionDeadlines()
    return DeadlinesConfigured.model_validate(setting.data).deadlines
