"""The secretary projects' figures count "behind schedule" as the village service does: on the day
the period stands at (today while it runs), past the due date and not complete, or more than the
district's margin short of the progress the time elapsed calls for; the year's projects only."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid

from grassroots_common.contracts.village import DEFAULT_BEHIND_SCHEDULE_MARGIN_PCT
from reporting import figures, periods

from .conftest import HISTORY, feed

TOWN = "town-behind"
# 2 July 2026, Beijing: half of a year-long plan (1 January to 31 December) has elapsed, expected 50 %.
NOW = dt.datetime(2026, 7, 2, 10, 0, tzinfo=periods.BEIJING)


def village_events(margin: int | None) -> list:
    like = HISTORY["village"][-1]
    sequence = max(e.sequence for e in HISTORY["village"])

    def event(type_: str, data: dict):
        nonlocal sequence
        sequence += 1
        return dataclasses.replace(
            like, event_id=str(uuid.uuid4()), type=type_, data=data, sequence=sequence, schema_version=1
        )

    def project(key: str, progress: int, *, due_on: str = "2026-12-31", year: int = 2026) -> list:
        project_id = f"p-{key}-{uuid.uuid4().hex[:6]}"
        place = {"project_id": project_id, "village_id": f"v-{key}", "town_id": TOWN}
        registered = {**place, "name": f"项目{key}", "year": year, "starts_on": f"{year}-01-01", "due_on": due_on}
        return [
            event("ProjectRegistered", {**registered, "model": "branch_led", "budget_fen": 100}),
            event("MilestoneReported", {**place, "progress_pct": progress, "reported_on": f"{year}-06-30"}),
        ]

    policy = [] if margin is None else [event("VillagePolicySet", {"behind_schedule_margin_pct": margin})]
    return [
        *policy,
        *project("on-plan", 50),
        *project("far-behind", 20),  # 30 points short
        *project("overdue", 95, due_on="2026-06-30"),  # past its due date, not complete
        *project("just-short", 33),  # 17 points short: behind at the default margin (15), not at 20
        *project("last-year", 10, due_on="2025-12-31", year=2025),  # another year's project
    ]


async def behind_names(reporting, margin: int | None) -> tuple[str, list[str]]:
    await feed(reporting.runtime.pool, {"village": village_events(margin)})
    scope = figures.Scope(town=TOWN)
    quarter = periods.parse("2026-Q3")
    ranking = await figures.project_ranking(reporting.runtime.pool, quarter, scope, NOW)
    behind = await figures.projects_behind(reporting.runtime.pool, quarter, scope, NOW)
    return ranking.sentence, sorted(r["name"] for r in behind.rows)


async def test_behind_schedule_is_counted_on_today_with_the_districts_margin(reporting) -> None:
    sentence, behind = await behind_names(reporting, margin=20)
    assert sentence.startswith("截至2026年07月02日，2026年书记项目 4 个，滞后 2 个。")
    assert behind == ["项目far-behind", "项目overdue"]


async def test_until_the_district_sets_a_margin_the_village_services_default_counts(reporting) -> None:
    assert DEFAULT_BEHIND_SCHEDULE_MARGIN_PCT == 15
    sentence, behind = await behind_names(reporting, margin=None)
    assert "2026年书记项目 4 个，滞后 3 个" in sentence
    assert behind == ["项目far-behind", "项目just-short", "项目overdue"]


async def test_a_past_period_stands_at_its_last_day(reporting) -> None:
    await feed(reporting.runtime.pool, {"village": village_events(20)})
    ranking = await figures.project_ranking(
        reporting.runtime.pool, periods.parse("2026-Q1"), figures.Scope(town=TOWN), NOW
    )
    assert ranking.sentence.startswith("截至2026年03月31日")
