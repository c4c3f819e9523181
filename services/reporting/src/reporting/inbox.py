"""The inbox's reads: the rows the reminder rules need, for one principal (the inbox screen) or
for everyone (the notification pass), from the ``inbox`` and ``tickets`` read models."""

from __future__ import annotations

import datetime as dt

import asyncpg

from grassroots_common.auth import Principal
from grassroots_common.workdays import WorkCalendar
from reporting import reminders
from reporting.projections.inbox import InboxRows, decided_levels

_TICKETS = """SELECT ticket_id, community_id, department_id, title, status, deadline
              FROM rpt_tickets.tickets
              WHERE status = ANY($1::text[]) AND deadline <= $2
                AND ($3::text IS NULL OR department_id = $3) AND ($4::text IS NULL OR community_id = $4)
              ORDER BY deadline, ticket_id"""


def _by(rows: list[asyncpg.Record], *key: str) -> dict[tuple, dict]:
    return {tuple(r[k] for k in key): dict(r) for r in rows}


def _quarters(rows: list[asyncpg.Record]) -> dict[tuple, dict]:
    out = _by(rows, "unit_id", "quarter", "person_id")
    for row in out.values():
        row["decided"] = decided_levels(row["decided"])
    return out


async def person_rows(pool: asyncpg.Pool, person_id: str, now: dt.datetime) -> InboxRows:
    """The person's roster row and logs, and those of the people whose logs they read first."""
    weeks = list(reminders.weeks_in_view(now))
    roster = await pool.fetch(
        """SELECT * FROM rpt_inbox.roster
           WHERE person_id = $1 OR COALESCE(section_chief_id, deputy_leader_id, principal_leader_id) = $1""",
        person_id,
    )
    people = [r["person_id"] for r in roster]
    logs = await pool.fetch(
        "SELECT * FROM rpt_inbox.logs WHERE person_id = ANY($1::text[]) AND week = ANY($2::text[])", people, weeks
    )
    units = list({r["unit_id"] for r in roster if r["person_id"] == person_id and r["unit_id"]})
    deadlines = await pool.fetch("SELECT * FROM rpt_inbox.log_deadlines WHERE unit_id = ANY($1::text[])", units)
    quarters = await pool.fetch("SELECT * FROM rpt_inbox.quarter_people WHERE waiting_for = $1", person_id)
    return InboxRows(
        roster=_by(roster, "person_id"),
        deadlines=_by(deadlines, "unit_id"),
        logs=_by(logs, "person_id", "week"),
        quarters=_quarters(quarters),
    )


async def everyone_rows(pool: asyncpg.Pool, now: dt.datetime) -> InboxRows:
    weeks = list(reminders.weeks_in_view(now))
    roster = await pool.fetch("SELECT * FROM rpt_inbox.roster WHERE active")
    logs = await pool.fetch("SELECT * FROM rpt_inbox.logs WHERE week = ANY($1::text[])", weeks)
    deadlines = await pool.fetch("SELECT * FROM rpt_inbox.log_deadlines")
    quarters = await pool.fetch("SELECT * FROM rpt_inbox.quarter_people WHERE waiting_for IS NOT NULL")
    return InboxRows(
        roster=_by(roster, "person_id"),
        deadlines=_by(deadlines, "unit_id"),
        logs=_by(logs, "person_id", "week"),
        quarters=_quarters(quarters),
    )


async def tickets_near(
    pool: asyncpg.Pool,
    now: dt.datetime,
    calendar: WorkCalendar,
    workdays: int,
    *,
    department: str | None = None,
    community: str | None = None,
) -> list[dict]:
    horizon = calendar.deadline(now, workdays)
    rows = await pool.fetch(_TICKETS, list(reminders.OPEN_FOR_DEPARTMENT), horizon, department, community)
    return [dict(r) for r in rows]


def ticket_holders(principal: Principal) -> list[tuple[str, dict[str, str]]]:
    """The ticket holders a principal answers for: their department, the community they dispatch for."""
    out = []
    if principal.has("department") and (department := principal.scope("department")):
        out.append((f"department:{department}", {"department": department}))
    if principal.has("community_admin") and (community := principal.scope("community")):
        out.append((f"community:{community}", {"community": community}))
    return out


async def for_principal(
    pool: asyncpg.Pool, principal: Principal, now: dt.datetime, calendar: WorkCalendar, workdays: int
) -> list[reminders.Reminder]:
    """The signed-in person's inbox: their own reminders, then those of the tickets they hold."""
    items = reminders.for_person(await person_rows(pool, principal.sub, now), principal.sub, now)
    for recipient, scope in ticket_holders(principal):
        tickets = await tickets_near(pool, now, calendar, workdays, **scope)
        items.extend(reminders.tickets_due(recipient, tickets, now, calendar, workdays))
    return items


async def for_everyone(
    pool: asyncpg.Pool, now: dt.datetime, calendar: WorkCalendar, workdays: int
) -> list[reminders.Reminder]:
    """Every reminder due now, for the notification pass: people's, then each ticket holder's."""
    items = reminders.for_everyone(await everyone_rows(pool, now), now)
    tickets = await tickets_near(pool, now, calendar, workdays)
    for holder, column in (("department", "department_id"), ("community", "community_id")):
        by_holder: dict[str, list[dict]] = {}
        for t in tickets:
            if t[column]:
                by_holder.setdefault(t[column], []).append(t)
        for holder_id, held in sorted(by_holder.items()):
            items.extend(reminders.tickets_due(f"{holder}:{holder_id}", held, now, calendar, workdays))
    return items
