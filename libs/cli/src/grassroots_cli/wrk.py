"""wrk (Debian's package), the load generator of every benchmark: run it over loopback and read
its report — the rate, the requests, those answered with an error status, the median and p99."""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class WrkRun:
    rps: float
    requests: int
    errors: int  # answered with a status other than 2xx or 3xx
    p50_ms: float
    p99_ms: float

    @property
    def ok_rps(self) -> float:
        """The rate of the requests answered without an error status."""
        return self.rps * (self.requests - self.errors) / self.requests if self.requests else 0.0


def run_wrk(
    url: str,
    script: Path,
    seconds: int,
    *,
    connections: int = 32,
    threads: int = 2,
    env: dict[str, str] | None = None,
) -> WrkRun:
    """Load ``url`` for ``seconds`` with the Lua ``script``, and what wrk reported."""
    out = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(script), url],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        check=True,
    ).stdout
    return parse_report(out)


def parse_report(out: str) -> WrkRun:
    """wrk's report (with ``--latency``) as figures; a report without a rate is an error."""
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if rate is None:
        raise RuntimeError(f"wrk reported no rate:\n{out}")
    total = re.search(r"(\d+) requests in", out)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return WrkRun(
        rps=float(rate.group(1)),
        requests=int(total.group(1)) if total else 0,
        errors=int(non2xx.group(1)) if non2xx else 0,
        p50_ms=_percentile(out, "50%"),
        p99_ms=_percentile(out, "99%"),
    )


def _percentile(out: str, label: str) -> float:
    found = re.search(rf"{label}\s+([\d.]+)(us|ms|s)\b", out)
    if found is None:
        return 0.0
    return float(found.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[found.group(2)]
