#!/usr/bin/env python
"""Deadline sweep and dashboard counts on 1,000,000 cases (issue: case engine).

Seeds a scratch database (SQLite file, or PostgreSQL when BENCH_DATABASE_URL is set)
with N cases and one running handling clock each, then measures, in the same run:
  - a bare indexed COUNT(*) on the case table (the reference);
  - the sweep when 0.1% and 1% of the clocks cross their warning threshold;
  - the dashboard counts (open cases, overdue and due-this-week per department).
Usage: .venv/bin/python bench/sweep_bench.py [--cases 1000000] [--db sqlite|postgres]
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.common import ensure_postgres_database, timed  # noqa: E402

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 6, 1, 9, 0, tzinfo=SH)


def configure(db: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings.dev"
    os.environ.pop("REDIS_URL", None)
    if db == "postgres":
        os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench")
        ensure_postgres_database(os.environ["DATABASE_URL"])
    else:
        os.environ.pop("DATABASE_URL", None)
        os.environ["SQLITE_PATH"] = os.environ.get("BENCH_SQLITE_PATH") or str(Path(tempfile.gettempdir()) / "portal-bench.sqlite3")
    import django

    django.setup()


def seed(n: int) -> None:
    from django.core.management import call_command
    from django.db import connection, transaction

    from cases.models import Case, Category, Department

    call_command("migrate", verbosity=0)
    if Case.objects.count() >= n:
        print(f"reusing {Case.objects.count():,} seeded cases")
        return
    cat, _ = Category.objects.get_or_create(code="bench-air", defaults={"name": "大气"})
    depts = [Department.objects.get_or_create(code=f"bench-{i}", defaults={"name": f"基准部门{i}",
                                                                           "email": f"d{i}@example.org"})[0]
             for i in range(20)]
    ids = [d.pk for d in depts]
    assert ids == list(range(ids[0], ids[0] + 20)), "bench departments must have consecutive ids"
    started = time.perf_counter()
    far = NOW + timedelta(days=3650)
    if connection.vendor == "postgresql":
        numbers, ref = "SELECT x FROM generate_series(0, %s - 1) AS x", "'BN' || lpad(x::text, 9, '0')"
    else:
        numbers = "WITH RECURSIVE seq(x) AS (SELECT 0 UNION ALL SELECT x + 1 FROM seq WHERE x < %s - 1) SELECT x FROM seq"
        ref = "printf('BN%%09d', x)"
    sql = (
        "INSERT INTO cases_case (reference, access_code_hash, source, source_detail, original_code,"
        " is_key_case, category_id, title, description, extra, location_source, address, state,"
        " version, lead_department_id, rejection_reason, redirect_authority, internal_findings,"
        " reply_text, public_summary, accountability, is_public, is_sensitive, received_at,"
        " next_due_at, is_overdue, is_supervised, reopen_count, updated_at, polluter_name, intake_job)"
        f" SELECT {ref}, '', 'web', '', '', false, %s, '', '基准案件', '{{}}', 'pin', '',"
        " CASE WHEN x %% 10 < 6 THEN 'in_progress' WHEN x %% 10 < 9 THEN 'closed' ELSE 'assigned' END,"
        " 1, %s + (x %% 20), '', '', '', '', '', '', false, false, %s, %s, false, false, 0, %s, '', ''"
        f" FROM ({numbers}) AS numbers"
    )
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(sql, [cat.pk, ids[0], NOW - timedelta(days=30), far, NOW, n])
    _seed_clocks(n, far)
    print(f"seeded {n:,} cases and clocks in {time.perf_counter() - started:.0f} s")


def _seed_clocks(n: int, far: datetime) -> None:
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(
            "INSERT INTO cases_assignment (case_id, department_id, role, state, assigned_at, contribution, is_active,"
            " version) SELECT id, lead_department_id, 'lead', 'accepted', %s, '', true, 0 FROM cases_case"
            " WHERE state IN ('in_progress', 'assigned')", [NOW - timedelta(days=30)])
        cur.execute(
            "INSERT INTO cases_clock (case_id, assignment_id, kind, started_at, due_at, warn_at, escalate_at,"
            " original_due_at) SELECT case_id, id, 'handling', %s, %s, %s, %s, %s FROM cases_assignment",
            [NOW - timedelta(days=30), far, far - timedelta(days=3), far + timedelta(days=2), far])
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE")


def make_crossings(count: int) -> None:
    """Move `count` running clocks' warning threshold into the past; reset the rest."""
    from django.db import transaction

    from cases.models import CaseEvent, Clock, Notification

    with transaction.atomic():
        CaseEvent.objects.filter(kind="deadline_warning").delete()  # bench data only
        Clock.objects.filter(warned_at__isnull=False).update(warned_at=None, warn_at=NOW + timedelta(days=3000))
        ids = list(Clock.objects.filter(stopped_at__isnull=True).order_by("pk").values_list("pk", flat=True)[:count])
        Clock.objects.filter(pk__in=ids).update(warn_at=NOW - timedelta(hours=1))
        Notification.objects.all().delete()


def timed_sweep(crossing: int, now: datetime) -> tuple[float, dict]:
    """The sweep's median time over 3 runs with `crossing` clocks crossing, and its counts."""
    from cases.sweep import sweep

    samples = []
    for _ in range(3):
        make_crossings(crossing)
        t = time.perf_counter()
        counts = sweep(now=now)
        samples.append(time.perf_counter() - t)
    return statistics.median(samples), counts


def measure(n: int) -> list[tuple]:
    from django.db import connection

    from cases.workbench.counts import dashboard_counts

    def bare_count():
        with connection.cursor() as cur:
            cur.execute("SELECT COUNT(*) FROM cases_case WHERE state = %s", ["in_progress"])
            cur.fetchone()

    reference = timed(bare_count)
    rows = [("bare indexed COUNT(*) (reference)", reference, None, "")]
    for share in (0.001, 0.01):
        crossing = int(n * share)
        took, counts = timed_sweep(crossing, NOW)
        assert counts["warning"] == crossing, counts
        rows.append((f"sweep, {share:.1%} crossing ({crossing:,} clocks)", took, took / reference,
                     "< 2 s" if share == 0.01 else ""))
    intake = _bench_user()
    took = timed(lambda: dashboard_counts(intake, now=NOW))
    rows.append(("dashboard counts (intake officer, all cases)", took, took / reference, ""))
    return rows


def _bench_user():
    from django.contrib.auth.models import Group, User

    from cases import roles

    user, _ = User.objects.get_or_create(username="bench_intake")
    user.groups.add(Group.objects.get_or_create(name=roles.INTAKE)[0])
    return User.objects.get(pk=user.pk)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--seed-only", action="store_true", help="seed (or check) the scratch database and stop")
    args = parser.parse_args()
    configure(args.db)
    from django.db import connection

    seed(args.cases)
    if args.seed_only:
        return
    rows = measure(args.cases)
    print(f"\n{connection.vendor}, {args.cases:,} cases, {os.cpu_count()} cores")
    print(f"{'measure':55} {'seconds':>10} {'× ref':>10}  target")
    for name, secs, ratio, target in rows:
        print(f"{name:55} {secs:10.4f} {'' if ratio is None else f'{ratio:10.1f}':>10}  {target}")
    sweep_1pct = rows[2][1]
    sweep_01pct = rows[1][1]
    print(f"\nsweep 1% / sweep 0.1% = {sweep_1pct / sweep_01pct:.1f} (proportional to crossings ≈ 10)")
    print(f"target sweep(1%) < 2 s: {'PASS' if sweep_1pct < 2 else 'FAIL'}")


if __name__ == "__main__":
    main()
