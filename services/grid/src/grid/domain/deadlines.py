"""Time limits of tickets and the escalation ladder (督办) of overdue ones.

Shared by the Ticket aggregate (which decides what is due) and the tickets read model (which keeps
the next moment something falls due, so the scheduler finds due tickets with one indexed query).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from grassroots_common.workdays import WorkCalendar

# Default time limit per ticket kind, in working days (0: the same working day).
KIND_WORKDAYS = {"emergency": 0, "consultation": 1, "help_request": 5, "complaint": 10}
KIND_NAMES = {"emergency": "紧急", "consultation": "咨询", "help_request": "求助", "complaint": "投诉"}
ACCEPT_WITHIN_HOURS = 2.0


@dataclass(frozen=True, slots=True)
class Rung:
    level: int
    after: dt.timedelta
    to: str
    to_name: str


# Level n is due ``after`` the deadline of a ticket not yet reported back.
LADDER = (
    Rung(1, dt.timedelta(0), "community_leader", "社区党组织书记"),
    Rung(2, dt.timedelta(hours=24), "street_leader", "街道分管领导"),
    Rung(3, dt.timedelta(hours=72), "district_leader", "区级分管领导"),
)


def time_limit(kind: str, rule_workdays: int | None) -> int:
    """The category's limit when its rule sets one, else the kind's; an emergency is always same-day."""
    if kind == "emergency" or rule_workdays is None:
        return KIND_WORKDAYS[kind]
    return rule_workdays


def resolution_deadline(calendar: WorkCalendar, start: dt.datetime, workdays: int) -> dt.datetime:
    """End of the working day ``workdays`` after ``start`` (Beijing time); 0: the same working day."""
    return calendar.deadline(start, workdays).astimezone(dt.UTC)


def accept_deadline(start: dt.datetime, hours: float) -> dt.datetime:
    """``hours`` after ``start``, in UTC like every deadline of a ticket."""
    return (start + dt.timedelta(hours=hours)).astimezone(dt.UTC)


def next_due(
    *,
    state: str,
    accept_by: dt.datetime | None,
    deadline: dt.datetime | None,
    acceptance_overdue: bool,
    resolution_overdue: bool,
    escalation_level: int,
) -> dt.datetime | None:
    """The next moment the scheduler has something to raise for this ticket, or None."""
    candidates: list[dt.datetime] = []
    if state == "dispatched" and not acceptance_overdue and accept_by is not None:
        candidates.append(accept_by)
    if state in ("dispatched", "accepted", "handled") and deadline is not None:
        if not resolution_overdue:
            candidates.append(deadline)
        for rung in LADDER:
            if rung.level > escalation_level:
                candidates.append(deadline + rung.after)
                break
    return min(candidates) if candidates else None
