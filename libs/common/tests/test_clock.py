"""The moved clock for training and staging: parsed from the environment, refused without demo
mode, and never set by the deploy."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from grassroots_common.clock import OFFSET_ENV, START_ENV, Clock, ClockRefused, advance, clock_from, parse_offset
from grassroots_common.settings import ServiceSettings

ROOT = Path(__file__).resolve().parents[3]


def test_a_real_clock_unless_asked() -> None:
    clock = clock_from(None, " ", demo=False)
    assert not clock.moved
    assert abs((clock() - dt.datetime.now(dt.UTC)).total_seconds()) < 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("+120d", dt.timedelta(days=120)),
        ("-3h", dt.timedelta(hours=-3)),
        ("90d12h", dt.timedelta(days=90, hours=12)),
        ("1d2h3m4s", dt.timedelta(days=1, hours=2, minutes=3, seconds=4)),
        ("3600", dt.timedelta(hours=1)),
        ("-86400.5", dt.timedelta(seconds=-86400.5)),
    ],
)
def test_offsets(text: str, expected: dt.timedelta) -> None:
    assert parse_offset(text) == expected
    assert clock_from(text, None, demo=True).offset == expected


@pytest.mark.parametrize("text", ["soon", "12x", "d", "+"])
def test_an_offset_that_is_not_a_duration_is_refused(text: str) -> None:
    with pytest.raises(ClockRefused, match=OFFSET_ENV):
        clock_from(text, None, demo=True)


def test_a_start_moment_runs_on_from_there() -> None:
    real = dt.datetime(2026, 12, 1, 2, 0, tzinfo=dt.UTC)
    clock = clock_from(None, "2027-03-29", demo=True, now=real)
    # A date alone is 09:00 Beijing time (01:00 UTC) of that day.
    assert clock.offset == dt.datetime(2027, 3, 29, 1, 0, tzinfo=dt.UTC) - real
    assert clock.moved
    assert clock_from(None, "2027-03-29T10:00+00:00", demo=True, now=real).offset == (
        dt.datetime(2027, 3, 29, 10, tzinfo=dt.UTC) - real
    )
    with pytest.raises(ClockRefused, match=START_ENV):
        clock_from(None, "next monday", demo=True)


def test_refused_unless_demo_mode_and_never_both() -> None:
    with pytest.raises(ClockRefused, match="SEED_DEMO"):
        clock_from("+30d", None, demo=False)
    with pytest.raises(ClockRefused, match="SEED_DEMO"):
        clock_from(None, "2027-01-04", demo=False)
    with pytest.raises(ClockRefused, match="not both"):
        clock_from("+1d", "2027-01-04", demo=True)


def test_settings_read_the_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(OFFSET_ENV, "+7d")
    settings = ServiceSettings()
    assert settings.grassroots_clock_offset == "+7d"
    assert Clock(dt.timedelta(days=7)).status()["offset_seconds"] == 7 * 86400


def test_the_deploy_never_moves_the_clock_nor_turns_demo_on() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    for name, svc in compose["services"].items():
        env = svc.get("environment") or {}
        items = env.items() if isinstance(env, dict) else (e.partition("=")[::2] for e in env)
        for key, value in items:
            assert not key.startswith("GRASSROOTS_CLOCK"), f"{name} sets {key}"
            assert not (key.endswith("SEED_DEMO") and str(value).lower() == "true"), f"{name} seeds demo data"


def test_a_demo_platform_clock_moves_forward_while_it_runs(tmp_path: Path) -> None:
    clock = clock_from("+1d", None, demo=True, data_dir=tmp_path)
    assert clock.offset == dt.timedelta(days=1)
    assert advance(tmp_path, "7d") == dt.timedelta(days=7)
    assert clock.offset == dt.timedelta(days=8)
    assert advance(tmp_path, dt.timedelta(hours=12)) == dt.timedelta(days=7, hours=12)
    assert clock.offset == dt.timedelta(days=8, hours=12)
    assert clock.status()["moved"] is True
    # Another process (a service, a restart) reads the same moves.
    assert clock_from(None, None, demo=True, data_dir=tmp_path).offset == dt.timedelta(days=7, hours=12)
    with pytest.raises(ClockRefused, match="forward"):
        advance(tmp_path, "-1d")
    # Without demo mode the moves are never read.
    assert not clock_from(None, None, demo=False, data_dir=tmp_path).moved
