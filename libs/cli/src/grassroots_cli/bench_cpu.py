"""CPU time per request, by process, while a load runs: where a command's cost goes.

Throughput on a 2-core machine is set by the CPU every process spends per request, not by the
process that answers alone: the relay, the projections, PostgreSQL and NATS share the cores with
it. Read from ``/proc`` (Linux): user and system time of each process before and after the load.
"""

from __future__ import annotations

import os
import resource
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")
_TICK = os.sysconf("SC_CLK_TCK")


def _seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _TICK  # utime, stime


def _server_processes(pgdata: Path) -> list[int]:
    """The PostgreSQL server of ``pgdata``: its postmaster and every process it started (backends
    included). Only this one: other PostgreSQL servers on a shared machine are not the benchmark's."""
    try:
        postmaster = int((pgdata / "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return []
    pids = [postmaster]
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            if int(fields[1]) == postmaster:  # the parent's pid
                pids.append(int(entry))
    return pids


def _children_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure(groups: Mapping[str, list[int]], run: Callable[[], T], pgdata: Path) -> tuple[T, dict[str, float]]:
    """Run ``run`` (a load generator run as a child process) and answer its result with the CPU
    seconds each group spent meanwhile: the given processes, the PostgreSQL server of ``pgdata``
    (backends included), and the load generator itself."""
    tracked = {**groups, "PostgreSQL": _server_processes(pgdata)}
    before = {pid: _seconds(pid) for pids in tracked.values() for pid in pids}
    children = _children_seconds()
    result = run()
    after_pg = _server_processes(pgdata)  # backends opened during the run count from zero
    tracked["PostgreSQL"] = sorted(set(tracked["PostgreSQL"]) | set(after_pg))
    spent = {
        group: sum(max(_seconds(pid) - before.get(pid, 0.0), 0.0) for pid in pids) for group, pids in tracked.items()
    }
    spent["load generator (wrk)"] = _children_seconds() - children
    return result, spent
