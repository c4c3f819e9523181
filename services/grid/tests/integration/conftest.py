"""The grid app the tests of a module share: a module builds it once (its own database, stream
prefix and data folder), each test gives it its own clock and works in a place of its own."""

from __future__ import annotations

import pytest

from grid.main import create_app

SETTINGS = {"grid_scheduler_interval_seconds": 3600}  # the scheduler runs only when a test asks it to


@pytest.fixture(scope="module")
async def shared_grid(module_database, module_settings, serve):
    app = create_app(module_settings("grid", module_database, **SETTINGS))
    async with serve(app) as client:
        yield client, app


@pytest.fixture
def grid(shared_grid, clock):
    """The module's app, on this test's clock (which the test may move)."""
    client, app = shared_grid
    app.state.runtime.clock = clock
    return client
