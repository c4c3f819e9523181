"""Bounded field types for event contracts and command bodies: every number within what its meaning
allows, every text normalized at the boundary.

An event appended must load again, so a contract refuses what a reader could not take back (an
integer beyond int64, a NUL that PostgreSQL's jsonb refuses, a control character Word or Excel
refuses in an export). A command body uses the same types, tightened where its route knows more
(``Name`` with ``Field(max_length=60)``); a contract's bound is never tighter than a body's, so
what a route accepts an event holds.

Text is normalized, not only checked: NFC; ``\\n`` and ``\\t`` kept; Word's manual line break
``\\x0b``, the form feed ``\\x0c`` and ``\\r`` (alone or before ``\\n``) become ``\\n``; any other C0 or
C1 control character, NUL included, and a lone surrogate are refused with an error naming the
field (``text_control_character``). Text already stored by an older version is read leniently
(``STORED``: such characters are dropped), so a stream that once took them still loads. A key
(an id) is only checked: it has no control character at all.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, ValidationInfo
from pydantic_core import PydanticCustomError

# --- numbers ---------------------------------------------------------------------------------

MAX_FEN = 10**13
"""100 billion yuan in fen: above any sum a district handles, far inside int64 (9.2 × 10^18)."""

Fen = Annotated[int, Field(ge=0, le=MAX_FEN, description="金额（分）", examples=[5_000_000])]
PositiveFen = Annotated[int, Field(gt=0, le=MAX_FEN, description="金额（分），大于 0", examples=[5_000_000])]
SignedFen = Annotated[int, Field(ge=-MAX_FEN, le=MAX_FEN, description="金额（分），可为负", examples=[-20_000])]

MAX_COUNT = 10_000_000
Count = Annotated[int, Field(ge=0, le=MAX_COUNT, description="数量")]
"""People, households, rows, projects: anything counted, never negative."""
PositiveCount = Annotated[int, Field(ge=1, le=MAX_COUNT, description="数量，至少 1")]

Percent = Annotated[int, Field(ge=0, le=100, description="百分比（0–100）", examples=[60])]
Ratio = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False, description="比例（0–1）", examples=[0.4])]

Score = Annotated[int, Field(ge=0, le=10_000, description="得分（整数）")]
"""An inspection score or its maximum."""
Points = Annotated[float, Field(ge=-10_000, le=10_000, allow_inf_nan=False, description="分值")]
"""Indicator points and composite scores (a negative-list item deducts)."""

Year = Annotated[int, Field(ge=2000, le=2100, description="年度", examples=[2026])]
Revision = Annotated[int, Field(ge=1, le=1_000_000, description="修订次数，从 1 起")]
Round = Annotated[int, Field(ge=1, le=1000, description="轮次，从 1 起")]
Workdays = Annotated[int, Field(ge=0, le=365, description="工作日数")]
Hours = Annotated[float, Field(ge=0, le=24 * 365, allow_inf_nan=False, description="小时数")]
Level = Annotated[int, Field(ge=0, le=100, description="级别")]
Latitude = Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False, description="纬度")]
Longitude = Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False, description="经度")]

# --- text --------------------------------------------------------------------------------------

STORED = "stored"
"""Validation context key: the data was read from the store (lenient text), not received."""

_LINE_BREAKS = re.compile("\r\n|[\r\x0b\x0c]")
_REFUSED = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_XML_REFUSED = re.compile("[\x00-\x08\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _stored(info: ValidationInfo) -> bool:
    context = info.context
    return isinstance(context, dict) and bool(context.get(STORED))


def _refusal(char: str) -> PydanticCustomError:
    return PydanticCustomError(
        "text_control_character",
        "含有不可见的控制字符 {char}（常见于从 Word 或表格粘贴的内容），请删除后重新输入",
        {"char": f"U+{ord(char):04X}"},
    )


def normalize_text(value: Any, info: ValidationInfo) -> Any:
    """Text as kept: line breaks unified, NFC, control characters refused (dropped when stored).
    Runs before the string's own checks, so that a route's tighter ``max_length`` composes with it
    in every spelling (``Name = Field(max_length=60)`` included) and counts the normalized text."""
    if not isinstance(value, str):
        return value
    if value.isprintable():  # the common case: no line break, no control character, no surrogate
        if value.isascii() or unicodedata.is_normalized("NFC", value):
            return value
        return unicodedata.normalize("NFC", value)
    value = _LINE_BREAKS.sub("\n", value)
    bad = _REFUSED.search(value)
    if bad is not None:
        if not _stored(info):
            raise _refusal(bad.group())
        value = _REFUSED.sub("", value)
    return value if unicodedata.is_normalized("NFC", value) else unicodedata.normalize("NFC", value)


def refused_character(value: str) -> str | None:
    """The first character text normalization refuses, if any (for input read from a file, whose
    rows are refused one by one rather than the whole request)."""
    bad = _REFUSED.search(_LINE_BREAKS.sub("\n", value))
    return bad.group() if bad is not None else None


def export_safe(value: Any) -> str:
    """Text for a .docx or .xlsx: characters XML 1.0 cannot hold (the C0 controls but ``\\t``,
    ``\\n``, ``\\r``; lone surrogates; U+FFFE/U+FFFF) dropped, ``\\x0b``/``\\x0c`` as line breaks. For
    text stored before the boundary refused them: an export never fails on what it finds."""
    text = "" if value is None else str(value)
    if text.isascii() and text.isprintable():
        return text
    text = _LINE_BREAKS.sub("\n", text)
    return _XML_REFUSED.sub("", text)


MAX_KEY = 128
MAX_NAME = 200
MAX_TEXT = 20_000

KEY_PATTERN = "^[^\x00-\x1f\x7f-\x9f]*$"
"""No control character at all, line breaks included: checked by pydantic's own regex, not by a
Python function, because keys are most of an event's fields and events are validated on every load."""
Key = Annotated[str, Field(max_length=MAX_KEY, pattern=KEY_PATTERN)]
"""An id, a code or a key (``person_id``, ``week``, ``category``): short, one line, no control
character (refused as ``string_pattern_mismatch``, answered as a control character)."""
Name = Annotated[str, BeforeValidator(normalize_text), Field(max_length=MAX_NAME)]
"""A name, a title, an address, a position: a short text."""
Text = Annotated[str, BeforeValidator(normalize_text), Field(max_length=MAX_TEXT)]
"""A reason, a note, a comment, a description, a log: a long text as an office pastes it."""
