"""Domain time: the one clock every service reads "now" from (deadlines, publication and appeal
windows, overdue escalation, when an event occurred).

A training or staging platform may run on a moved clock so that a session walks a year's
deadlines without waiting: ``GRASSROOTS_CLOCK_OFFSET`` moves it by a duration (``+120d``,
``-3h``, ``90d12h``, ``3600`` seconds) or ``GRASSROOTS_CLOCK_START`` starts it at a moment
(``2027-03-29`` or ``2027-03-29T10:00``, Beijing time unless it names its zone) and lets it run
on from there. Either is refused unless demo/training mode is on (``SEED_DEMO=true``): a deploy
never runs on a moved clock. Token lifetimes and timeouts keep real time.

While a demo platform runs, ``advance`` moves its clock further forward (``grassroots clock
advance 7d``): the moves are kept in ``<data dir>/clock.json``, which every service of the
platform reads (only in demo mode), so a session walks past a publication window without a
restart, and a restart does not take the clock back.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

OFFSET_ENV = "GRASSROOTS_CLOCK_OFFSET"
START_ENV = "GRASSROOTS_CLOCK_START"
BEIJING = ZoneInfo("Asia/Shanghai")
_DURATION = re.compile(r"^(?P<sign>[+-])?(?:(?P<d>\d+)d)?(?:(?P<h>\d+)h)?(?:(?P<m>\d+)m)?(?:(?P<s>\d+)s)?$")


class ClockRefused(ValueError):
    """The clock settings cannot be used; the message says why and what to set instead."""


def real_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(slots=True)
class Clock:
    """``now()`` in UTC, ``offset`` away from real time (zero on a real clock), plus the moves
    kept in ``moves`` (a demo platform's ``clock.json``), read again whenever that file changes."""

    start_offset: dt.timedelta = dt.timedelta(0)
    moves: Path | None = None
    _seen: tuple[int, int] = field(default=(-1, -1), repr=False)
    _moved_by: dt.timedelta = field(default=dt.timedelta(0), repr=False)

    def __call__(self) -> dt.datetime:
        return real_now() + self.offset

    @property
    def offset(self) -> dt.timedelta:
        if self.moves is not None:
            try:
                found = os.stat(self.moves)
                # Each move replaces the file: a new inode even within one tick of the mtime.
                stamp = (found.st_ino, found.st_mtime_ns)
            except FileNotFoundError:
                stamp = (0, 0)
            if stamp != self._seen:
                self._seen, self._moved_by = stamp, moved_by(self.moves)
        return self.start_offset + self._moved_by

    @property
    def moved(self) -> bool:
        return self.offset != dt.timedelta(0)

    def status(self) -> dict[str, object]:
        offset = self.offset
        return {
            "now": (real_now() + offset).isoformat(),
            "moved": bool(offset),
            "offset_seconds": offset.total_seconds(),
        }


MOVES_FILE = "clock.json"


def moved_by(path: Path) -> dt.timedelta:
    """How far ``advance`` has moved a demo platform's clock (zero before any move)."""
    try:
        return dt.timedelta(seconds=float(json.loads(path.read_text())["advanced_seconds"]))
    except (FileNotFoundError, ValueError, KeyError, TypeError):
        return dt.timedelta(0)


def advance(data_dir: Path, by: str | dt.timedelta) -> dt.timedelta:
    """Move a running demo platform's clock forward by ``by``; answer how far it is moved now.
    Never backwards: the events already recorded happened before."""
    delta = parse_offset(by) if isinstance(by, str) else by
    if delta <= dt.timedelta(0):
        raise ClockRefused("the clock only moves forward: give a positive duration such as 7d")
    path = Path(data_dir) / MOVES_FILE
    total = moved_by(path) + delta
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"advanced_seconds": total.total_seconds()}))
    os.replace(tmp, path)
    return total


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


def clock_from(
    offset: str | None,
    start: str | None,
    *,
    demo: bool,
    now: dt.datetime | None = None,
    data_dir: Path | None = None,
) -> Clock:
    """The clock the settings ask for: real unless an offset or a start is set (only in demo
    mode); in demo mode with a data folder, also moved by ``advance``."""
    offset, start = (offset or "").strip() or None, (start or "").strip() or None
    moves = Path(data_dir) / MOVES_FILE if demo and data_dir is not None else None
    if offset is None and start is None:
        return Clock(moves=moves)
    if offset is not None and start is not None:
        raise ClockRefused(f"set either {OFFSET_ENV} or {START_ENV}, not both")
    if not demo:
        raise ClockRefused(
            f"{OFFSET_ENV} / {START_ENV} move the clock for training and staging only: they are refused "
            "unless demo/training mode is on (SEED_DEMO=true); unset them for a deploy"
        )
    if offset is not None:
        return Clock(parse_offset(offset), moves)
    assert start is not None
    return Clock(parse_start(start) - (now or real_now()), moves)
