"""The unit of unit_setup in an app the tests of a module share: a module builds it once, each test
gives it its own clock and works on state of its own (its quarter, its week, its person)."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Callable

import pytest

from appraisal.main import create_app

from .integration.unit_setup import START, Unit, build_unit


@pytest.fixture(scope="module")
async def shared_unit(module_database: str, module_settings, serve, auth) -> AsyncIterator[Unit]:
    app = create_app(module_settings("appraisal", module_database))
    async with serve(app) as client:
        app.state.runtime.clock = lambda: START
        yield Unit(app=app, client=client, h=await build_unit(client, auth))


@pytest.fixture
def unit(shared_unit: Unit, clock: Callable[[], dt.datetime]) -> Unit:
    """The module's unit, on this test's clock (which the test may move)."""
    shared_unit.app.state.runtime.clock = clock
    return shared_unit
