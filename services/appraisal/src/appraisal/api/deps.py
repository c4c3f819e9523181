"""What the routes share: the base of command bodies and the common path parameters."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path
from pydantic import BaseModel

UnitId = Annotated[str, Path(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_-]+$", examples=["u_fx_zzb"])]


class Body(BaseModel):
    """Base of every command body: unknown fields are refused."""

    model_config = {"extra": "forbid"}
