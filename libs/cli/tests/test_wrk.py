"""wrk's report read as figures, as every benchmark reads it."""

from __future__ import annotations

import pytest

from grassroots_cli.wrk import parse_report

REPORT = """Running 3s test @ http://127.0.0.1:22891/api/v1/logs
  2 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    24.10ms   10.02ms 150.30ms   80.00%
    Req/Sec   650.12    100.00     0.90k    70.00%
  Latency Distribution
     50%   22.50ms
     75%   28.00ms
     90%   35.00ms
     99%    1.20s
  3901 requests in 3.00s, 1.20MB read
  Non-2xx or 3xx responses: 39
Requests/sec:   1300.33
Transfer/sec:    410.00KB
"""


def test_the_rate_requests_errors_and_percentiles_are_read_in_milliseconds() -> None:
    run = parse_report(REPORT)
    assert (run.rps, run.requests, run.errors) == (1300.33, 3901, 39)
    assert (run.p50_ms, run.p99_ms) == (22.5, 1200.0)
    assert run.ok_rps == pytest.approx(1300.33 * 3862 / 3901)


def test_microseconds_and_no_errors() -> None:
    run = parse_report(REPORT.replace("22.50ms", "950.00us").replace("  Non-2xx or 3xx responses: 39\n", ""))
    assert run.p50_ms == pytest.approx(0.95) and run.errors == 0 and run.ok_rps == run.rps


def test_a_report_without_a_rate_is_an_error() -> None:
    with pytest.raises(RuntimeError, match="no rate"):
        parse_report("unable to connect to 127.0.0.1:1 Connection refused\n")
