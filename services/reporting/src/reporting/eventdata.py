"""Tolerant readers of raw event data: projections read ``RecordedEvent.data`` dicts, and an
optional field that is missing (an older or newer shape) must never make a projection fail."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")


def text(data: dict[str, Any], *keys: str) -> str | None:
    """The first present, non-empty value of ``keys``, as a string."""
    for key in keys:
        value = data.get(key)
        if value is not None and value != "":
            return str(value)
    return None


def integer(data: dict[str, Any], *keys: str) -> int | None:
    # Exact type checks: this runs for every event of a rebuild, and bool is an int subclass.
    for key in keys:
        value = data.get(key)
        kind = type(value)
        if kind is int:
            return value
        if kind is float:
            return int(value)
        if kind is str and value.lstrip("-").isdigit():
            return int(value)
    return None


def flag(data: dict[str, Any], key: str) -> bool | None:
    value = data.get(key)
    return value if isinstance(value, bool) else None


def moment(data: dict[str, Any], *keys: str) -> dt.datetime | None:
    """A timezone-aware time from an ISO string (a bare date counts as its midnight UTC)."""
    for key in keys:
        value = data.get(key)
        parsed = _as_datetime(value)
        if parsed is not None:
            return parsed
    return None


def day(data: dict[str, Any], *keys: str) -> dt.date | None:
    for key in keys:
        value = data.get(key)
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str) and len(value) >= 10:
            try:
                return dt.date.fromisoformat(value[:10])
            except ValueError:
                continue
    return None


def quarter(data: dict[str, Any]) -> str | None:
    """``YYYY-Qn`` from a ``quarter`` string, or from ``year`` and a numeric ``quarter``."""
    value = data.get("quarter")
    if isinstance(value, str) and _QUARTER.match(value):
        return value
    year = integer(data, "year")
    number = value if isinstance(value, int) and not isinstance(value, bool) else None
    if year is not None and number is not None and 1 <= number <= 4:
        return f"{year}-Q{number}"
    return None


def _as_datetime(value: object) -> dt.datetime | None:
    if type(value) is str and len(value) >= 10:  # the shape of every event's JSON: try it first
        try:
            parsed = dt.datetime.fromisoformat(value)
        except ValueError:
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC)
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def listed_people(data: dict[str, Any]) -> list[tuple[str, str | None, str | None]]:
    """(person, grade, name) of the participants or the results a unit-quarter event lists."""
    listed = data.get("results") or data.get("participants") or []
    out = []
    for item in listed if isinstance(listed, list) else []:
        if isinstance(item, dict) and (person := text(item, "person_id")):
            out.append((person, text(item, "grade"), text(item, "person_name")))
    return out
