"""Response shapes shared by the reporting routes."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from grassroots_common.http.models import Answer

Positions = dict[str, dict[str, dict[str, int | str]]]
"""projection -> source stream -> ``sequence`` applied and store ``checkpoint``."""
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class Column(Answer):
    key: str
    label: str


class FigureOut(Answer):
    key: str
    title: str
    columns: list[Column]
    rows: list[dict[str, Any]]
    sentence: str


def attachment(filename: str) -> dict[str, str]:
    """Content-Disposition for a download with a Chinese file name (RFC 6266 / 5987)."""
    ascii_name = filename.encode("ascii", "ignore").decode() or "document"
    return {"Content-Disposition": f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"}
