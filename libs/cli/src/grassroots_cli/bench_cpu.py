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


def _named(name: str) -> list[int]:
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if Path(f"/proc/{entry}/comm").read_text().strip() == name:
                    pids.append(int(entry))
            except OSError:
                continue
    return pids


def _children_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure(groups: Mapping[str, list[int]], run: Callable[[], T]) -> tuple[T, dict[str, float]]:
    """Run ``run`` (a load generator run as a child process) and answer its result with the CPU
    seconds each group spent meanwhile: the given processes, every ``postgres`` process (backends
    included), and the load generator itself."""
    tracked = {**groups, "PostgreSQL": _named("postgres")}
    before = {pid: _seconds(pid) for pids in tracked.values() for pid in pids}
    children = _children_seconds()
    result = run()
    after_pg = _named("postgres")  # backends opened during the run count from zero
    tracked["PostgreSQL"] = sorted(set(tracked["PostgreSQL"]) | set(after_pg))
    spent = {
        group: sum(max(_seconds(pid) - before.get(pid, 0.0), 0.0) for pid in pids) for group, pids in tracked.items()
    }
    spent["load generator (wrk)"] = _children_seconds() - children
    return result, spent
