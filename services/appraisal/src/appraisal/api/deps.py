"""What the routes share: the common path parameters."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path

UnitId = Annotated[str, Path(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_-]+$", examples=["u_fx_zzb"])]
