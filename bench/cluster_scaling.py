"""Keyed commands/s through the one origin with one and with two API replicas of appraisal.

``.venv/bin/python bench/cluster_scaling.py [--seconds N] [--rounds N]`` starts the replicated
topology (``grassroots cluster``, appraisal only: three NATS nodes, PostgreSQL, two API replicas,
two workers) and a second gateway that knows only the first API replica, then sends keyed
``POST /api/v1/logs`` (an ``Idempotency-Key`` each, as the web app sends) with wrk at 32
connections through each gateway in alternating rounds. The machine is shared, so the ratio of
rounds run side by side matters more than the rates.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from grassroots_cli.bench import _wait_ready, _warm_up, _wrk, wrk_inputs
from grassroots_cli.cluster import NATS_NODES, Cluster
from grassroots_common.embedded import free_port


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=2, choices=(1, 2), help="rounds of each (alternating)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="grassroots-scaling-"))
    ports = {f"appraisal-{role}-{k}": free_port() for role in ("api", "worker") for k in (1, 2)} | {
        f"{n}{suffix}": free_port() for n in NATS_NODES for suffix in ("", "-route", "-http")
    }
    cluster = Cluster(
        data_dir=folder, port=free_port(), services=("appraisal",), ports=ports, seed_demo=False, log_format="json"
    )
    single = None
    try:
        cluster.start(timeout=600)
        print(f"cluster up in {cluster.started_in:.0f}s", flush=True)
        one_port = free_port()
        env = {
            **os.environ,
            "APPRAISAL_URL": cluster.process_url("appraisal-api-1"),
            "JWT_SECRET_FILE": str(folder / "keys" / "jwt.secret"),
        }
        with open(folder / "logs" / "gateway-one.log", "ab") as out:
            single = subprocess.Popen(
                [
                    *(sys.executable, "-m", "uvicorn", "grassroots_cli.gateway:create_gateway", "--factory"),
                    *("--port", str(one_port), "--loop", "uvloop", "--no-access-log"),
                ],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        _wait_ready(f"http://127.0.0.1:{one_port}/healthz", folder / "logs" / "gateway-one.log")
        secret = (folder / "keys" / "jwt.secret").read_text().strip()
        tokens, token_file, script = wrk_inputs(secret, folder)
        targets = {
            1: f"http://127.0.0.1:{one_port}/api/appraisal/api/v1/logs",
            2: f"{cluster.url}/api/appraisal/api/v1/logs",
        }
        for replicas, url in targets.items():  # warm-up: every token seen once by each replica
            _warm_up(url, script, token_file, len(tokens), 3, keyed=True, year=2020 + replicas)
        rates: dict[int, list[float]] = {1: [], 2: []}
        year = 2022  # a year per round (each log a first submission); the rounds end at 2026
        for _ in range(args.rounds):
            for replicas, url in targets.items():
                year += 1
                rate, p99, _ = _wrk(url, script, token_file, args.seconds, year=year, keyed=True)
                rates[replicas].append(rate)
                print(f"  {replicas} API replica(s): {rate:,.0f} keyed commands/s, p99 {p99:.0f} ms", flush=True)
        one, two = (sum(r) / len(r) for r in (rates[1], rates[2]))
        print(f"one replica {one:,.0f}/s, two replicas {two:,.0f}/s: {two / one:.2f}x", flush=True)
    finally:
        if single is not None:
            single.terminate()
            single.wait(15)
        cluster.stop()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
