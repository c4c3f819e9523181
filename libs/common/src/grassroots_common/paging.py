"""Paged lists: every list endpoint takes ``limit``/``offset`` with a hard cap and answers a Page."""

from __future__ import annotations

from typing import Annotated, Any, Generic, Self, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel

T = TypeVar("T")
MAX_LIMIT = 200


class PageParams(BaseModel):
    limit: int
    offset: int


async def page_params(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page (at most 200)")] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000, description="Items to skip")] = 0,
) -> PageParams:
    return PageParams(limit=limit, offset=offset)


PageDep = Annotated[PageParams, Depends(page_params)]


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int
    positions: dict[str, dict[str, int | str]] = {}

    @classmethod
    def of(
        cls,
        items: list[T],
        total: int,
        page: PageParams,
        positions: dict[str, dict[str, int | str]] | None = None,
        **more: Any,
    ) -> Self:
        """The page asked for (``page``): its ``items`` of ``total`` in all, and the read models'
        ``positions`` the answer was read at; ``more``, the fields a subclass adds (a board's counts)."""
        return cls(items=items, total=total, limit=page.limit, offset=page.offset, positions=positions or {}, **more)
