"""What the routes share: the idempotency of a command request and the common path parameters."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Request
from pydantic import BaseModel

from grassroots_common.auth import Principal
from grassroots_common.commands import Idempotency
from grassroots_common.http import idempotency

UnitId = Annotated[str, Path(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_-]+$", examples=["u_fx_zzb"])]


class Body(BaseModel):
    """Base of every command body: unknown fields are refused."""

    model_config = {"extra": "forbid"}


def command_idempotency(
    key: str | None, principal: Principal, request: Request, body: BaseModel | None
) -> Idempotency | None:
    return idempotency(key, principal, request, body if body is not None else {})
