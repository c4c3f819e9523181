"""Errors every service raises, answered as ``application/problem+json`` (RFC 9457).

Each error has a stable ``code`` clients can branch on and a ``message`` in Chinese a user can act
on; ``field`` names the request field it concerns so a form can show it next to that field.
"""

from __future__ import annotations

from typing import Any


class ProblemError(Exception):
    status: int = 400
    title: str = "Bad request"

    def __init__(self, code: str, message: str, *, field: str | None = None, **extra: Any) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
        self.extra = extra

    def body(self, instance: str = "") -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": f"/problems/{self.code}",
            "title": self.title,
            "status": self.status,
            "code": self.code,
            "detail": self.message,
            "instance": instance,
        }
        if self.field:
            body["errors"] = [{"field": self.field, "code": self.code, "message": self.message}]
        body.update(self.extra)
        return body


class Invalid(ProblemError):
    """The request is well-formed but a value breaks a rule (422)."""

    status = 422
    title = "Unprocessable request"


class Conflict(ProblemError):
    """The command does not fit the current state (409): a state-machine rule refused it."""

    status = 409
    title = "Conflict with current state"


class Forbidden(ProblemError):
    status = 403
    title = "Forbidden"


class Unauthorized(ProblemError):
    status = 401
    title = "Unauthorized"


class NotFound(ProblemError):
    status = 404
    title = "Not found"


class TooLarge(ProblemError):
    status = 413
    title = "Payload too large"


class Unavailable(ProblemError):
    status = 503
    title = "Service unavailable"
