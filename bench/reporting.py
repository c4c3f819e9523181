"""Reporting benchmark: rebuild of every reporting projection over 1,000,000 mixed events of the
three services, beside the single-projection rebuild (``SubmissionsProjection``) measured in the
same run; and notice generation for a district of 62 units beside one figure query.

    .venv/bin/python bench/reporting.py [--quick]

Starts its own embedded PostgreSQL and NATS, publishes synthetic events in the contract shapes
straight to the APPRAISAL, GRID and VILLAGE streams, and rebuilds with the generic
``grassroots_common.projections.rebuild`` (shadow schema, swap) that operators run.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import random
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

# Run as a script, this file's folder comes first on sys.path and its name would shadow the package.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent.resolve()]

from grassroots_cli.bench_histories import Scale, appraisal_events, envelopes, grid_events, village_events  # noqa: E402
from grassroots_cli.bench_kit import embedded_servers  # noqa: E402
from grassroots_common.db import create_pool  # noqa: E402
from grassroots_common.embedded import dsn_for, ensure_database  # noqa: E402
from grassroots_common.events import RecordedEvent  # noqa: E402
from grassroots_common.jetstream import StreamSpec, connect, ensure_stream  # noqa: E402
from grassroots_common.migrations import migrate  # noqa: E402
from grassroots_common.projections.checkpoints import install  # noqa: E402
from grassroots_common.projections.projection import binding  # noqa: E402
from grassroots_common.projections.rebuild import rebuild  # noqa: E402
from reporting import figures, notices, periods  # noqa: E402
from reporting.projections import PROJECTIONS  # noqa: E402

UNITS = 62
SOURCES = ("appraisal", "grid", "village")
SAMPLE = 100_000  # events per source for the apply-only rates
NOW = dt.datetime(2026, 11, 18, 1, 0, tzinfo=dt.UTC)


def scale_for(total: int) -> Scale:
    """62 units of 22 people (the seed's 1,352 civil servants); weeks, tickets and projects sized so
    the three streams hold about ``total`` events, roughly 35 % / 30 % / 35 %."""
    total = round(total * 1.03)  # the random draws fall a little short of the nominal sizes
    people = UNITS * 22
    weeks = max(4, round(0.35 * total / (people * 0.85)))
    tickets = max(50, round(0.30 * total / 4.7))
    projects = max(1, round(0.35 * total / (12 * 14 * 5)))
    return Scale(
        units=UNITS,
        people_per_unit=22,
        weeks=weeks,
        communities=4,
        tickets=tickets,
        towns=12,
        villages_per_town=14,
        projects_per_village=projects,
    )


def _generate(source: str, scale: Scale, seed: int) -> list[tuple[str, bytes, str]]:
    """(subject, envelope, event id) of one source, built through the contract models (in a worker
    process: three sources on two cores)."""
    spec = StreamSpec(source)
    make = {"appraisal": appraisal_events, "grid": grid_events, "village": village_events}[source]
    return [
        (spec.subject(e.stream_type, e.type), e.to_json(), e.event_id)
        for e in envelopes(source, make(random.Random(seed), scale))
    ]


async def _publish(nc, js, source: str, messages: list[tuple[str, bytes, str]]) -> None:
    """Pipelined core publishes into the stream (the relay's role), then wait until all are stored."""
    spec = StreamSpec(source)
    await ensure_stream(js, spec)
    for i, (subject, body, event_id) in enumerate(messages, start=1):
        await nc.publish(subject, body, headers={"Nats-Msg-Id": event_id})
        if i % 5000 == 0:
            await nc.flush()
    await nc.flush()
    deadline = time.monotonic() + 60
    while (await js.stream_info(spec.name)).state.messages < len(messages):
        if time.monotonic() > deadline:
            raise RuntimeError(f"{spec.name} stored fewer than {len(messages)} messages")
        await asyncio.sleep(0.1)


async def _apply_rate(pool, projection, sample: dict[str, list[RecordedEvent]], batch: int) -> tuple[int, float]:
    """Fold + set-based SQL alone (no NATS, no decoding), into a scratch schema."""
    schema = f"bench_{projection.schema}"
    async with pool.acquire() as conn:
        await conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}")
        await conn.execute(f"SET search_path TO {schema}, public")
        await conn.execute(projection.ddl)
        events = [e for s in projection.sources for e in sample.get(s, []) if projection.handles(e.type)]
        started = time.perf_counter()
        for i in range(0, len(events), batch):
            async with conn.transaction():
                await projection.apply(conn, events[i : i + batch])
        seconds = time.perf_counter() - started
        await conn.execute(f"SET search_path TO public; DROP SCHEMA {schema} CASCADE")
    return len(events), seconds


async def main(quick: bool) -> None:
    total_target = 100_000 if quick else 1_000_000
    with embedded_servers("grassroots-bench-reporting-") as (_, admin, nats_url):
        await ensure_database(admin, "reporting")
        pool = await create_pool(dsn_for(admin, "reporting"), max_size=8)
        async with pool.acquire() as conn:
            await migrate(conn, "reporting")
        for p in PROJECTIONS:
            await install(pool, p)
        nc = await connect(nats_url, "bench-reporting")
        js = nc.jetstream(timeout=30.0)

        began = time.perf_counter()
        scale = scale_for(total_target)
        loop = asyncio.get_running_loop()
        with ProcessPoolExecutor(max_workers=3) as workers:
            generated = await asyncio.gather(
                *(loop.run_in_executor(workers, _generate, s, scale, n) for n, s in enumerate(SOURCES))
            )
        generated_s = time.perf_counter() - began
        for source, messages in zip(SOURCES, generated, strict=True):
            await _publish(nc, js, source, messages)
        counts = {s: len(m) for s, m in zip(SOURCES, generated, strict=True)}
        total = sum(counts.values())
        sample = {
            s: [RecordedEvent.from_json(body, i + 1, s) for i, (_, body, _) in enumerate(m[:SAMPLE])]
            for s, m in zip(SOURCES, generated, strict=True)
        }
        del generated
        print(
            f"{total:,} events {counts}: generated in {generated_s:.1f}s, stored in {time.perf_counter() - began:.1f}s"
        )

        def bindings(p):
            return [binding(p, StreamSpec(source), "reporting") for source in p.sources]

        base = PROJECTIONS[0]
        started = time.perf_counter()
        base_events = await rebuild(pool, nc, base, bindings(base), batch_size=2000)
        base_rate = base_events / (time.perf_counter() - started)
        print(f"baseline rebuild of {base.name}: {base_events:,} events")

        started = time.perf_counter()
        applied = await asyncio.gather(*(rebuild(pool, nc, p, bindings(p), batch_size=2000) for p in PROJECTIONS))
        all_seconds = time.perf_counter() - started
        print(f"rebuild of all {len(PROJECTIONS)}: {dict(zip([p.name for p in PROJECTIONS], applied, strict=True))}")

        apply_rates = {}
        for p in PROJECTIONS:
            n, seconds = await _apply_rate(pool, p, sample, 2000)
            apply_rates[p.name] = (n, n / seconds)

        notice_ms = {}
        for kind, code in (("weekly", "2026-W30"), ("monthly", "2026-08"), ("quarterly", "2026-Q3")):
            runs = []
            for _ in range(3):
                await pool.execute("DELETE FROM reporting.notices")
                started = time.perf_counter()
                notice = await notices.generate(pool, kind, periods.parse(code), "bench", NOW)
                runs.append((time.perf_counter() - started) * 1000)
            notice_ms[kind] = (statistics.median(runs), len(notice["sections"][0]["rows"]))
        figure_runs = []
        for _ in range(5):
            started = time.perf_counter()
            await figures.log_submission(pool, periods.parse("2026-W30"), figures.Scope(), NOW)
            figure_runs.append((time.perf_counter() - started) * 1000)
        figure_ms = statistics.median(figure_runs)
        await nc.close()
        await pool.close()

        print()
        print(f"Reporting benchmark ({'quick' if quick else 'full'}): {total:,} events in 3 streams, {UNITS} units")
        print(f"{'figure':<62}{'value':>15}{'vs baseline':>13}")
        print("-" * 90)
        rows = [(f"baseline: rebuild {base.name} alone ({base_events:,} events)", base_rate, "ev/s", base_rate)]
        total_applied = sum(applied)
        rows.append(
            (
                f"rebuild all {len(PROJECTIONS)} projections at once ({total_applied:,} applied)",
                total_applied / all_seconds,
                "ev/s",
                base_rate,
            )
        )
        rows.append(
            (f"  the same, as stream events ({total:,} in {all_seconds:.1f}s)", total / all_seconds, "ev/s", base_rate)
        )
        base_apply = apply_rates[base.name][1]
        for name, (n, r) in apply_rates.items():
            label = f"{'baseline: ' if name == base.name else ''}apply only {name} (fold + SQL, {n:,} events)"
            rows.append((label, r, "ev/s", base_apply))
        rows.append(("baseline: one figure (log submission, one week, 62 units)", figure_ms, "ms", figure_ms))
        for kind, (ms, units) in notice_ms.items():
            rows.append((f"generate and store the {kind} notice ({units} units)", ms, "ms", figure_ms))
        for label, value, unit, baseline in rows:
            print(f"{label:<62}{value:>10,.1f} {unit:<4}{value / baseline:>12.2f}x")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100,000 events instead of 1,000,000")
    asyncio.run(main(parser.parse_args().quick))
