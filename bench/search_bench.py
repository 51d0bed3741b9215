#!/usr/bin/env python
"""Site search latency over 5,000 news pages + 100,000 public cases.

Seeds a scratch database (SQLite file, or PostgreSQL when --db postgres; the database
`BENCH_DATABASE_URL`, default postgres://postgres@127.0.0.1:5432/bench_search) with a
page tree, N news pages (indexed through the Wagtail search backend, as
`update_index` would), M public cases with Chinese public summaries, 18 tasks and 8
referral batches, then renders `/search/?q=` in-process through the whole Django stack
(middleware, view, template; Django's test client, no socket) for 12 Chinese queries,
a reference number and an original case code, and reports p50 and p95 per query and
overall. A same-run reference: the minimal response of the same client (`/livez`-like
HttpResponse) to show the stack's floor.

Usage: .venv/bin/python bench/search_bench.py [--db sqlite|postgres] [--pages 5000]
       [--cases 100000] [--rounds 10]
"""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from urllib.parse import quote
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 6, 1, 9, 0, tzinfo=SH)
EXTRA_QUERIES = ["BN000012345", "D3SX202605010042", "矿山生态修复", "第3批"]


def configure(db: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings.dev"
    os.environ.pop("REDIS_URL", None)
    if db == "postgres":
        os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL",
                                                    "postgres://postgres@127.0.0.1:5432/bench_search")
        from bench.common import ensure_postgres_database

        ensure_postgres_database(os.environ["DATABASE_URL"])
    else:
        os.environ.pop("DATABASE_URL", None)
        os.environ["SQLITE_PATH"] = os.environ.get("BENCH_SQLITE_PATH", "/tmp/portal-search-bench.sqlite3")
    import django

    django.setup()


def _site():
    from wagtail.models import Page, Site

    from cms.models import (
        BatchDisclosureIndexPage,
        HomePage,
        NewsIndexPage,
        PublicCaseIndexPage,
        TaskLedgerPage,
    )

    home = HomePage.objects.first()
    if home is None:
        home = Page.get_first_root_node().add_child(instance=HomePage(title="首页", slug="bench-home"))
        Site.objects.all().delete()
        Site.objects.create(hostname="testserver", port=80, root_page=home, is_default_site=True, site_name="bench")
    for model, slug, title in ((NewsIndexPage, "news", "整改动态"), (TaskLedgerPage, "tasks", "整改任务"),
                               (PublicCaseIndexPage, "cases", "公开案件"),
                               (BatchDisclosureIndexPage, "batches", "交办信访件公开")):
        if not model.objects.exists():
            home.add_child(instance=model(title=title, slug=slug))
    return home


def _reference_data():
    from bench.seed_volume import sentence
    from cases.models import Category, Department, RectificationTask, ReferralBatch, Township

    dept, _ = Department.objects.get_or_create(code="bench-env", defaults={"name": "市生态环境局",
                                                                         "email": "env@example.org"})
    cats = [Category.objects.get_or_create(code=f"bench-{i}", defaults={"name": name})[0]
            for i, name in enumerate(["大气污染", "水污染", "噪声", "固体废物", "其他"])]
    towns = [Township.objects.get_or_create(code=f"bench-{i}", defaults={"name": name})[0]
             for i, name in enumerate(["东湖街道", "河西街道", "白沙乡", "青石镇"])]
    rng = random.Random(3)
    for n in range(1, 19):
        RectificationTask.objects.get_or_create(number=n, defaults=dict(
            title="矿山生态修复" if n == 3 else sentence(rng, 3)[:-1], problem=sentence(rng, 8),
            responsible_leader="副市长", lead_department=dept, target=sentence(rng, 6), measures=sentence(rng, 8),
            start_date=date(2025, 1, 1), deadline=date(2027, 6, 30)))
    batches = [ReferralBatch.objects.get_or_create(source="central", number=n, defaults=dict(
        title=f"第{n}批", received_at=NOW - timedelta(days=300 - n), due_at=NOW - timedelta(days=290 - n)))[0]
        for n in range(1, 9)]
    return dept, cats, towns, batches


def seed_cases(m: int, dept, cats, towns, batches) -> None:
    from django.db import transaction

    from bench.seed_volume import sentence
    from cases.models import Case
    from cases.searchindex import reconcile_cases

    have = Case.objects.filter(reference__startswith="BN").count()
    rng = random.Random(8)
    started = time.perf_counter()
    for chunk in range(have, m, 5000):
        rows = []
        for i in range(chunk, min(m, chunk + 5000)):
            batch = batches[i % 8] if i % 50 == 0 else None
            received = NOW - timedelta(minutes=rng.randint(60, 2 * 365 * 24 * 60))
            rows.append(Case(
                reference=f"BN{i:09d}", category=rng.choice(cats), township=rng.choice(towns),
                description="基准案件（不公开的举报内容）", public_summary=sentence(rng, rng.randint(6, 14)),
                state="closed", version=1, lead_department=dept, received_at=received,
                closed_at=received + timedelta(days=10), is_public=True, source="central" if batch else "web",
                batch=batch, original_code=f"D3SX2026{i:08d}" if batch else ""))
        with transaction.atomic():
            Case.objects.bulk_create(rows, batch_size=1000)
    indexed = reconcile_cases()  # bulk_create bypassed the services that write the search entries
    print(f"  search index: {indexed}", flush=True)
    print(f"  {m - have:,} public cases inserted in {time.perf_counter() - started:.0f} s", flush=True)


def seed(pages: int, cases: int) -> None:
    from django.core.management import call_command
    from django.db import connection

    from bench import seed_volume

    call_command("migrate", verbosity=0)
    _site()
    dept, cats, towns, batches = _reference_data()
    seed_cases(cases, dept, cats, towns, batches)
    seed_volume.news_pages(pages)
    if connection.vendor == "postgresql":  # fresh statistics and visibility map after the bulk load
        with connection.cursor() as cur:
            cur.execute("VACUUM ANALYZE")


def _latencies(client, paths: list[str], rounds: int, cpu: list[float] | None = None) -> dict[str, list[float]]:
    """Wall time per path; `cpu` collects this process's CPU time per request (the
    whole request on SQLite, everything but the server's work on PostgreSQL), which
    the other sessions on a shared machine do not inflate."""
    out = {p: [] for p in paths}
    for path in paths:  # warm-up
        assert client.get(path).status_code == 200, path
    for _ in range(rounds):
        for path in paths:
            t, c = time.perf_counter(), time.process_time()
            response = client.get(path)
            out[path].append(time.perf_counter() - t)
            if cpu is not None:
                cpu.append(time.process_time() - c)
            assert response.status_code == 200
    return out


def backend_cpu() -> float | None:
    """CPU seconds the PostgreSQL backend serving this connection has used so far (read
    from /proc: the server runs on this machine), or None on SQLite."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        pid = cur.fetchone()[0]
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--pages", type=int, default=5_000)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    configure(args.db)
    from django.db import connection
    from django.test import Client

    from bench.seed_volume import QUERIES
    from cases.models import Case
    from cms.models import NewsPage

    seed(args.pages, args.cases)
    client = Client()
    paths = [f"/search/?q={quote(q)}" for q in QUERIES + EXTRA_QUERIES]
    load_before, cpu = os.getloadavg()[0], []
    server_before = backend_cpu()
    lat = _latencies(client, paths, args.rounds, cpu)
    server = (backend_cpu() - server_before) / len(cpu) if server_before is not None else None
    floor = _latencies(client, ["/livez"], args.rounds * 3)["/livez"]
    every = [v for values in lat.values() for v in values]
    print(f"\n{connection.vendor}: {NewsPage.objects.count():,} news pages, "
          f"{Case.objects.public().count():,} public cases, {os.cpu_count()} cores, {args.rounds} rounds")
    for path, values in lat.items():
        print(f"  {path:60} p50 {statistics.median(values) * 1000:7.1f} ms")
    p50 = statistics.median(every)
    print(f"search p50 {p50 * 1000:.1f} ms, p95 {percentile(every, 95) * 1000:.1f} ms "
          f"(stack floor /livez p50 {statistics.median(floor) * 1000:.1f} ms); target p50 < 50 ms: "
          f"{'PASS' if p50 < 0.050 else 'FAIL'}")
    print(f"this process's CPU per search p50 {statistics.median(cpu) * 1000:.1f} ms, mean "
          f"{statistics.mean(cpu) * 1000:.1f} ms"
          + (f"; PostgreSQL backend CPU per search, mean {server * 1000:.1f} ms" if server is not None else "")
          + f"; load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after, {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
