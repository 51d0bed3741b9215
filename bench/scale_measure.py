"""The measurements of bench/scale.py for one size (Django already set up on its folder)."""

from __future__ import annotations

import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

from bench import common

COLUMNS = ("reference", "access_code_hash", "source", "source_detail", "original_code", "is_key_case", "category_id",
           "title", "description", "extra", "location_source", "address", "township_id", "state", "version",
           "lead_department_id", "rejection_reason", "redirect_authority", "internal_findings", "reply_text",
           "public_summary", "accountability", "is_public", "is_sensitive", "received_at", "closed_at", "next_due_at",
           "is_overdue", "is_supervised", "reopen_count", "updated_at", "polluter_name", "intake_job")
STATES = ["in_progress"] * 3 + ["closed"] * 5 + ["assigned", "submitted"]  # as bench/seed_volume.py


def insert_cases(n: int, chunk: int = 50_000) -> None:
    """N synthetic cases (references BN…; the mix of bench/seed_volume.py: half closed,
    one in ten overdue among the open ones, one in ten public), written with one
    ``executemany`` per chunk rather than model instances (1,000,000 in minutes, not an
    hour); a lead assignment and a running handling clock for each open one, warning far
    ahead (the sweep's crossings are made by ``make_crossings``)."""
    import random

    from django.db import connection, transaction
    from django.utils import timezone

    from bench.seed_volume import sentence
    from cases.models import Category, Department, Township

    rng = random.Random(8)
    cats = list(Category.objects.filter(parent__isnull=True).values_list("pk", flat=True))
    towns = list(Township.objects.values_list("pk", flat=True)) or [None]
    depts = list(Department.objects.values_list("pk", flat=True))
    now = timezone.now()
    adapt = connection.ops.adapt_datetimefield_value
    sql = (f"INSERT INTO cases_case ({', '.join(COLUMNS)}) VALUES ({', '.join(['%s'] * len(COLUMNS))})")
    summaries = [sentence(rng, rng.randint(6, 14)) for _ in range(200)]
    started = time.perf_counter()
    for first in range(0, n, chunk):
        rows = []
        for i in range(first, min(n, first + chunk)):
            state = STATES[rng.randrange(10)]
            is_open = state != "closed"
            received = now - timedelta(minutes=rng.randint(60, 2 * 365 * 24 * 60))
            public = i % 10 == 0
            rows.append((
                f"BN{i:09d}", "", "web", "", "", rng.random() < 0.02, cats[i % len(cats)], "", "基准案件", "{}", "pin",
                "基准地址", towns[i % len(towns)], state, 1, depts[i % len(depts)] if state != "submitted" else None,
                "", "", "", "", summaries[i % 200] if public else "", "", public, False, adapt(received),
                None if is_open else adapt(received + timedelta(days=10)),
                adapt(received + timedelta(days=rng.randint(1, 40))) if is_open else None,
                is_open and rng.random() < 0.1, False, 0, adapt(received), "", ""))
        with transaction.atomic(), connection.cursor() as cur:
            if connection.vendor == "postgresql":
                # COPY: 1,000,000 rows in about a minute (executemany: several).
                with cur.cursor.copy(f"COPY cases_case ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                cur.executemany(sql, rows)
        print(f"  {min(n, first + chunk):,} cases ({time.perf_counter() - started:.0f} s)", flush=True,
              file=sys.stderr)
    far = now + timedelta(days=3650)
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(
            "INSERT INTO cases_assignment (case_id, department_id, role, state, assigned_at, contribution,"
            " is_active, version) SELECT id, lead_department_id, 'lead', CASE state WHEN 'assigned' THEN"
            " 'assigned' ELSE 'accepted' END, received_at, '', true, 0 FROM cases_case WHERE reference LIKE 'BN%%'"
            " AND state IN ('in_progress', 'assigned')")
        cur.execute(
            "INSERT INTO cases_clock (case_id, assignment_id, kind, started_at, due_at, warn_at, escalate_at,"
            " original_due_at) SELECT a.case_id, a.id, 'handling', a.assigned_at, %s, %s, %s, %s"
            " FROM cases_assignment a JOIN cases_case c ON c.id = a.case_id WHERE c.reference LIKE 'BN%%'",
            [far, far - timedelta(days=3), far + timedelta(days=2), far])
    with connection.cursor() as cur:
        # PostgreSQL: VACUUM too, so the visibility map lets the counts read the index only
        # (autovacuum would do it some minutes later on a live database).
        vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block  # not in a test's transaction
        cur.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")


def _ms(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"{statistics.median(samples) * 1000:.1f} ms (p95 {p95 * 1000:.1f})"


def _timed(fn, rounds: int) -> list[float]:
    fn()  # warm-up
    out = []
    for _ in range(rounds):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def in_process(n: int, rounds: int) -> dict[str, str]:
    from django.contrib.auth.models import User
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.pages import public_page_urls
    from bench.run import staff_session
    from cases import roles
    from cases.models import Case, Department
    from cases.workbench.counts import dashboard_counts

    figures: dict[str, str] = {"cases in the table": f"{Case.objects.count():,}"}

    def bare_count():
        with connection.cursor() as cur:
            cur.execute("SELECT COUNT(*) FROM cases_case WHERE state = %s", ["in_progress"])
            cur.fetchone()

    ref = statistics.median(_timed(bare_count, rounds))
    figures["bare indexed COUNT(*) (reference)"] = f"{ref * 1000:.1f} ms"
    intake = User.objects.filter(groups__name=roles.INTAKE, is_active=True).order_by("pk").first()
    handler = User.objects.filter(groups__name=roles.HANDLER, is_active=True).order_by("pk").first()
    for label, user in (("intake officer", intake), ("department handler", handler)):
        if user is None:
            continue
        # Alternating with the reference, one ratio per round (the machine's load moves both).
        ratios, took = [], []
        for _ in range(rounds):
            r = statistics.median(_timed(bare_count, 1))
            t = statistics.median(_timed(lambda u=user: dashboard_counts(u), 1))
            ratios.append(t / r)
            took.append(t)
        figures[f"dashboard counts, {label}"] = (f"{statistics.median(took) * 1000:.1f} ms = "
                                                 f"{statistics.median(ratios):.1f}× COUNT(*) "
                                                 f"({min(ratios):.1f}–{max(ratios):.1f})")

    cookie = staff_session()
    client = Client()
    client.cookies[cookie[0]] = cookie[1]
    dept = Department.objects.order_by("pk").first()
    staff = {"default order": "", "open": "?state=open", "one department": f"?department={dept.pk}",
             "overdue": "?overdue=on"}
    for label, query in staff.items():
        path = f"/admin/cases/{query}"
        cpu_before = time.process_time()
        samples = _timed(lambda p=path: _ok(client.get(p)), rounds)
        cpu = (time.process_time() - cpu_before) / (rounds + 1)  # this process's CPU, the warm-up included
        with CaptureQueriesContext(connection) as ctx:
            client.get(path)
        figures[f"staff list, {label}"] = (f"{_ms(samples)}, CPU {cpu * 1000:.1f} ms, "
                                           f"{len(ctx.captured_queries)} queries")

    public = Client()
    url = public_page_urls().get("public case list, page 1") or "/cases/"
    counter = iter(range(10**9))
    samples = _timed(lambda: _ok(public.get(f"{url}?_r={next(counter)}")), rounds)
    figures["public list page 1, rendered"] = _ms(samples)

    def cold():
        cache.clear()
        _ok(public.get(f"{url}?_r={next(counter)}"))

    figures["public list page 1, rendered cold (caches cleared)"] = _ms(_timed(cold, max(3, rounds // 4)))
    figures["sweep, 1% crossing"] = sweep_figure(n, ref)
    return figures


def _ok(response):
    if response.status_code != 200:
        raise RuntimeError(f"HTTP {response.status_code}")
    return response


def sweep_figure(n: int, ref: float) -> str:
    from django.utils import timezone

    from bench.sweep_bench import timed_sweep
    from cases.sweep import sweep

    now = timezone.now()
    sweep(now=now)  # settle the synthetic cases' own overdue flags first (not timed)
    took, counts = timed_sweep(max(1, n // 100), now)
    return f"{took:.2f} s ({counts.get('warning', 0):,} warnings) = {took / ref:.0f}× COUNT(*)"


def over_http(workdir: Path, env: dict[str, str], args) -> dict[str, str]:
    from bench import alternate
    from bench.pages import public_page_urls, render_url
    from bench.run import staff_session

    server, port = common.start_gunicorn(env, workdir / "gunicorn.log", workers=2, threads=4,
                                         app="bench.wsgi:application")
    figures = {}
    try:
        cookie = staff_session()

        def load(step, **kw):
            return common.hammer(port, step, seconds=args.seconds, warmup=1.0, connections=args.connections, **kw)

        def staff(query=""):
            def setup(client):
                client.cookies[cookie[0]] = cookie[1]
                return {}
            return load(common.get_step(f"/admin/cases/{query}"), setup=setup, keep_cookies=(cookie[0], "csrftoken"))

        from cases.models import Department

        dept = Department.objects.order_by("pk").first()
        staff_urls = {"default order": "", "open": "?state=open", "one department": f"?department={dept.pk}",
                      "overdue": "?overdue=on"}
        url = public_page_urls().get("public case list, page 1") or "/cases/"
        measures = {f"staff {label}": (lambda q=q: staff(q)) for label, q in staff_urls.items()}
        measures["public"] = lambda: load(common.get_step(render_url(url)))
        series, refs = alternate.alternate(lambda: load(common.get_step("/__bare__/")), measures, 3,
                                           progress=lambda _m: None)
        for label in staff_urls:
            s = series[f"staff {label}"]
            figures[f"staff list over HTTP, {label}, {args.connections} connections"] = (
                f"{statistics.median(s.rps):,.1f} req/s ({min(s.rps):,.1f}–{max(s.rps):,.1f}), "
                f"p95 {s.p95_ms():.0f} ms (target ≤ 200 ms)")
        p = series["public"]
        figures["public list rendered over HTTP"] = (
            f"{alternate.spread(p.ratios, '{:.3f}×')} bare view, p95 {p.p95_ms():.0f} ms")
    finally:
        server.stop()
    return figures
