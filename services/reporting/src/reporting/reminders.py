"""What is due, for whom: the reminder rules of the inbox (收件箱), pure over read-model rows.

- **Logs due** (``log_due``): a person on the roster owes the weekly log of the current week, and
  the previous week's while it is missing; a returned log is owed again. The deadline is the unit's
  rule (default Monday 12:00 after the week, Beijing time).
- **Reviews waiting**: weekly logs of the current and previous week submitted and not yet read by
  the person's first reviewer (``log_review``, one reminder per week), and quarter participants
  waiting for this leader's level of the reviewing chain (``quarter_review``, one per unit quarter).
- **Tickets near their limit** (``ticket_due``): tickets a department holds (or a community
  dispatched) whose resolution deadline falls within ``workdays`` working days, or has passed.

A reminder is identified by (recipient, kind, subject, period): the notification port sends each
identity once. A ticket reminder's recipient is the holder, ``department:<id>`` or
``community:<id>``: tickets are held by a department or a community, not by one person, and the
gateway behind the port routes them to whoever holds that role.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from grassroots_common.workdays import CHINA, WorkCalendar
from reporting.projections.inbox import InboxRows, first_reviewer

Kind = Literal["log_due", "log_review", "quarter_review", "ticket_due"]
KINDS: tuple[Kind, ...] = ("log_due", "log_review", "quarter_review", "ticket_due")
LEVEL_NAMES = {"section_chief": "股组长初审", "deputy_leader": "分管领导复审", "principal_leader": "主要领导终审"}
# Tickets the department still has to work on; reported-back ones wait for the community.
OPEN_FOR_DEPARTMENT = frozenset({"dispatched", "accepted", "handled"})
DEFAULT_WEEKDAY, DEFAULT_HOUR = 1, 12


@dataclass(frozen=True, slots=True)
class Reminder:
    recipient: str
    kind: Kind
    subject: str
    period: str
    title: str
    detail: str
    link: str
    due_at: dt.datetime | None = None
    count: int = 1

    @property
    def key(self) -> str:
        """The reminder's identity, also the Idempotency-Key a webhook receiver can deduplicate by."""
        return f"{self.recipient}|{self.kind}|{self.subject}|{self.period}"


def week_of(moment: dt.datetime) -> str:
    year, number, _ = moment.astimezone(CHINA).isocalendar()
    return f"{year}-W{number:02d}"


def week_start(week: str) -> dt.date:
    return dt.date.fromisocalendar(int(week[:4]), int(week[6:]), 1)


def shift_week(week: str, weeks: int) -> str:
    return week_of(dt.datetime.combine(week_start(week) + dt.timedelta(weeks=weeks), dt.time(12), CHINA))


def week_label(week: str) -> str:
    start = week_start(week)
    end = start + dt.timedelta(days=6)
    return f"{week[:4]}年第{int(week[6:])}周（{start.month}月{start.day}日—{end.month}月{end.day}日）"


def log_deadline(week: str, weekday: int = DEFAULT_WEEKDAY, hour: int = DEFAULT_HOUR) -> dt.datetime:
    day = week_start(week) + dt.timedelta(days=7 + weekday - 1)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=CHINA)


def moment_text(moment: dt.datetime) -> str:
    local = moment.astimezone(CHINA)
    return f"{local.month}月{local.day}日 {local:%H:%M}"


def quarter_label(quarter: str) -> str:
    return f"{quarter[:4]}年第{'一二三四'[int(quarter[-1]) - 1]}季度"


def weeks_in_view(now: dt.datetime) -> tuple[str, str]:
    """The current week and the one before: the weeks whose logs the inbox follows."""
    current = week_of(now)
    return current, shift_week(current, -1)


def logs_due(rows: InboxRows, person_id: str, now: dt.datetime) -> list[Reminder]:
    person = rows.roster.get((person_id,))
    if person is None or not person.get("active"):
        return []
    rule = rows.deadlines.get((person.get("unit_id"),)) or {}
    weekday, hour = rule.get("log_weekday") or DEFAULT_WEEKDAY, rule.get("log_hour", DEFAULT_HOUR)
    current, previous = weeks_in_view(now)
    out = []
    for week in (previous, current):
        start = week_start(week)
        enrolled, left = person.get("enrolled_on"), person.get("left_on")
        if (enrolled is not None and enrolled > start + dt.timedelta(days=6)) or (left is not None and left <= start):
            continue
        log = rows.logs.get((person_id, week))
        if log is not None and log.get("status") != "returned":
            continue
        deadline = log_deadline(week, weekday, hour)
        titles = {current: "本周纪实未提交", previous: "上周纪实未提交"}
        title = "纪实被退回，待修改" if log is not None else titles[week]
        if deadline > now:
            detail = f"{week_label(week)}的周纪实，请在 {moment_text(deadline)} 前提交"
        else:
            detail = f"{week_label(week)}的周纪实已过截止时间（{moment_text(deadline)}），现在提交记为迟交"
        # A returned log is owed again: a reminder of its own, after the one of the first due.
        period = week if log is None else f"{week}/returned"
        out.append(Reminder(person_id, "log_due", week, period, title, detail, f"/staff/log?week={week}", deadline))
    return out


def log_reviews(rows: InboxRows, now: dt.datetime, reviewer_id: str | None = None) -> list[Reminder]:
    """Per first reviewer and week, the logs waiting to be read (one reviewer's, or everyone's)."""
    waiting: dict[tuple[str, str], int] = {}
    weeks = weeks_in_view(now)
    for (person_id, week), log in rows.logs.items():
        person = rows.roster.get((person_id,))
        if week not in weeks or log.get("status") != "submitted" or log.get("reviewed") or person is None:
            continue
        reviewer = first_reviewer(person)
        if reviewer is None or reviewer == person_id or reviewer_id not in (None, reviewer):
            continue
        waiting[(reviewer, week)] = waiting.get((reviewer, week), 0) + 1
    return [
        Reminder(
            reviewer,
            "log_review",
            week,
            week,
            "周纪实待批阅",
            f"{week_label(week)}有 {count} 篇周纪实等待你批阅",
            f"/unit/logs?week={week}",
            count=count,
        )
        for (reviewer, week), count in sorted(waiting.items(), key=lambda kv: (kv[0][0], kv[0][1]), reverse=True)
    ]


def quarter_reviews(rows: InboxRows, reviewer_id: str | None = None) -> list[Reminder]:
    """Per reviewer and unit quarter, the participants waiting for that reviewer's level."""
    waiting: dict[tuple[str, str, str], list[str]] = {}
    for (unit, quarter, _), row in rows.quarters.items():
        reviewer = row.get("waiting_for")
        if reviewer is not None and reviewer_id in (None, reviewer):
            waiting.setdefault((reviewer, unit, quarter), []).append(row.get("waiting_level") or "")
    out = []
    for (reviewer, unit, quarter), levels in sorted(waiting.items(), key=lambda kv: (kv[0][0], kv[0][2]), reverse=True):
        level = LEVEL_NAMES.get(levels[0], "审核") if len(set(levels)) == 1 else "审核"
        out.append(
            Reminder(
                reviewer,
                "quarter_review",
                f"{unit}/{quarter}",
                quarter,
                "季度考核待审核",
                f"{quarter_label(quarter)}有 {len(levels)} 人等待你{level}",
                "/leader/queue",
                count=len(levels),
            )
        )
    return out


def tickets_due(
    recipient: str, tickets: Iterable[dict], now: dt.datetime, calendar: WorkCalendar, workdays: int
) -> list[Reminder]:
    """Open tickets whose deadline is before the end of the ``workdays``-th working day from today
    (0: today), or has passed. A new deadline (an extension, a reopening) is a new period."""
    horizon = calendar.deadline(now, workdays)
    out = []
    for t in tickets:
        deadline = t.get("deadline")
        if t.get("status") not in OPEN_FOR_DEPARTMENT or deadline is None or deadline > horizon:
            continue
        overdue = deadline <= now
        title = "工单已超期" if overdue else "工单临近办理时限"
        when = f"办理时限 {moment_text(deadline)}"
        out.append(
            Reminder(
                recipient,
                "ticket_due",
                t["ticket_id"],
                f"{deadline.astimezone(dt.UTC):%Y-%m-%dT%H:%MZ}/{'overdue' if overdue else 'near'}",
                title,
                f"{t.get('title') or '工单'}：{when}{'，已超期' if overdue else ''}",
                f"/tickets/{t['ticket_id']}",
                deadline,
            )
        )
    return sorted(out, key=lambda r: r.due_at or now)


def for_person(rows: InboxRows, person_id: str, now: dt.datetime) -> list[Reminder]:
    """A person's own reminders: their logs, and the reviews waiting for them."""
    return [*logs_due(rows, person_id, now), *log_reviews(rows, now, person_id), *quarter_reviews(rows, person_id)]


def for_everyone(rows: InboxRows, now: dt.datetime) -> list[Reminder]:
    """Every person's reminders from the rows (the scheduler's pass); tickets are added per holder."""
    due = [r for (person_id,) in rows.roster for r in logs_due(rows, person_id, now)]
    return [*due, *log_reviews(rows, now), *quarter_reviews(rows)]
