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
