#!/usr/bin/env python
"""Where a report's request spends its time: in-process, Django's test client, cProfile.

Usage: .venv/bin/python bench/profile_report.py [--workdir DIR] [--rounds 40] [--top 30] [--sort tottime]

DIR is the scratch folder of bench/report_bench.py (seeded on first use: migrate,
collectstatic, seed_demo). Each round is what a citizen's browser does: a fresh
client (no session) GETs `/report/` for the CSRF token, then POSTs the form with a
solved proof of work that the server verifies (production settings, no photos).
Only the POST is measured: the median Python time (time.process_time), the SQL
statements of one POST, and the functions with the largest time over all rounds.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import report_bench  # noqa: E402


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--workdir", default=str(Path(tempfile.gettempdir()) / "portal-report-bench"))
    p.add_argument("--rounds", type=int, default=40)
    p.add_argument("--top", type=int, default=30)
    p.add_argument("--sort", default="cumulative")
    p.add_argument("--callees", nargs="*", default=[], help="also print what these functions call (regex)")
    p.add_argument("--sql", action="store_true", help="print the statements of one POST")
    p.add_argument("--database-url", default="", help="a PostgreSQL scratch database (as report_bench.py's)")
    p.add_argument("--redis-url", default="", help="Redis for the cache (as report_bench.py's)")
    a = p.parse_args()
    workdir = Path(a.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    report_bench.prepare(workdir, a.database_url, a.redis_url)

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.run import report_fields

    fields = report_fields()
    payloads = report_bench.Payloads()
    payloads.fill(2 * a.rounds + 8)

    def post(prof: cProfile.Profile | None = None) -> tuple[int, float, list]:
        client = Client()
        client.get("/report/")
        data = {**fields, "csrfmiddlewaretoken": client.cookies["csrftoken"].value,
                "idempotency_key": str(uuid.uuid4()), "altcha": payloads.take()}
        with CaptureQueriesContext(connection) as ctx:
            wall = time.perf_counter()
            started = time.process_time()
            if prof:
                prof.enable()
            status = client.post("/report/", urlencode(data), content_type="application/x-www-form-urlencoded",
                                 headers={"referer": "http://testserver/report/"}).status_code
            if prof:
                prof.disable()
            spent = time.process_time() - started
            walls.append((time.perf_counter() - wall) * 1000)
        if status != 302:
            raise SystemExit(f"POST /report/ answered {status}")
        return status, spent * 1000, ctx.captured_queries

    walls: list[float] = []
    for _ in range(5):  # warm per-process caches (templates, category tree, township index)
        post()
    walls.clear()
    times, counts = [], []
    queries: list = []
    for _ in range(a.rounds):  # timed without the profiler's overhead
        _, ms, queries = post()
        times.append(ms)
        counts.append(len(queries))
    prof = cProfile.Profile()
    for _ in range(a.rounds):
        post(prof)
    out = io.StringIO()
    stats = pstats.Stats(prof, stream=out).sort_stats(a.sort)
    stats.print_stats(a.top)
    for pattern in a.callees:
        stats.print_callees(pattern)
    print(f"POST /report/: median {statistics.median(times):.2f} ms Python (process time), "
          f"min {min(times):.2f} ms, {statistics.median(counts):.0f} statements, over {a.rounds} rounds; "
          f"wall {statistics.median(walls[:a.rounds]):.2f} ms (the rest is waiting on the database and the cache)")
    if a.sql:
        for q in queries:
            print("  ", q["sql"][:200])
    print(out.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
