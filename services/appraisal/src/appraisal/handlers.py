"""One function per command: load the aggregate, let it decide, append (via ``execute``)."""

from __future__ import annotations

from appraisal.domain.weekly_log import WeeklyLog, log_stream_id
from grassroots_common.auth import Principal
from grassroots_common.commands import CommandResult, Idempotency, execute
from grassroots_common.contracts.appraisal import WorkItem
from grassroots_common.errors import Invalid
from grassroots_common.events import Metadata
from grassroots_common.runtime import Runtime


async def submit_log(
    runtime: Runtime,
    principal: Principal,
    meta: Metadata,
    *,
    week: str,
    items: list[WorkItem],
    idempotency: Idempotency | None,
) -> CommandResult:
    unit_id = principal.scope("unit")
    if unit_id is None:
        raise Invalid("unit_missing", "你的账号未归属任何单位，请联系单位管理员")
    now = runtime.clock()

    def act(log: WeeklyLog) -> dict:
        log.submit(
            person_id=principal.sub,
            person_name=principal.name,
            unit_id=unit_id,
            section_id=principal.scope("section"),
            week=week,
            items=items,
            now=now,
        )
        return {"week": week, "revision": log.revision, "late": bool(log.first_late)}

    return await execute(
        runtime.store,
        WeeklyLog,
        log_stream_id(principal.sub, week),
        act,
        meta,
        idempotency=idempotency,
        on_appended=runtime.wake_relay,
    )
