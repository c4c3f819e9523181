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
