"""Synthetic event histories in the contract shapes of appraisal, grid and village: the input of
the reporting convergence tests and of the rebuild benchmark (``bench/reporting.py``).

Bench data, never shipped in a service package: it lives with the benchmark tooling."""

from __future__ import annotations

import asyncio
import datetime as dt
import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from nats.js import JetStreamContext

from grassroots_common.contracts import appraisal as a
from grassroots_common.contracts import grid as g
from grassroots_common.contracts import village as v
from grassroots_common.events import Event, RecordedEvent
from grassroots_common.ids import new_event_id
from grassroots_common.jetstream import StreamSpec, ensure_stream

GRADES = ("好", "较好", "一般", "较差")
START = dt.datetime(2026, 7, 6, 1, 0, tzinfo=dt.UTC)


@dataclass(frozen=True, slots=True)
class Scale:
    units: int = 3
    people_per_unit: int = 5
    weeks: int = 3
    communities: int = 1
    tickets: int = 12
    towns: int = 2
    villages_per_town: int = 2
    projects_per_village: int = 1


def appraisal_events(rng: random.Random, scale: Scale) -> Iterator[tuple[str, Event]]:
    """(stream id, event) of a quarter of appraisal for ``scale.units`` units."""
    quarter = "2026-Q3"
    for u in range(scale.units):
        unit = f"u{u:03d}"
        yield f"roster-{unit}", a.UnitRegistered(unit_id=unit, unit_name=f"第{u + 1}局")
        people = [f"{unit}-p{p:03d}" for p in range(scale.people_per_unit)]
        for person in people:
            yield (
                f"roster-{unit}",
                a.PersonEnrolled(
                    unit_id=unit,
                    person_id=person,
                    person_name=f"干部{person[-3:]}",
                    section_id=f"{unit}-s1",
                    position="科员",
                    birth_date=None,
                    id_number_digest=None,
                    chain=a.ReviewingChain(),
                    enrolled_on=START.date(),
                ),
            )
        for w in range(scale.weeks):
            iso = (START + dt.timedelta(weeks=w)).isocalendar()
            week = f"{iso.year}-W{iso.week:02d}"
            for person in people:
                if rng.random() < 0.85:
                    at = START + dt.timedelta(weeks=w, days=4, hours=rng.randint(0, 80))
                    yield (
                        f"log-{person}-{week}",
                        a.LogSubmitted(
                            person_id=person,
                            person_name=f"干部{person[-3:]}",
                            unit_id=unit,
                            week=week,
                            items=[a.WorkItem(text="整理党建台账", indicators=["qin-1"])],
                            submitted_at=at,
                            deadline=START + dt.timedelta(weeks=w, days=7, hours=3),
                            late=at > START + dt.timedelta(weeks=w, days=7, hours=3),
                        ),
                    )
        # Monthly summaries (月小结) of the months the weeks touch, due on the 5th of the month after:
        # every seventh person writes none, every fifth is late (no random draws: the other
        # figures of a seed stay as they were).
        months = sorted({f"{(START + dt.timedelta(weeks=w)):%Y-%m}" for w in range(scale.weeks)})
        for month in months:
            year, number = int(month[:4]), int(month[5:])
            due = dt.datetime(year + number // 12, number % 12 + 1, 5, 10, tzinfo=dt.UTC)
            for i, person in enumerate(people):
                if i % 7 == 6:
                    continue
                at = due + dt.timedelta(days=1 if i % 5 == 4 else -2)
                yield (
                    f"summary-{person}-{month}",
                    a.SummarySubmitted(
                        person_id=person,
                        person_name=f"干部{person[-3:]}",
                        unit_id=unit,
                        section_id=None,
                        month=month,
                        text="本月完成党建台账整理和季度考核准备",
                        submitted_at=at,
                        deadline=due,
                        late=at > due,
                    ),
                )
        stream = f"quarter-{unit}-{quarter}"
        cap = int(len(people) * 0.4)
        yield (
            stream,
            a.QuarterOpened(
                unit_id=unit,
                quarter=quarter,
                year=2026,
                participants=[
                    a.Participant(person_id=p, person_name=f"干部{p[-3:]}", section_id=None, chain=a.ReviewingChain())
                    for p in people
                ],
                good_ratio=0.4,
                good_cap=cap,
                peer_reviews_required=1,
            ),
        )
        good = 0
        results = []
        for person in people:
            grade = "好" if good < cap and rng.random() < 0.5 else rng.choice(GRADES[1:])
            good += grade == "好"
            name = f"干部{person[-3:]}"
            yield (
                stream,
                a.SelfAssessed(
                    unit_id=unit,
                    quarter=quarter,
                    person_id=person,
                    person_name=name,
                    scores={},
                    composite_score=90.0,
                    grade=grade,
                    summary="完成本季度工作",
                ),
            )
            for level in ("section_chief", "deputy_leader", "principal_leader"):
                if rng.random() < 0.8:
                    yield (
                        stream,
                        a.ReviewRecorded(
                            unit_id=unit,
                            quarter=quarter,
                            person_id=person,
                            person_name=name,
                            level=level,
                            reviewer_id="r1",
                            reviewer_name="审核人",
                            scores={},
                            composite_score=90.0,
                            grade=grade,
                            comment="同意",
                            good_used=good,
                            good_cap=cap,
                        ),
                    )
            results.append(
                a.QuarterResult(person_id=person, person_name=name, section_id=None, grade=grade, composite_score=90)
            )
            if rng.random() < 0.3:
                kind = rng.choice(("excellence", "promotion", "commendation", "reminder_talk"))
                yield (
                    f"use-{person}",
                    a.ResultApplied(
                        unit_id=unit,
                        person_id=person,
                        person_name=name,
                        kind=kind,
                        positive=kind != "reminder_talk",
                        year=2026,
                        basis="季度考核结果",
                        decided_on=dt.date(2026, 9, rng.randint(1, 28)),
                    ),
                )
        published = START + dt.timedelta(days=80)
        yield (
            stream,
            a.ResultsPublished(
                unit_id=unit,
                quarter=quarter,
                published_at=published,
                workdays=5,
                period_ends_at=published + dt.timedelta(days=7),
                results=results,
                good_count=good,
                good_cap=cap,
            ),
        )


def grid_events(rng: random.Random, scale: Scale) -> Iterator[tuple[str, Event]]:
    departments = ["dep-city", "dep-water", "dep-police"]
    for dep in departments:
        yield "directory", g.DepartmentRegistered(department_id=dep, name=f"部门{dep[4:]}", registered_at=START)
    for c in range(scale.communities):
        community = f"c{c:02d}"
        yield (
            f"community-{community}",
            g.CommunityRegistered(
                community_id=community, name=f"社区{c + 1}", street="城关街道", district="凤翔区", registered_at=START
            ),
        )
    for t in range(scale.tickets):
        ticket = f"t{t:05d}"
        community = f"c{t % scale.communities:02d}"
        dep = rng.choice(departments)
        at = START + dt.timedelta(days=rng.randint(0, 80), hours=rng.randint(0, 8))
        deadline = at + dt.timedelta(days=5)
        stream = f"ticket-{ticket}"
        common = {"ticket_id": ticket, "community_id": community, "department_id": dep}
        yield (
            stream,
            g.TicketDispatched(
                **common,
                category="road",
                kind="help_request",
                title="路灯损坏",
                text="小区路灯不亮",
                time_limit_workdays=5,
                accept_by=at + dt.timedelta(hours=2),
                deadline=deadline,
                dispatched_by="cadmin",
                dispatched_at=at,
            ),
        )
        if rng.random() < 0.9:
            accepted = at + dt.timedelta(hours=rng.choice((1, 1, 3)))
            yield (
                stream,
                g.TicketAccepted(
                    **common,
                    handler_id="h1",
                    handler_name="经办人",
                    on_time=accepted <= at + dt.timedelta(hours=2),
                    accepted_at=accepted,
                ),
            )
            if rng.random() < 0.8:
                done = at + dt.timedelta(days=rng.randint(1, 7))
                yield (
                    stream,
                    g.TicketReportedBack(
                        **common, result="已修复", on_time=done <= deadline, deadline=deadline, reported_at=done
                    ),
                )
                yield stream, g.TicketVerified(**common, passed=True, verified_by="cadmin", verified_at=done)
                yield stream, g.TicketClosed(**common, closed_at=done)
                yield (
                    stream,
                    g.SatisfactionRecorded(
                        **common,
                        satisfaction=rng.choice(("satisfied", "satisfied", "partly", "unsatisfied")),
                        recorded_by="cadmin",
                        recorded_at=done + dt.timedelta(days=1),
                    ),
                )


def village_events(rng: random.Random, scale: Scale) -> Iterator[tuple[str, Event]]:
    for t in range(scale.towns):
        town = f"town{t:02d}"
        yield f"town-{town}", v.TownRegistered(town_id=town, name=f"{t + 1}镇", party_secretary_name="书记")
        for n in range(scale.villages_per_town):
            village = f"{town}-v{n:03d}"
            ids = {"town_id": town, "village_id": village}
            yield (
                f"village-{village}",
                v.VillageRegistered(
                    **ids,
                    name=f"{t + 1}镇{n + 1}村",
                    party_org_name="村党支部",
                    party_org_kind="branch",
                    party_members=30,
                    households=300,
                    population=1200,
                ),
            )
            yield (
                f"village-{village}",
                v.IncomeReported(**ids, year=2026, income_fen=rng.randint(3, 60) * 1_000_000),
            )
            for p in range(scale.projects_per_village):
                project = f"{village}-pr{p}"
                stream = f"project-{project}"
                pid = {**ids, "project_id": project}
                yield (
                    stream,
                    v.ProjectRegistered(
                        **pid,
                        name="产业项目",
                        description="发展特色产业",
                        owner_id="sec",
                        owner_name="村书记",
                        supervisor_level="town",
                        supervisor_name="镇书记",
                        model=rng.choice(("branch_led", "diversified", "culture_tourism")),
                        budget_fen=50_000_000,
                        year=2026,
                        starts_on=dt.date(2026, 3, 1),
                        due_on=dt.date(2026, 12, 31),
                    ),
                )
                for f in range(2):
                    yield (
                        stream,
                        v.ProjectFunded(
                            **pid,
                            funding_id=f"{project}-f{f}",
                            source=rng.choice(("fiscal", "pairing_unit", "enterprise")),
                            funder="区财政",
                            amount_fen=rng.randint(1, 20) * 1_000_000,
                            received_on=dt.date(2026, 7, rng.randint(1, 28)),
                        ),
                    )
                progress = 0
                for m in range(rng.randint(0, 3)):
                    previous, progress = progress, min(100, progress + rng.randint(10, 40))
                    yield (
                        stream,
                        v.MilestoneReported(
                            **pid,
                            milestone_id=f"{project}-m{m}",
                            title=f"节点{m + 1}",
                            progress_pct=progress,
                            previous_pct=previous,
                            reason="",
                            evidence_upload_ids=[],
                            reported_on=dt.date(2026, 8, m + 1),
                        ),
                    )


def envelopes(source: str, items: Iterator[tuple[str, Event]], first_sequence: int = 1) -> Iterator[RecordedEvent]:
    """Envelopes as a projection receives them from ``source``'s stream, numbered in order."""
    versions: dict[str, int] = {}
    for offset, (stream_id, ev) in enumerate(items):
        versions[stream_id] = versions.get(stream_id, 0) + 1
        at = START + dt.timedelta(seconds=offset)
        yield RecordedEvent(
            event_id=new_event_id(),
            stream_id=stream_id,
            stream_type=ev.stream_type,
            version=versions[stream_id],
            type=ev.type_name(),
            schema_version=ev.schema_version,
            data=ev.model_dump(mode="json"),
            metadata={"actor_id": "system"},
            occurred_at=at,
            recorded_at=at,
            position=offset + 1,
            tx_id=1,
            sequence=first_sequence + offset,
            source=source,
        )


def recorded(source: str, items: Iterator[tuple[str, Event]]) -> list[RecordedEvent]:
    return list(envelopes(source, items))


def history(seed: int, scale: Scale = Scale()) -> dict[str, list[RecordedEvent]]:
    rng = random.Random(seed)
    return {
        "appraisal": recorded("appraisal", appraisal_events(rng, scale)),
        "grid": recorded("grid", grid_events(rng, scale)),
        "village": recorded("village", village_events(rng, scale)),
    }


async def publish(js: JetStreamContext, spec: StreamSpec, events: Iterable[RecordedEvent], window: int = 500) -> int:
    """Publish envelopes to a service's stream as its relay would (subject, ``Nats-Msg-Id``),
    ``window`` acknowledgements in flight at a time; answers how many."""
    await ensure_stream(js, spec)
    count = 0
    for chunk in _chunks(events, window):
        await asyncio.gather(
            *(
                js.publish(spec.subject(e.stream_type, e.type), e.to_json(), headers={"Nats-Msg-Id": e.event_id})
                for e in chunk
            )
        )
        count += len(chunk)
    return count


def _chunks(items: Iterable[RecordedEvent], size: int) -> Iterator[list[RecordedEvent]]:
    chunk: list[RecordedEvent] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
