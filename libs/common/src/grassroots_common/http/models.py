"""The two bases of every service's HTTP models: ``Body`` for what a command receives and
``Answer`` for what a route answers (its OpenAPI response model)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Body(BaseModel):
    """Base of a command body: unknown fields are refused (422), so a misspelt field is never
    silently dropped."""

    model_config = ConfigDict(extra="forbid")


class Answer(BaseModel):
    """Base of a response model: it documents the answer; columns it does not name are left out
    (a service whose answers carry every read-model column sets ``extra="allow"``)."""
