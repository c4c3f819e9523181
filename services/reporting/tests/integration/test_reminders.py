"""The notification port sends each reminder once: across passes and a restart of the service
(log-file adapter), and to a webhook that fails first and is retried (webhook adapter against a
local HTTP server). The inbox is read by its person alone."""

from __future__ import annotations

import datetime as dt
import itertools
import json

import pytest
from fastapi import FastAPI, Request, Response

from grassroots_common.events import RecordedEvent
from grassroots_common.projections.checkpoints import apply_batch
from grassroots_common.specification import recorded as spec_recorded
from grassroots_common.workdays import CHINA
from reporting import scheduler
from reporting.main import create_app
from reporting.notify import WebhookNotifier, notifier_from
from reporting.projections import PROJECTIONS

# Friday of 2026-W48 at 14:00 Beijing time: within three days of the week's log deadline.
FRIDAY = dt.datetime(2026, 11, 27, 14, 0, tzinfo=CHINA)
UNIT = "u-zzb"
CHAIN = {"section_chief_id": "chief", "deputy_leader_id": None, "principal_leader_id": None}
_sequence = itertools.count(1)


def recorded(type_: str, data: dict) -> RecordedEvent:
    return spec_recorded(type_, data, at=FRIDAY, position=next(_sequence))


def enrolled(person: str) -> RecordedEvent:
    return recorded(
        "PersonEnrolled",
        {"unit_id": UNIT, "person_id": person, "person_name": f"姓名{person}", "section_id": "s1",
         "chain": CHAIN if person != "chief" else {}, "enrolled_on": "2026-01-05"},
    )  # fmt: skip


def submitted(person: str, week: str) -> RecordedEvent:
    return recorded(
        "LogSubmitted",
        {"unit_id": UNIT, "person_id": person, "person_name": "x", "week": week, "items": [],
         "submitted_at": "2026-11-25T02:00:00+00:00", "deadline": "2026-11-30T04:00:00+00:00", "late": False},
    )  # fmt: skip


def dispatched(ticket_id: str, deadline: dt.datetime) -> RecordedEvent:
    return recorded(
        "TicketDispatched",
        {"ticket_id": ticket_id, "community_id": "c1", "department_id": "d1", "category": "road",
         "kind": "help_request", "title": "路灯不亮", "text": "x", "time_limit_workdays": 1,
         "accept_by": deadline.isoformat(), "deadline": deadline.isoformat(), "dispatched_by": "x",
         "dispatched_at": FRIDAY.isoformat()},
    )  # fmt: skip


async def feed(pool, source: str, events: list[RecordedEvent]) -> None:
    async with pool.acquire() as conn:
        for p in PROJECTIONS:
            if source in p.sources:
                await apply_batch(conn, p, events, source=source)


def lines(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


@pytest.fixture
def settings(database, make_settings, tmp_path):
    return make_settings("reporting", database, run_workers=False, notify_log_file=tmp_path / "sent.jsonl")


async def test_each_reminder_is_sent_once_across_a_restart(settings, serve, auth, clock) -> None:
    clock.now = FRIDAY
    app = create_app(settings)
    async with serve(app) as client:
        runtime = app.state.runtime
        runtime.clock = clock
        await feed(runtime.pool, "appraisal", [enrolled("chief"), enrolled("p1"), enrolled("p2")])
        await feed(
            runtime.pool,
            "appraisal",
            [submitted(p, "2026-W47") for p in ("chief", "p1", "p2")] + [submitted("p2", "2026-W48")],
        )
        await feed(runtime.pool, "grid", [dispatched("t1", dt.datetime(2026, 11, 30, 23, 59, 59, tzinfo=CHINA))])

        # The inbox: the person's own, and refused to anyone else.
        mine = (await client.get("/api/v1/inbox/p1", headers=auth("p1", "staff", unit=UNIT))).json()
        assert [i["title"] for i in mine["items"]] == ["本周纪实未提交"] and mine["count"] == 1
        chief = await client.get("/api/v1/inbox/chief", headers=auth("chief", "section_chief", unit=UNIT))
        assert [(i["title"], i["count"]) for i in chief.json()["items"]] == [
            ("本周纪实未提交", 1),
            ("周纪实待批阅", 1),  # W48: p2's
            ("周纪实待批阅", 2),  # W47: p1's and p2's
        ]
        department = await client.get("/api/v1/inbox/h1", headers=auth("h1", "department", department="d1"))
        assert [i["title"] for i in department.json()["items"]] == ["工单临近办理时限"]
        refused = await client.get("/api/v1/inbox/p1", headers=auth("chief", "section_chief", unit=UNIT))
        assert refused.status_code == 403 and refused.json()["code"] == "inbox_forbidden"
        assert "本人" in refused.json()["detail"]

        notifier = notifier_from(runtime.settings)
        first = await scheduler.remind(runtime, notifier)
        sent = lines(settings.notify_log_file)
        assert first.sent == len(sent) and len(sent) >= 5
        kinds = {(s["recipient"], s["kind"]) for s in sent}
        assert {("p1", "log_due"), ("chief", "log_due"), ("chief", "log_review")} <= kinds
        assert {("department:d1", "ticket_due"), ("community:c1", "ticket_due")} <= kinds
        again = await scheduler.remind(runtime, notifier)
        assert (again.recorded, again.sent) == (0, 0) and lines(settings.notify_log_file) == sent

    # The service restarts on the same database: nothing already sent goes again; what became due
    # while it was down does, once.
    app = create_app(settings)
    async with serve(app):
        runtime = app.state.runtime
        runtime.clock = clock
        await feed(runtime.pool, "appraisal", [enrolled("p3")])
        notifier = notifier_from(runtime.settings)
        after = await scheduler.remind(runtime, notifier)
        await scheduler.remind(runtime, notifier)
        now_sent = lines(settings.notify_log_file)
        assert now_sent[: len(sent)] == sent
        assert [(s["recipient"], s["kind"], s["title"]) for s in now_sent[len(sent) :]] == [
            ("p3", "log_due", "上周纪实未提交"),
            ("p3", "log_due", "本周纪实未提交"),
        ]
        assert after.sent == 2
        assert len({s["key"] for s in now_sent}) == len(now_sent)


@pytest.fixture
def receiver(serve_http):
    """A webhook receiver that refuses its first delivery (503) and takes the rest."""
    app = FastAPI()
    app.state.calls = []

    @app.post("/hook")
    async def hook(request: Request) -> Response:
        app.state.calls.append((request.headers.get("idempotency-key"), await request.json()))
        return Response(status_code=503 if len(app.state.calls) == 1 else 204)

    @app.post("/down")
    async def down() -> Response:
        app.state.calls.append(("down", None))
        return Response(status_code=500)

    with serve_http(app) as url:
        app.state.url = url
        yield app.state


async def test_the_webhook_adapter_retries_and_sends_each_reminder_once(settings, serve, clock, receiver) -> None:
    clock.now = FRIDAY
    app = create_app(settings)
    async with serve(app):
        runtime = app.state.runtime
        runtime.clock = clock
        await feed(runtime.pool, "appraisal", [enrolled("chief"), enrolled("p1"), submitted("p1", "2026-W47")])
        await feed(runtime.pool, "appraisal", [submitted("chief", "2026-W47"), submitted("chief", "2026-W48")])

        down = WebhookNotifier(f"{receiver.url}/down", timeout=2, retries=1, backoff=0.01)
        failed = await scheduler.remind(runtime, down)
        await down.close()
        assert (
            failed.sent == 0 and failed.failed >= 1 and [c[0] for c in receiver.calls] == ["down"] * 2 * failed.failed
        )
        receiver.calls.clear()

        hook = WebhookNotifier(f"{receiver.url}/hook", timeout=2, retries=2, backoff=0.01)
        result = await scheduler.remind(runtime, hook)
        await scheduler.remind(runtime, hook)
        await hook.close()
        keys = [key for key, _ in receiver.calls]
        assert result.sent == len(set(keys)) == len(keys) - 1  # the refused first one, retried once
        assert keys[0] == keys[1]
        assert all(body["key"] == key for key, body in receiver.calls)
        titles = {(body["recipient"], body["title"]) for _, body in receiver.calls}
        assert ("p1", "本周纪实未提交") in titles and ("chief", "周纪实待批阅") in titles
        row = await runtime.pool.fetchrow(
            "SELECT channel, attempts FROM reporting.reminders WHERE recipient = 'p1' AND kind = 'log_due'"
        )
        assert row["channel"] == "webhook" and row["attempts"] == 2  # one pass refused, one sent
