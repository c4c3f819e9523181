"""`grassroots up` before and around its processes: ports it must not share, the demo sign-in's
conditions, and the supervisor's restarts with backoff (the fault test kills real processes)."""

from __future__ import annotations

import itertools
import socket
import threading
import time

import pytest
from typer.testing import CliRunner

from grassroots_cli import platform as platform_module
from grassroots_cli.main import app as cli
from grassroots_cli.platform import Child, Platform
from grassroots_common.embedded import NatsServer, PortTaken, free_port


@pytest.mark.parametrize("command", ["up", "cluster"])
def test_up_refuses_a_port_another_program_holds(tmp_path, command: str) -> None:
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        port = held.getsockname()[1]
        for option in ("--nats-port", "--port"):
            args = [command, "--data-dir", str(tmp_path / "data"), option, str(port)]
            result = CliRunner().invoke(cli, args, env={"COLUMNS": "200"})
            assert result.exit_code == 1, result.output
            assert f"port {port}" in result.output and "already in use" in result.output
    assert not (tmp_path / "data").exists()  # refused before anything was started


def test_embedded_nats_never_takes_a_foreign_server_for_its_own(tmp_path) -> None:
    port = free_port()
    foreign = NatsServer(tmp_path / "foreign", port)
    foreign.start()
    try:
        with pytest.raises(PortTaken):
            NatsServer(tmp_path / "ours", port).start()
        assert not (tmp_path / "ours" / "jetstream").exists()
    finally:
        foreign.stop()


def test_demo_sign_in_only_with_demo_data_on_a_loopback_address() -> None:
    assert Platform(host="127.0.0.1", seed_demo=True).dev_signin
    assert Platform(host="localhost", seed_demo=True).dev_signin
    assert not Platform(host="127.0.0.1", seed_demo=False).dev_signin
    assert not Platform(host="0.0.0.0", seed_demo=True).dev_signin
    assert not Platform(host="192.168.1.20", seed_demo=True).dev_signin


def test_a_dead_child_is_started_again_with_a_growing_backoff(monkeypatch) -> None:
    monkeypatch.setattr(platform_module, "BACKOFF_MIN", 0.05)
    monkeypatch.setattr(platform_module, "WATCH_INTERVAL", 0.01)
    starts: list[float] = []
    alive = threading.Event()

    def start() -> None:
        starts.append(time.monotonic())
        if len(starts) == 4:
            alive.set()  # the fourth start stays up
        elif len(starts) == 2:
            raise RuntimeError("could not start")  # a failed start is retried as well

    running = Platform()
    child = Child("flaky", start, alive.is_set, lambda: None)
    watcher = threading.Thread(target=running._watch, args=(child,), daemon=True)
    watcher.start()
    deadline = time.monotonic() + 10
    while not alive.is_set():
        assert time.monotonic() < deadline, starts
        time.sleep(0.01)
    running._stopping.set()
    watcher.join(5)
    assert len(starts) == 4 and child.restarts == 3
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    for gap, backoff in zip(gaps, (0.1, 0.2, 0.4), strict=True):  # the wait doubles after each try
        assert gap >= backoff, gaps
