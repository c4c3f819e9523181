"""The data of the appraisal events the reminder tests fold: a person enrolled, a week's log submitted."""

from __future__ import annotations

from typing import Any

UNIT = "u-zzb"


def person_enrolled(person: str, chain: dict[str, str | None], on: str = "2026-01-05") -> dict[str, Any]:
    return {
        "unit_id": UNIT,
        "person_id": person,
        "person_name": f"姓名{person}",
        "section_id": "s1",
        "chain": chain,
        "enrolled_on": on,
    }


def log_submitted(person: str, week: str) -> dict[str, Any]:
    return {
        "unit_id": UNIT,
        "person_id": person,
        "person_name": "x",
        "week": week,
        "items": [],
        "submitted_at": "2026-11-25T02:00:00+00:00",
        "deadline": "2026-11-30T04:00:00+00:00",
        "late": False,
    }
