#!/usr/bin/env python
"""In-process profile of the staff case list ``/admin/cases/`` and the dashboard counts
on a folder seeded by ``bench/scale.py`` (``bench/results/scale/<N>``, or with
``--database-url`` the PostgreSQL database it seeded).

Prints, per list URL: this process's CPU time per request (``time.process_time``, which
other sessions on a shared machine do not inflate), the wall time, the query count and
(with ``--profile``) cProfile's function-call count and top functions; and the dashboard
counts of each role beside a bare indexed ``COUNT(*)``, alternating.

Usage: .venv/bin/python bench/profile_staff.py --workdir bench/results/scale/1000000
       [--database-url postgres://…] [--rounds 20] [--profile] [--explain]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import common  # noqa: E402

PATHS = {"default order": "", "open": "?state=open", "one department": "?department={dept}",
         "overdue": "?overdue=on"}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--workdir", required=True)
    p.add_argument("--database-url", default="")
    p.add_argument("--rounds", type=int, default=20)
    p.add_argument("--profile", action="store_true")
    p.add_argument("--explain", action="store_true", help="print the query plans of the list and the counts")
    args = p.parse_args()
    workdir = Path(args.workdir).resolve()
    env = common.portal_env(workdir)
    env["DJANGO_SECRET_KEY"] = env["FIELD_ENCRYPTION_KEY"] = (workdir / "secret").read_text()
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
    os.environ.update(env)
    import django

    django.setup()
    print(f"load average {common.load_average()}")
    staff_list(args)
    counts(args)
    if args.explain:
        explain()
    print(f"load average {common.load_average()}")
    return 0


def staff_list(args) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.run import staff_session
    from cases.models import Department

    cookie = staff_session()
    client = Client()
    client.cookies[cookie[0]] = cookie[1]
    dept = Department.objects.order_by("pk").first()
    for label, query in PATHS.items():
        path = "/admin/cases/" + query.format(dept=dept.pk)
        client.get(path)  # warm-up
        cpu, wall = [], []
        for _ in range(args.rounds):
            c, w = time.process_time(), time.perf_counter()
            response = client.get(path)
            cpu.append(time.process_time() - c)
            wall.append(time.perf_counter() - w)
            assert response.status_code == 200, response.status_code
        with CaptureQueriesContext(connection) as ctx:
            client.get(path)
        line = (f"staff list, {label}: CPU {statistics.median(cpu) * 1000:.1f} ms, wall "
                f"{statistics.median(wall) * 1000:.1f} ms (median of {args.rounds}), {len(ctx.captured_queries)} queries")
        if args.profile:
            prof = cProfile.Profile()
            prof.enable()
            client.get(path)
            prof.disable()
            stats = pstats.Stats(prof)
            line += f", {stats.total_calls:,} function calls"
            print(line)
            if label == "default order":
                out = io.StringIO()
                pstats.Stats(prof, stream=out).sort_stats("cumulative").print_stats(45)
                print(out.getvalue())
        else:
            print(line)


def counts(args) -> None:
    from django.contrib.auth.models import User
    from django.db import connection

    from cases import roles
    from cases.workbench.counts import dashboard_counts

    def bare():
        with connection.cursor() as cur:
            cur.execute("SELECT COUNT(*) FROM cases_case WHERE state = %s", ["in_progress"])
            cur.fetchone()

    for role in (roles.INTAKE, roles.SUPERVISOR, roles.OFFICE, roles.HANDLER, roles.HEAD):
        user = User.objects.filter(groups__name=role, is_active=True).order_by("pk").first()
        if user is None:
            print(f"dashboard counts, {role}: no such user")
            continue
        dashboard_counts(user)
        bare()
        ratios, took, refs = [], [], []
        for _ in range(args.rounds):
            t = time.perf_counter()
            bare()
            r = time.perf_counter() - t
            t = time.perf_counter()
            dashboard_counts(user)
            d = time.perf_counter() - t
            ratios.append(d / r)
            took.append(d)
            refs.append(r)
        print(f"dashboard counts, {role}: {statistics.median(took) * 1000:.1f} ms, reference "
              f"{statistics.median(refs) * 1000:.1f} ms, ratio {statistics.median(ratios):.2f}× "
              f"({min(ratios):.2f}–{max(ratios):.2f})")


def explain() -> None:
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from cases import roles
    from cases.models import Department
    from cases.workbench.counts import dashboard_counts
    from cases.workbench.filters import bound_filter_form, filtered_cases
    from cases.workbench.views.listing import LIST_DEFERRED

    intake = User.objects.filter(groups__name=roles.INTAKE, is_active=True).order_by("pk").first()
    dept = Department.objects.order_by("pk").first()
    prefix = "EXPLAIN (ANALYZE, BUFFERS)" if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN"
    for label, query in PATHS.items():
        params = dict(p.split("=") for p in query.lstrip("?").split("&") if p)
        params = {k: v.format(dept=dept.pk) for k, v in params.items()}
        qs = filtered_cases(intake, bound_filter_form(params), timezone.now()).defer(*LIST_DEFERRED)[:50]
        sql, sql_params = qs.query.sql_with_params()
        _plan(f"list, {label}", prefix, sql, sql_params)
    for role in (roles.INTAKE, roles.HANDLER):
        user = User.objects.filter(groups__name=role, is_active=True).order_by("pk").first()
        with CaptureQueriesContext(connection) as ctx:
            dashboard_counts(user)
        for q in ctx.captured_queries:
            if "COUNT(" in q["sql"]:
                _plan(f"counts, {role}", prefix, q["sql"], None)


def _plan(label: str, prefix: str, sql: str, params) -> None:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(f"{prefix} {sql}", params)
        rows = cur.fetchall()
    print(f"--- {label}: {sql[:160]}…")
    for row in rows:
        print("   ", row[-1] if connection.vendor == "sqlite" else row[0])


if __name__ == "__main__":
    sys.exit(main())
