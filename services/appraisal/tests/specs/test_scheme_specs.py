"""The indicator scheme of a unit's year: defined, revised, fixed once a quarter of the year began."""

from __future__ import annotations

from appraisal.domain.quarter import quarter_stream_id
from appraisal.domain.scheme import scheme_stream_id
from appraisal.handlers.scheme import DefineScheme, define_scheme
from grassroots_common.contracts.appraisal import Indicator, SchemeDefined
from grassroots_common.specification import Specification

from .given import ADMIN, INDICATORS, MONDAY, OTHER_ADMIN, opened

SCHEME = scheme_stream_id("u1", 2026)


async def test_the_administrator_defines_the_years_scheme() -> None:
    spec = Specification(at=MONDAY)
    outcome = await spec.when(define_scheme, DefineScheme(unit_id="u1", year=2026, indicators=INDICATORS), as_=ADMIN)
    assert outcome.events == [
        SchemeDefined(unit_id="u1", year=2026, revision=1, indicators=INDICATORS, scored_total=100)
    ]
    assert outcome.answer.stream_id == SCHEME and outcome.answer.data == {"revision": 1}


async def test_a_scheme_defined_again_is_its_next_revision() -> None:
    spec = Specification(at=MONDAY)
    await spec.when(define_scheme, DefineScheme(unit_id="u1", year=2026, indicators=INDICATORS), as_=ADMIN)
    outcome = await spec.when(define_scheme, DefineScheme(unit_id="u1", year=2026, indicators=INDICATORS), as_=ADMIN)
    assert outcome.events[0].revision == 2 and outcome.answer.data == {"revision": 2}


async def test_the_scheme_is_fixed_once_a_quarter_of_its_year_is_open() -> None:
    spec = Specification(at=MONDAY)
    await spec.given(quarter_stream_id("u1", "2026-Q2"), opened("2026-Q2"))
    outcome = await spec.when(define_scheme, DefineScheme(unit_id="u1", year=2026, indicators=INDICATORS), as_=ADMIN)
    outcome.refused("scheme_in_use")


async def test_a_quarter_of_another_year_leaves_the_scheme_open() -> None:
    spec = Specification(at=MONDAY)
    await spec.given(quarter_stream_id("u1", "2025-Q4"), opened("2025-Q4"))
    outcome = await spec.when(define_scheme, DefineScheme(unit_id="u1", year=2026, indicators=INDICATORS), as_=ADMIN)
    assert [type(e) for e in outcome.events] == [SchemeDefined]


async def test_scored_indicators_total_a_hundred_points() -> None:
    spec = Specification(at=MONDAY)
    short = [Indicator(code="c1", name="政治素质", kind="common", dimension="德", max_points=60)]
    outcome = await spec.when(define_scheme, DefineScheme(unit_id="u1", year=2026, indicators=short), as_=ADMIN)
    outcome.refused("scheme_weights_invalid")


async def test_an_administrator_defines_no_scheme_of_another_unit() -> None:
    spec = Specification(at=MONDAY)
    command = DefineScheme(unit_id="u1", year=2026, indicators=INDICATORS)
    outcome = await spec.when(define_scheme, command, as_=OTHER_ADMIN)
    outcome.refused("other_unit")
