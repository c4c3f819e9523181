"""Demo users a service offers the embedded default's sign-in page (never used in deploy)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class DemoUser:
    sub: str
    name: str
    roles: tuple[str, ...]
    title: str
    scopes: dict[str, str] = field(default_factory=dict)
    # Where the user works, by name (the sign-in page groups by it instead of a raw scope id).
    place: str | None = None


# One person in two services' demo data: a staff member of the human resources bureau's demo roster
# (appraisal, the seeded roster's person rsj-047) who also handles the bureau's grid tickets (wage
# arrears). Both services record the roster's person id, so the growth archive joins her appraisal
# results with the tickets she accepted, as it joins anyone's in a deploy.
HR_TICKET_HANDLER = ("rsj-047", "蒋华")
