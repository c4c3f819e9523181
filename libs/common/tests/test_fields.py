"""The bounded field types: text normalized at the boundary, a route's tighter length composing
with a type's in every spelling, and text made safe for an export."""

from __future__ import annotations

from typing import Annotated

import pytest
from pydantic import BaseModel, Field, ValidationError

from grassroots_common.fields import STORED, Key, Name, Text, export_safe


class Body(BaseModel):
    short: Name = Field(max_length=5)
    annotated: Annotated[Name, Field(max_length=5)] = "a"
    text: Text = ""
    key: Key = "k"


def _refused(**values: str) -> tuple[str, str]:
    with pytest.raises(ValidationError) as refused:
        Body(**values)
    first = refused.value.errors()[0]
    return ".".join(str(p) for p in first["loc"]), first["type"]


def test_line_breaks_are_kept_or_made_and_text_is_nfc() -> None:
    body = Body(short="a\x0bb\x0cc", text="一\r\n二\r三\t四\ne\u0301")
    assert (body.short, body.text) == ("a\nb\nc", "一\n二\n三\t四\n\u00e9")


@pytest.mark.parametrize("char", ["\x00", "\x01", "\x1b", "\x7f", "\x85", "\x9f", "\ud800"])
def test_other_control_characters_are_refused_naming_the_field(char: str) -> None:
    assert _refused(short="ab", text=f"x{char}y") == ("text", "text_control_character")
    assert _refused(short="ab", key=f"k{char}")[0] == "key"
    assert _refused(short="ab", key="a\nb") == ("key", "string_pattern_mismatch")


def test_a_tighter_length_holds_in_every_spelling() -> None:
    assert _refused(short="abcdef")[0] == "short"
    assert _refused(short="a", annotated="abcdef")[0] == "annotated"
    assert _refused(short="a", text="长" * 20_001)[0] == "text"
    assert Body(short="a\r\nbcd").short == "a\nbcd"  # counted after normalization


def test_text_stored_by_an_older_version_loads_without_what_is_now_refused() -> None:
    stored = Body.model_validate({"short": "a\x01b", "text": "x\x00y"}, context={STORED: True})
    assert (stored.short, stored.text) == ("ab", "xy")


def test_export_safe_text_holds_nothing_xml_refuses() -> None:
    assert export_safe("第一\x0b第二\x01\x00\ufffe\t完\r\n") == "第一\n第二\t完\n"
    assert export_safe(None) == "" and export_safe(12) == "12" and export_safe("plain") == "plain"
