"""``seed`` and its steps: the directory and the community, then 320 report stories (many becoming
tickets, in every state) and 40 micro-wish stories side by side, then the offered resources.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import random
from collections.abc import Callable

from faker import Faker

from grassroots_common.calendar_projection import load_calendar
from grassroots_common.events import SYSTEM, Metadata
from grassroots_common.ids import new_id
from grassroots_common.runtime import Runtime
from grassroots_common.workdays import CHINA, WorkCalendar
from grid.demo.cast import (
    COMMUNITY,
    DEPARTMENTS,
    DISPATCHER,
    GRIDS,
    HANDLERS,
    ROSTER,
    UNIT,
    VOLUNTEERS,
    grid_ids,
    grid_name,
)
from grid.demo.catalogue import KINDS, OFFERS, PROBLEMS, REDISPATCH_TO, RULES, STREETS, WISHES
from grid.demo.photos import _photos
from grid.demo.writing import DISPATCH_META, DISTRICT_META, Writer, _meta
from grid.domain.community import Community
from grid.domain.directory import DIRECTORY_STREAM, Directory
from grid.domain.report import Report
from grid.domain.ticket import Ticket
from grid.domain.wish import Resource, Wish
from grid.handlers import ticket_id_for_report


async def seed(runtime: Runtime) -> None:
    """Write the demo data once; does nothing when the store already holds events."""
    if await runtime.store.count() > 0:
        return
    rng = random.Random(2022)
    now = runtime.clock()
    calendar = await load_calendar(runtime.pool)
    writer = Writer(runtime.store)
    photos = await _photos(runtime)
    await _hierarchy(writer, now - dt.timedelta(days=150))
    directory = Directory.from_recorded(DIRECTORY_STREAM, await runtime.store.load(DIRECTORY_STREAM))
    gate = asyncio.Semaphore(8)

    async def limited(work: Callable[[], object]) -> None:
        async with gate:
            await work()  # type: ignore[misc]

    jobs: list[Callable[[], object]] = []
    for n in range(320):
        jobs.append(lambda n=n: _report_story(writer, directory, calendar, rng.random(), n, now, photos))
    for n in range(40):
        jobs.append(lambda n=n: _wish_story(writer, n, now, photos))
    await asyncio.gather(*(limited(job) for job in jobs))
    await _resources(writer, now)


async def _hierarchy(writer: Writer, at: dt.datetime) -> None:
    directory = Directory(DIRECTORY_STREAM)

    def departments() -> None:
        for dep, name in DEPARTMENTS.items():
            directory.register_department(department_id=dep, name=name, now=at)
        for category, (name, default, lead, co, limit) in RULES.items():
            directory.set_rule(
                category=category,
                category_name=name,
                default_department_id=default,
                lead_department_id=lead,
                co_department_ids=co,
                time_limit_workdays=limit,
                accept_within_hours=2.0,
                now=at,
            )

    await writer.step(directory, DISTRICT_META, at, departments)
    community = Community(COMMUNITY)
    await writer.step(
        community,
        DISTRICT_META,
        at,
        lambda: community.register(name="凤鸣社区", street="城关街道", district="凤翔区", leader_name="王建国", now=at),
    )

    def grids_and_people() -> None:
        for n, grid in enumerate(grid_ids(), start=1):
            community.define_grid(
                grid_id=grid, name=grid_name(n), area=f"{STREETS[n % 8]}片区", households=180 + 7 * n, now=at
            )
        for p in ROSTER:
            community.assign(person_id=p.person_id, person_name=p.name, role=p.role, grid_id=p.grid_id, now=at)

    await writer.step(community, DISPATCH_META, at, grids_and_people)


# Some stories stop at a step whatever the clock says, so that the board shows every state on any day
# (a story otherwise stops only where its next step would be in the future).
HOLDS = {7: "handled", 11: "reported_back"}


def _working_time(base: dt.datetime, rng: random.Random) -> dt.datetime:
    local = base.astimezone(CHINA).replace(hour=rng.randint(8, 16), minute=rng.randint(0, 59), second=0, microsecond=0)
    return local.astimezone(dt.UTC)


async def _report_story(
    writer: Writer,
    directory: Directory,
    calendar: WorkCalendar,
    luck: float,
    n: int,
    now: dt.datetime,
    photos: list[str],
) -> None:
    rng = random.Random(n)
    category = rng.choice(list(RULES))
    people = [p for p in ROSTER if p.grid_id]
    reporter = people[(n * 7) % len(people)]
    at = _working_time(now - dt.timedelta(days=rng.randint(0, 120)), rng)
    if at > now:
        at = now - dt.timedelta(minutes=30 + n)
    report = Report(new_id("rpt"))
    meta = _meta(reporter.person_id, reporter.name, reporter.role)
    street = rng.choice(STREETS)
    text = f"{street}{rng.randint(1, 120)}号附近{rng.choice(PROBLEMS[category])}"
    await writer.step(
        report,
        meta,
        at,
        lambda: report.file(
            community_id=COMMUNITY,
            grid_id=reporter.grid_id or "",
            reporter_id=reporter.person_id,
            reporter_name=reporter.name,
            category=category,
            text=text,
            address=f"{street}{rng.randint(1, 120)}号",
            latitude=round(34.52 + rng.random() / 100, 6),
            longitude=round(107.39 + rng.random() / 100, 6),
            photo_upload_ids=[photos[n % len(photos)]],
            urgency=rng.choice(["normal", "normal", "urgent"]),
            now=at,
        ),
    )
    if luck < 0.06 and now - at < dt.timedelta(days=3):
        return  # still with the grid
    at += dt.timedelta(hours=rng.uniform(0.5, 6))
    if luck < 0.45:
        await writer.step(
            report,
            meta,
            at,
            lambda: report.resolve_in_grid(
                resolution="网格员现场协调，已当场解决",
                photo_upload_ids=[photos[(n + 1) % 3]],
                by=reporter.person_id,
                now=at,
            ),
        )
        return
    await writer.step(
        report,
        meta,
        at,
        lambda: report.escalate(reason="网格内无法解决，需职能部门处理", by=reporter.person_id, now=at),
    )
    at += dt.timedelta(hours=rng.uniform(0.2, 3))
    if at > now:
        return
    hold = HOLDS.get(n % 23)
    await _ticket_story(writer, directory, calendar, report, category, text, rng, at, now, photos, hold)


async def _ticket_story(
    writer: Writer,
    directory: Directory,
    calendar: WorkCalendar,
    report: Report,
    category: str,
    text: str,
    rng: random.Random,
    at: dt.datetime,
    now: dt.datetime,
    photos: list[str],
    hold: str | None = None,
) -> None:
    ticket = Ticket(ticket_id_for_report(report.id))
    kind = rng.choice(KINDS[:3]) if rng.random() > 0.08 else "emergency"
    routing = directory.route(category=category, kind=kind, department_id=None)
    await writer.step(
        ticket,
        DISPATCH_META,
        at,
        lambda: ticket.dispatch(
            community_id=COMMUNITY,
            grid_id=report.grid_id,
            report_id=report.id,
            category=category,
            kind=kind,
            title=text[:30],
            text=text,
            address=report.filed.address if report.filed else "",
            routing=routing,
            calendar=calendar,
            dispatched_by=DISPATCHER[0],
            now=at,
        ),
    )
    fate = rng.random()

    def handler() -> Metadata:
        dep_handler = HANDLERS[ticket.department_id]
        return _meta(dep_handler[0], dep_handler[1], "department")

    async def later(hours: float) -> bool:
        """Move the story on; False when that moment is still in the future (the story stops)."""
        nonlocal at
        at += dt.timedelta(hours=hours)
        return at <= now

    # 退单 and re-dispatch, for one ticket in ten.
    if fate < 0.1:
        if not await later(rng.uniform(0.3, 1.5)):
            return
        await writer.step(
            ticket, handler(), at, lambda: ticket.return_ticket(reason="该事项属物业管理职责，建议转物业公司", now=at)
        )
        if fate < 0.03 or not await later(rng.uniform(0.5, 4)):
            return
        # To a department that also handles such matters; the draw stays, so the rest of the story
        # the seed tells is unchanged.
        drawn = rng.choice([d for d in DEPARTMENTS if d not in ticket.returned_by])
        other = REDISPATCH_TO[category] if REDISPATCH_TO[category] not in ticket.returned_by else drawn
        new_routing = directory.route(category=category, kind=kind, department_id=other)
        await writer.step(
            ticket,
            DISPATCH_META,
            at,
            lambda: ticket.redispatch(routing=new_routing, calendar=calendar, dispatched_by=DISPATCHER[0], now=at),
        )
    if not await later(rng.uniform(0.2, 3.5)):
        await _deadlines(writer, ticket, now)
        return
    h = handler()
    await writer.step(ticket, h, at, lambda: ticket.accept(handler_id=h.actor_id, handler_name=h.actor_name, now=at))
    if fate > 0.9 and ticket.deadline and at < ticket.deadline:
        wanted = ticket.deadline + dt.timedelta(days=5)
        await writer.step(
            ticket,
            h,
            at,
            lambda: ticket.request_extension(reason="需协调多个部门，材料采购中", requested_deadline=wanted, now=at),
        )
        if fate > 0.95 and await later(rng.uniform(1, 10)):
            approve = fate > 0.97
            await writer.step(
                ticket,
                DISPATCH_META,
                at,
                lambda: ticket.decide_extension(
                    approve=approve,
                    reason="" if approve else "时限内可完成，请抓紧办理",
                    decided_by=DISPATCHER[0],
                    now=at,
                ),
            )
    assert ticket.deadline is not None
    span = (ticket.deadline - at).total_seconds() / 3600
    work = span * rng.uniform(0.2, 1.3)
    if not await later(work * 0.6):
        await _deadlines(writer, ticket, now)
        return
    await writer.step(ticket, h, at, lambda: ticket.handle(note="已安排人员现场处置", now=at))
    if hold == "handled" or not await later(work * 0.4):
        await _deadlines(writer, ticket, now)
        return
    await writer.step(
        ticket,
        h,
        at,
        lambda: ticket.report_back(result="已处理完毕，现场已恢复", evidence_upload_ids=[photos[2]], now=at),
    )
    if hold == "reported_back" or not await later(rng.uniform(2, 30)):
        return
    passed = rng.random() > 0.05
    await writer.step(
        ticket,
        DISPATCH_META,
        at,
        lambda: ticket.verify(
            passed=passed,
            comment="" if passed else "现场仍有遗留问题",
            verified_by=DISPATCHER[0],
            close=rng.random() > 0.1,
            now=at,
        ),
    )
    if ticket.state != "closed" or not await later(rng.uniform(4, 48)):
        return
    satisfaction = rng.choices(["satisfied", "partly", "unsatisfied"], weights=[88, 8, 4])[0]
    await writer.step(
        ticket,
        DISPATCH_META,
        at,
        lambda: ticket.record_satisfaction(
            satisfaction=satisfaction,
            comment={"satisfied": "处理及时，很满意", "partly": "解决了一部分", "unsatisfied": "问题反复出现"}[
                satisfaction
            ],
            note={"satisfied": "", "partly": "居民反映还有遗留问题，请再到现场查看", "unsatisfied": ""}[satisfaction],
            recorded_by=DISPATCHER[0],
            calendar=calendar,
            now=at,
        ),
    )
    await _deadlines(writer, ticket, now)


async def _deadlines(writer: Writer, ticket: Ticket, now: dt.datetime) -> None:
    """What the scheduler would have raised by now: overdue marks and escalations."""
    await writer.step(ticket, SYSTEM, now, lambda: ticket.check_deadlines(now=now))


async def _wish_story(writer: Writer, n: int, now: dt.datetime, photos: list[str]) -> None:
    rng = random.Random(1000 + n)
    title, category = WISHES[n % len(WISHES)]
    grid = grid_ids()[n % GRIDS]
    collector = next(p for p in ROSTER if p.grid_id == grid and p.role == "grid_worker")
    fake = Faker("zh_CN")
    fake.seed_instance(5000 + n)
    wish = Wish(new_id("wsh"))
    at = _working_time(now - dt.timedelta(days=rng.randint(5, 110)), rng)
    meta = _meta(collector.person_id, collector.name, collector.role)
    await writer.step(
        wish,
        meta,
        at,
        lambda: wish.collect(
            community_id=COMMUNITY,
            grid_id=grid,
            resident_name=fake.name(),
            title=title,
            description=f"{title}，家庭困难，希望得到帮助",
            category=category,
            collected_by=collector.person_id,
            now=at,
        ),
    )
    # Target states, over 40 wishes: 4 collected, 3 rejected, 6 open, 1 released and open again,
    # 6 claimed, 8 fulfilled and 12 revisited (20 fulfilled in all).
    target = n % 40
    if target < 4:
        return
    at += dt.timedelta(days=1)
    if target < 7:
        await writer.step(
            wish,
            DISPATCH_META,
            at,
            lambda: wish.screen(approve=False, reason="不属于微心愿范围，已转民政部门", by=DISPATCHER[0], now=at),
        )
        return
    await writer.step(wish, DISPATCH_META, at, lambda: wish.screen(approve=True, reason="", by=DISPATCHER[0], now=at))
    if target < 13:
        return
    volunteer = VOLUNTEERS[n % len(VOLUNTEERS)] if n % 5 else UNIT
    kind = "unit" if volunteer is UNIT else "party_member"
    vmeta = _meta(*volunteer)
    at += dt.timedelta(days=rng.uniform(0.5, 5))
    await writer.step(
        wish,
        vmeta,
        at,
        lambda: wish.claim(
            claimant_id=volunteer[0], claimant_name=volunteer[1], claimant_kind=kind, resource_id=None, now=at
        ),
    )
    if target == 13:
        at += dt.timedelta(days=1)
        await writer.step(wish, vmeta, at, lambda: wish.release(reason="临时出差", now=at))
        return
    if target < 20:
        return
    at += dt.timedelta(days=rng.uniform(1, 10))
    await writer.step(
        wish,
        vmeta,
        at,
        lambda: wish.fulfil(note="已送到居民家中", evidence_upload_ids=[photos[n % 3]], now=at),
    )
    if target < 28:
        return
    at += dt.timedelta(days=rng.uniform(1, 5))
    await writer.step(
        wish,
        meta,
        at,
        lambda: wish.revisit(
            satisfaction=rng.choice(["satisfied", "satisfied", "basically"]),
            comment="居民很感谢",
            by=collector.person_id,
            now=at,
        ),
    )


async def _resources(writer: Writer, now: dt.datetime) -> None:
    for i, (title, description) in enumerate(OFFERS):
        offerer = UNIT if i % 3 == 0 else VOLUNTEERS[i % len(VOLUNTEERS)]
        kind = "unit" if offerer is UNIT else "party_member"
        resource = Resource(new_id("res"))
        at = now - dt.timedelta(days=100 - i * 9)
        await writer.step(
            resource,
            _meta(*offerer),
            at,
            lambda resource=resource, offerer=offerer, kind=kind, title=title, description=description, at=at: (
                resource.offer(
                    community_id=COMMUNITY,
                    offerer_id=offerer[0],
                    offerer_name=offerer[1],
                    offerer_kind=kind,
                    title=title,
                    description=description,
                    capacity=10,
                    now=at,
                )
            ),
        )
