#!/usr/bin/env python
"""Report submission beside django-helpdesk's public submission, in the same run.

The portal runs on the production profile (SQLite WAL, gunicorn gthread, the same flags
as the peer) with its django-q2 worker running on the same cores, as in production. Each
POST carries a solved proof of work that the server verifies as in production (signature,
expiry, one use per challenge in the cache); the challenges are made cheap to solve
(cost 2, counter ≤ 6) because solving is the browser's work, not the server's. No
photos. The peer posts its public ticket form. The two alternate `--repeats` times
(portal, peer, portal, …); the table gives the median and the spread (lowest–highest)
of each and of their ratio, with the machine's load average before and after.

A second figure, in-process, counts what one report costs the request: SQL statements
and Python milliseconds of `submit_case(defer=True)` (the web form's path) against
the same report routed in the request (`defer=False`, the staff form's path).

With `--database-url` (a scratch PostgreSQL database, emptied on first use) the portal
runs on PostgreSQL, with `--redis-url` on Redis as well, and django-helpdesk on
`--peer-database-url` (another scratch database): the PostgreSQL table of `make bench`.

Usage: .venv/bin/python bench/report_bench.py [--workdir DIR] [--seconds 5] [--repeats 3] [--no-write]
       [--database-url postgres://…/scratch_report --peer-database-url postgres://…/scratch_helpdesk
        --redis-url redis://127.0.0.1:6379/15] [--json FILE]
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import secrets
import statistics
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import alternate, common, report  # noqa: E402
from bench.peers import helpdesk  # noqa: E402

BLOCK = "report-bench"


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--workdir", help="scratch folder (reused when already seeded)")
    p.add_argument("--seconds", type=float, default=5.0)
    p.add_argument("--warmup", type=float, default=1.0)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--connections", type=int, default=8)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--threads", type=int, default=4)
    p.add_argument("--no-write", action="store_true", help="do not update docs/performance.md")
    p.add_argument("--database-url", default="", help="PostgreSQL scratch database for the portal (emptied)")
    p.add_argument("--peer-database-url", default="", help="PostgreSQL scratch database for django-helpdesk")
    p.add_argument("--redis-url", default="", help="Redis for the portal's cache and task broker")
    p.add_argument("--json", help="also write the figures here (bench/run.py reads them)")
    return p.parse_args()


def prepare(workdir: Path, database_url: str = "", redis_url: str = "") -> dict[str, str]:
    keys = workdir / "keys"
    if not keys.exists():
        keys.write_text(f"{secrets.token_urlsafe(48)}\n{secrets.token_urlsafe(32)}\n")
    secret, altcha_key = keys.read_text().split()
    env = common.portal_env(
        workdir, DJANGO_SECRET_KEY=secret, FIELD_ENCRYPTION_KEY=secret, PORTAL_ALTCHA_HMAC_KEY=altcha_key,
        PORTAL_CAPTCHA_REQUIRED="true", PORTAL_ALTCHA_COST="2", PORTAL_ALTCHA_MAX_COUNTER="6")
    if database_url:
        env["DATABASE_URL"] = database_url
    if redis_url:
        env["REDIS_URL"] = redis_url
    marker = workdir / "seeded"
    if not marker.exists():
        if database_url:
            common.empty_postgres(database_url)
        print(f"scratch folder {workdir}: migrate, collectstatic, seed_demo …", flush=True)
        for cmd in (["migrate", "--noinput", "-v0"], ["collectstatic", "--noinput", "-v0"], ["seed_demo"]):
            common.manage(env, *cmd)
        marker.write_text(datetime.now(UTC).isoformat())
    else:
        common.manage(env, "migrate", "--noinput", "-v0")
    common.manage(env, "setup_schedules")
    os.environ.update(env)
    import django

    django.setup()
    return env


class Payloads:
    """Solved proofs of work, each used once (the server refuses a replay)."""

    def __init__(self) -> None:
        self._pool: collections.deque[str] = collections.deque()
        self._lock = threading.Lock()

    def fill(self, count: int) -> None:
        import altcha

        from cases import captcha

        for _ in range(count):
            challenge = altcha.Challenge.from_dict(captcha.new_challenge())
            solution = altcha.solve_challenge(challenge, timeout=10)
            self._pool.append(altcha.Payload(challenge, solution).to_base64())

    def take(self) -> str:
        with self._lock:
            return self._pool.popleft()

    def __len__(self) -> int:
        return len(self._pool)


def report_step(fields: dict[str, str], payloads: Payloads):
    def setup(client: common.Client) -> dict:
        return {"csrf": common.csrf_token(client, "/report/")}

    def step(client: common.Client, ctx: dict) -> int:
        data = {**fields, "csrfmiddlewaretoken": ctx["csrf"], "idempotency_key": str(uuid.uuid4()),
                "altcha": payloads.take()}
        return client.post_form("/report/", data)[0]

    return step, setup


def in_process_cost(rounds: int = 30) -> dict[str, tuple[float, float]]:
    """(statements, Python ms) per report, median over `rounds`, for both paths."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bench.run import report_fields
    from cases.intake import ReporterInput, ReportInput, submit_case
    from cases.models import Category

    fields = report_fields()
    category = Category.objects.get(pk=fields["category"])
    out = {}
    for label, defer in (("request part, web form path (defer)", True), ("routed in the request", False)):
        counts, times = [], []
        for i in range(rounds):
            report = ReportInput(category=category, description=fields["description"],
                                 latitude=float(fields["latitude"]), longitude=float(fields["longitude"]),
                                 location_source="pin", idempotency_key=uuid.uuid4().hex)
            reporter = ReporterInput(name="李四", phone="13800138000", email=f"r{i}@example.org")
            with CaptureQueriesContext(connection) as ctx:
                started = time.perf_counter()
                submit_case(report, reporter, defer=defer)
                times.append((time.perf_counter() - started) * 1000)
            counts.append(len(ctx.captured_queries))
        out[label] = (statistics.median(counts), statistics.median(times))
    return out


def main() -> int:
    args = parse_args()
    workdir = Path(args.workdir or Path(tempfile.gettempdir()) / "portal-report-bench")
    workdir.mkdir(parents=True, exist_ok=True)
    env = prepare(workdir, args.database_url, args.redis_url)
    if args.redis_url:  # the one-use record of each proof of work lives in the cache: start empty
        import redis

        redis.Redis.from_url(args.redis_url).flushdb()
    from bench.run import report_fields

    fields = report_fields()
    payloads = Payloads()
    per_window = 400 * (args.seconds + args.warmup)
    print(f"solving {int(per_window * args.repeats):,} cheap challenges …", flush=True)
    payloads.fill(int(per_window * args.repeats))

    hd_log = workdir / "helpdesk.log"
    hd_env = helpdesk.prepare(workdir, 100, hd_log, args.peer_database_url)
    started_at = datetime.now(UTC)
    load_before = common.load_average()
    procs = []
    try:
        server, port = common.start_gunicorn(env, workdir / "gunicorn.log", workers=args.workers, threads=args.threads)
        procs.append(server)
        procs.append(common.Process(["nice", "-n", "10", str(common.VENV_PY), "manage.py", "qcluster"], env,
                                    workdir / "qcluster.log"))  # as deploy/systemd/portal-worker.service
        hd_server, hd_port = common.start_gunicorn(
            hd_env, hd_log, workers=args.workers, threads=args.threads, app="hdproj.wsgi:application",
            cwd=helpdesk.PROJECT, gunicorn=helpdesk.VENV / "bin" / "gunicorn")
        procs.append(hd_server)
        step, setup = report_step(fields, payloads)
        kw = {"connections": args.connections, "seconds": args.seconds, "warmup": args.warmup}

        def peer():
            return common.hammer(hd_port, helpdesk._submit_step, setup=helpdesk._submit_setup,
                                 keep_cookies=("csrftoken",), expect=(302,), **kw)

        def portal():
            return common.hammer(port, step, setup=setup, keep_cookies=("csrftoken",), expect=(302,), **kw)

        series, refs = alternate.alternate(peer, {"report submission": portal}, args.repeats)
    finally:
        for proc in reversed(procs):
            proc.stop()
    load_after = common.load_average()
    cost = in_process_cost()
    s = series["report submission"]
    ratio = statistics.median(s.ratios)
    database = ("PostgreSQL" + (" + Redis" if args.redis_url else "") + " (both)") if args.database_url \
        else "SQLite WAL (both)"
    text = (f"### Report submission — {started_at:%Y-%m-%d %H:%M} UTC (`bench/report_bench.py`)\n\n"
            f"gunicorn gthread `-w {args.workers} --threads {args.threads}` for both, production profile, "
            f"{database}, the portal's qcluster running; {args.connections} keep-alive connections, {args.seconds:g} s "
            f"after {args.warmup:g} s warm-up per window, {args.repeats} repeats alternating; proof of work "
            f"verified by the server; no photos. Load average before {load_before}, after {load_after}.\n\n")
    rows = [
        ("django-helpdesk 2.6.1 public ticket form (reference)", f"{alternate.spread(refs)} req/s", "", "", ""),
        ("report submission /report/", f"{alternate.spread(s.rps)} req/s (p95 {s.p95_ms():.0f} ms"
         f"{'; ' + str(s.errors) + ' errors' if s.errors else ''})", alternate.spread(s.ratios, "{:.2f}×"),
         "≥ 1×", "PASS" if ratio >= 1 and not s.errors else "FAIL"),
    ]
    for label, (count, ms) in cost.items():
        rows.append((f"one report in-process, {label}", f"{count:.0f} statements, {ms:.1f} ms", "", "",
                     ""))
    text += report.markdown_table(("figure", "value", "ratio to helpdesk", "target", "result"), rows) + "\n"
    if args.json:
        Path(args.json).write_text(json.dumps({
            "database": database, "load_before": load_before, "load_after": load_after,
            "helpdesk_rps": alternate.spread(refs), "report_rps": alternate.spread(s.rps), "p95_ms": s.p95_ms(),
            "errors": s.errors, "ratio": ratio, "ratio_spread": alternate.spread(s.ratios, "{:.2f}×"),
            "in_process": {label: [count, ms] for label, (count, ms) in cost.items()}}, ensure_ascii=False))
    print("\n" + text)
    if not args.no_write:
        report.write(ROOT / "docs" / "performance.md", text, name=BLOCK)
        print("written to docs/performance.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
