"""Errors every service raises, by kind: a rule refused a value, the state refused a command, the
principal may not, a record is missing, and so on.

Each error has a stable ``code`` clients can branch on and a ``message`` in Chinese a user can act
on; ``field`` names the request field it concerns so a form can show it next to that field. An
error names its kind only: the HTTP layer answers each kind with its status as problem+json
(``grassroots_common.http.refusals``).
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A refusal, by its kind (the subclass)."""

    def __init__(self, code: str, message: str, *, field: str | None = None, **extra: Any) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
        self.extra = extra


class Invalid(DomainError):
    """The request is well-formed but a value breaks a rule."""


class Conflict(DomainError):
    """The command does not fit the current state: a state-machine rule refused it."""


class Forbidden(DomainError):
    """The principal may not do this, or not here."""


class Unauthorized(DomainError):
    """Who is asking is not known: no token, or one that does not verify."""


class NotFound(DomainError):
    """The record the request names does not exist."""


class TooLarge(DomainError):
    """The request is larger than its cap."""


class Unavailable(DomainError):
    """The service cannot answer yet (starting) or for now."""
