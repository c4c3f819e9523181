"""Request field types shared by the village routes: ids, months, years, money in fen, uploads.

The bounds and the text normalization are ``grassroots_common.fields``'; these are their village
spellings (a name up to 60 characters, a text up to 1000). ``Line`` is a short text whose route
sets its own length."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query
from pydantic import Field

from grassroots_common import fields as bounded
from grassroots_common.http.dependencies import AfterQuery, ReadAfter, RuntimeDep
from grassroots_common.projections.projection import Projection

TOWN_ID = r"^\d{9}$"
VILLAGE_ID = r"^\d{12}$"
MONTH = r"^20\d{2}-(0[1-9]|1[0-2])$"  # years 2000–2099: the month and the next one exist

TownId = Annotated[str, Field(pattern=TOWN_ID, examples=["610305101"], description="镇的统计用区划代码（9 位）")]
VillageId = Annotated[
    str, Field(pattern=VILLAGE_ID, examples=["610305101201"], description="村的统计用区划代码（12 位）")
]
Year = bounded.Year
Month = Annotated[str, Field(pattern=MONTH, examples=["2026-11"])]
Fen = bounded.Fen
PositiveFen = bounded.PositiveFen
Key = bounded.Key
Line = bounded.Name
Name = Annotated[bounded.Name, Field(min_length=1, max_length=60)]
Text = Annotated[bounded.Text, Field(max_length=1000)]
Percent = bounded.Percent
UploadIds = Annotated[
    list[Annotated[bounded.Key, Field(min_length=1, max_length=64)]],
    Field(default=[], max_length=20, description="POST /api/v1/uploads 返回的 upload_id"),
]

YearQuery = Annotated[int, Query(ge=2000, le=2100, description="年度", examples=[2026])]
TownQuery = Annotated[str | None, Query(pattern=TOWN_ID, description="镇")]
VillageQuery = Annotated[str | None, Query(pattern=VILLAGE_ID, description="村")]
SOURCE = "village"


def read_after(*projections: type[Projection]):
    """``?after=<position>`` over several read models (a list joined to the villages' names):
    wait until each includes the command, or its own last event before it."""
    waits = [ReadAfter(p, SOURCE) for p in projections]

    async def dependency(runtime: RuntimeDep, after: AfterQuery = None) -> dict[str, dict[str, int | str]]:
        positions: dict[str, dict[str, int | str]] = {}
        for wait in waits:
            reached = await wait(runtime, after)
            positions[wait.name] = reached.get(SOURCE, {})
        return positions

    return Depends(dependency)
