"""The unit of unit_setup in an app the tests of a module share: a module builds it once, each test
gives it its own clock and works on state of its own (its quarter, its week, its person). A test
whose writes the others must not see (the unit's deadlines, its board as of a time) has a unit of
its own."""

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


@pytest.fixture
async def own_unit(database: str, make_settings, serve, auth, clock: Callable[[], dt.datetime]) -> AsyncIterator[Unit]:
    """A unit of this test alone, in an app on a database of its own and on this test's clock."""
    app = create_app(make_settings("appraisal", database))
    async with serve(app) as client:
        app.state.runtime.clock = clock
        yield Unit(app=app, client=client, h=await build_unit(client, auth))
