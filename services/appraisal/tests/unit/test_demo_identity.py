"""The demo's one person in two services: the grid demo's HR ticket handler is a person of the
appraisal demo roster, with the same id and name, still on it (so her growth archive joins both)."""

from __future__ import annotations

import datetime as dt

from appraisal.demo.cast import UNITS, _roster
from grassroots_common.demo import HR_TICKET_HANDLER


def test_the_hr_ticket_handler_is_on_the_hr_bureaus_demo_roster() -> None:
    index = next(i for i, spec in enumerate(UNITS) if spec.unit_id == "u_rsj")
    _, people = _roster(index, dt.date(2026, 1, 1))
    person_id, name = HR_TICKET_HANDLER
    person = next((p for p in people if p.person_id == person_id), None)
    assert person is not None, f"{person_id} is not (or no longer) on the demo roster of u_rsj"
    assert (person.name, person.role) == (name, "staff")
