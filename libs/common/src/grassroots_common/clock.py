"""Domain time: the one clock every service reads "now" from (deadlines, publication and appeal
windows, overdue escalation, when an event occurred).

A training or staging platform may run on a moved clock so that a session walks a year's
deadlines without waiting: ``GRASSROOTS_CLOCK_OFFSET`` moves it by a duration (``+120d``,
``-3h``, ``90d12h``, ``3600`` seconds) or ``GRASSROOTS_CLOCK_START`` starts it at a moment
(``2027-03-29`` or ``2027-03-29T10:00``, Beijing time unless it names its zone) and lets it run
on from there. Either is refused unless demo/training mode is on (``SEED_DEMO=true``): a deploy
never runs on a moved clock. Token lifetimes and timeouts keep real time.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

OFFSET_ENV = "GRASSROOTS_CLOCK_OFFSET"
START_ENV = "GRASSROOTS_CLOCK_START"
BEIJING = ZoneInfo("Asia/Shanghai")
_DURATION = re.compile(r"^(?P<sign>[+-])?(?:(?P<d>\d+)d)?(?:(?P<h>\d+)h)?(?:(?P<m>\d+)m)?(?:(?P<s>\d+)s)?$")


class ClockRefused(ValueError):
    """The clock settings cannot be used; the message says why and what to set instead."""


def real_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True, slots=True)
class Clock:
    """``now()`` in UTC, ``offset`` away from real time (zero on a real clock)."""

    offset: dt.timedelta = dt.timedelta(0)

    def __call__(self) -> dt.datetime:
        return real_now() + self.offset

    @property
    def moved(self) -> bool:
        return self.offset != dt.timedelta(0)

    def status(self) -> dict[str, object]:
        return {"now": self().isoformat(), "moved": self.moved, "offset_seconds": self.offset.total_seconds()}


def parse_offset(text: str) -> dt.timedelta:
    text = text.strip().replace(" ", "")
    try:
        return dt.timedelta(seconds=float(text))
    except ValueError:
        pass
    match = _DURATION.match(text.lower())
    if not text or match is None or not any(match.group(k) for k in "dhms"):
        raise ClockRefused(f"{OFFSET_ENV}={text!r}: write a duration such as +120d, -3h, 90d12h or 3600 (seconds)")
    parts = {k: int(match.group(k) or 0) for k in "dhms"}
    delta = dt.timedelta(days=parts["d"], hours=parts["h"], minutes=parts["m"], seconds=parts["s"])
    return -delta if match.group("sign") == "-" else delta


def parse_start(text: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise ClockRefused(
            f"{START_ENV}={text!r}: write a date or time such as 2027-03-29 or 2027-03-29T10:00"
        ) from exc
    if len(text.strip()) == 10:  # a date alone: the start of a working day
        moment = moment.replace(hour=9)
    return moment if moment.tzinfo else moment.replace(tzinfo=BEIJING)


def clock_from(offset: str | None, start: str | None, *, demo: bool, now: dt.datetime | None = None) -> Clock:
    """The clock the settings ask for: real unless an offset or a start is set (only in demo mode)."""
    offset, start = (offset or "").strip() or None, (start or "").strip() or None
    if offset is None and start is None:
        return Clock()
    if offset is not None and start is not None:
        raise ClockRefused(f"set either {OFFSET_ENV} or {START_ENV}, not both")
    if not demo:
        raise ClockRefused(
            f"{OFFSET_ENV} / {START_ENV} move the clock for training and staging only: they are refused "
            "unless demo/training mode is on (SEED_DEMO=true); unset them for a deploy"
        )
    if offset is not None:
        return Clock(parse_offset(offset))
    assert start is not None
    return Clock(parse_start(start) - (now or real_now()))
