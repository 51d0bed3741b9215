#!/usr/bin/env python
"""`make bench`: every benchmark against its reference measured in the same run.

1. A scratch SQLite database under /tmp: migrate, collectstatic, `seed_demo`, the CMS
   demo pages, then bulk synthetic volume (cases for the staff list, public cases and
   news pages for the search).
2. gunicorn on the production profile (DEBUG off, whitenoise), 127.0.0.1, a free port,
   `--workers 2 --threads 4` (2 cores: one process per core, threads cover I/O waits).
   The reference views (bench/reference_urls.py) are served by that same server.
3. Throughput with a closed-loop keep-alive load generator (bench/common.py); photo
   processing and the sweep in-process / through bench/sweep_bench.py; the
   django-helpdesk peer in its own venv (bench/peers/helpdesk.py).
4. Prints the table and writes it to docs/performance.md (between the bench markers).

Usage: .venv/bin/python bench/run.py [--quick] [--workdir DIR] [--seconds S] ...
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import alternate, common, report  # noqa: E402


@dataclass
class Row:
    name: str
    figure: str
    reference: str = ""
    ratio: str = ""
    target: str = ""
    verdict: str = ""  # PASS, FAIL, "not available", "not measured", "" (information)
    note: str = ""


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="small volumes and short runs (to check the scripts)")
    p.add_argument("--workdir", help="scratch folder (reused when it already holds a seeded database)")
    p.add_argument("--seconds", type=float, help="measured seconds per throughput figure (default 10, quick 3)")
    p.add_argument("--warmup", type=float, help="warm-up seconds per figure (default 2, quick 1)")
    p.add_argument("--repeats", type=int, default=3, help="runs of each figure, alternating with its reference")
    p.add_argument("--connections", type=int, default=8, help="concurrent keep-alive clients (default 8)")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--threads", type=int, default=4)
    p.add_argument("--staff-cases", type=int, help="cases behind the staff list (default 100000)")
    p.add_argument("--search-docs", type=int, help="news pages for the search (default 5000)")
    p.add_argument("--search-cases", type=int, help="public cases for the search (default 100000)")
    p.add_argument("--sweep-cases", type=int, help="cases for the sweep (default 1000000)")
    p.add_argument("--helpdesk-tickets", type=int, default=10_000)
    p.add_argument("--scale-sizes", help="case counts of the scale curve (default 10000,100000,1000000)")
    p.add_argument("--scale-rounds", type=int, default=10, help="sequential requests per in-process scale figure")
    p.add_argument("--skip", action="append", default=[], choices=["peers", "sweep", "photo", "search", "staff", "report", "exports",
                                                                 "report-bench", "scale"],
                   help="leave a group out (its rows say so)")
    p.add_argument("--postgres", default=os.environ.get("BENCH_POSTGRES_URL", ""),
                   help="a scratch PostgreSQL database (emptied!) for the same figures; default $BENCH_POSTGRES_URL")
    p.add_argument("--redis", default=os.environ.get("BENCH_REDIS_URL", ""),
                   help="Redis (a database number that may be emptied) for the PostgreSQL run's cache and broker, "
                        "as in production; default $BENCH_REDIS_URL (none: local-memory cache, database broker)")
    p.add_argument("--databases", default="sqlite,postgres", help="which of sqlite,postgres to measure")
    p.add_argument("--no-write", action="store_true", help="do not update docs/performance.md")
    p.add_argument("--table-out", help=argparse.SUPPRESS)  # a child run for one database writes its table here
    p.add_argument("--prepare-only", action="store_true",
                   help="seed the --workdir (and the sweep's database) and stop: a later run reuses them")
    p.add_argument("--server-settings", help="experiments only: another settings module for gunicorn "
                   "(e.g. bench.settings_pagecache); implies --no-write")
    a = p.parse_args()
    a.databases = a.databases.split(",")
    a.seconds = a.seconds or (2.0 if a.quick else 5.0)
    a.warmup = a.warmup or (0.5 if a.quick else 1.0)
    a.staff_cases = a.staff_cases or (5_000 if a.quick else 100_000)
    a.search_docs = a.search_docs or (1_000 if a.quick else 5_000)
    a.search_cases = min(a.search_cases or (2_000 if a.quick else 100_000), a.staff_cases)
    a.sweep_cases = a.sweep_cases or (20_000 if a.quick else 1_000_000)
    a.scale_sizes = [int(n) for n in (a.scale_sizes or ("2000,10000" if a.quick else "10000,100000,1000000")).split(",")]
    if a.quick:
        a.helpdesk_tickets = min(a.helpdesk_tickets, 2_000)
    return a


# --- Setup -------------------------------------------------------------------------------


def prepare(args: argparse.Namespace, workdir: Path, env: dict[str, str], db: str = "sqlite") -> None:
    marker = workdir / f"seeded-{args.staff_cases}-{args.search_docs}-{args.search_cases}"
    if marker.exists():
        print(f"reusing the seeded database in {workdir} (migrating it to this checkout)")
        common.manage(env, "migrate", "--noinput", "-v0")
        common.manage(env, "collectstatic", "--noinput", "-v0")
        _setup_django(env)
        return
    if db == "postgres":
        common.empty_postgres(args.postgres)
    started = time.perf_counter()
    print(f"scratch folder {workdir}: migrate, collectstatic, seed_demo …", flush=True)
    common.manage(env, "migrate", "--noinput", "-v0")
    common.manage(env, "collectstatic", "--noinput", "-v0")
    common.manage(env, "seed_demo")
    _setup_django(env)
    try:
        from cms.demo_content import seed_cms_demo
    except ImportError:
        print("  cms.demo_content not available: public page rows may say 'not available'")
    else:
        seed_cms_demo()
    from bench import seed_volume

    print(f"bulk volume: {args.staff_cases:,} cases ({args.search_cases:,} public), {args.search_docs:,} news pages …",
          flush=True)
    seed_volume.bulk_cases(args.staff_cases)
    seed_volume.public_cases(args.search_cases)
    try:
        seed_volume.news_pages(args.search_docs)
    except RuntimeError as exc:
        print(f"  news pages not seeded: {exc}")
    marker.write_text(datetime.now(UTC).isoformat())
    print(f"prepared in {time.perf_counter() - started:.0f} s", flush=True)


def _setup_django(env: dict[str, str]) -> None:
    os.environ.update(env)
    import django

    django.setup()


def staff_session() -> tuple[str, str] | None:
    """A signed-in intake officer past the second factor: (cookie name, session key)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import Group, User
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from cases import roles

    group = Group.objects.filter(name=roles.INTAKE).first()
    user = User.objects.filter(groups=group, is_active=True).order_by("pk").first() if group else None
    if user is None:
        return None
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="bench", confirmed=True)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.create()
    return settings.SESSION_COOKIE_NAME, session.session_key


def report_fields() -> dict[str, str] | None:
    from cases.models import Category
    from cases.routing import township_index

    category = Category.objects.filter(parent__isnull=True).order_by("pk").first()
    index = township_index()
    if category is None or not index.geometries:
        return None
    point = index.geometries[0].representative_point()
    return {"category": str(category.pk), "description": "工厂夜间排放刺鼻气味，持续约两小时",
            "observed_at": "2026-03-01T21:30", "polluter_name": "某化工厂", "latitude": f"{point.y:.6f}",
            "longitude": f"{point.x:.6f}", "crs": "wgs84", "location_source": "pin", "address": "东湖街道某路1号",
            "name": "李四", "phone": "13800138000", "email": "ls@example.org", "anonymity": "named",
            "consent": "on"}


# --- Measurements ------------------------------------------------------------------------


class Bench:
    def __init__(self, args: argparse.Namespace, port: int) -> None:
        self.args = args
        self.port = port

    def load(self, step, **kw) -> common.LoadResult:
        kw.setdefault("connections", self.args.connections)
        return common.hammer(self.port, step, seconds=self.args.seconds, warmup=self.args.warmup, **kw)

    def available(self, path: str, cookies: dict[str, str] | None = None) -> int:
        client = common.Client(self.port)
        client.cookies.update(cookies or {})
        try:
            return client.get(path)[0]
        finally:
            client.close()

    def bare_view(self) -> common.LoadResult:
        return self.load(common.get_step("/__bare__/"))

    def cache_state(self, path: str) -> str:
        """Request `path` twice; the page cache's header on the second answer."""
        client = common.Client(self.port)
        try:
            client.get(path)
            return client.get(path)[1].get("x-page-cache", "")
        finally:
            client.close()

    def minimal_view(self) -> common.LoadResult:
        return self.load(common.get_step("/__bench__/minimal/"))

    def form_post(self, path: str, fields: dict[str, str], expect=(302,)) -> common.LoadResult:
        def setup(client: common.Client) -> dict:
            return {"csrf": common.csrf_token(client, path)}

        def step(client: common.Client, ctx: dict) -> int:
            data = {**fields, "csrfmiddlewaretoken": ctx["csrf"], "idempotency_key": str(uuid.uuid4())}
            return client.post_form(path, data)[0]

        return self.load(step, setup=setup, expect=expect)

    def logged_in_get(self, path: str, cookie: tuple[str, str]) -> common.LoadResult:
        def setup(client: common.Client) -> dict:
            client.cookies[cookie[0]] = cookie[1]
            return {}

        return self.load(common.get_step(path), setup=setup, keep_cookies=(cookie[0], "csrftoken"))

    def latencies(self, paths: list[str], rounds: int) -> list[float]:
        """Sequential requests on one connection: per-request latency, seconds."""
        client = common.Client(self.port)
        out = []
        try:
            for path in paths[:3]:  # warm-up
                client.get(path)
            for _ in range(rounds):
                for path in paths:
                    t = time.perf_counter()
                    status = client.get(path)[0]
                    out.append(time.perf_counter() - t)
                    if status != 200:
                        raise RuntimeError(f"{path}: HTTP {status}")
        finally:
            client.close()
        return out


def rps(r: common.LoadResult) -> str:
    errors = f", {r.error_count} errors {dict(r.errors)}" if r.error_count else ""
    return f"{r.rps:,.1f} req/s (p95 {r.pct(95) * 1000:.0f} ms{errors})"


def ratio_row(name: str, r: common.LoadResult, ref: float, ref_label: str, minimum: float,
              note: str = "") -> Row:
    ratio = r.rps / ref if ref else 0.0
    ok = ratio >= minimum and r.error_count == 0
    return Row(name, rps(r), f"{ref:,.1f} req/s {ref_label}", f"{ratio:.2f}×", f"≥ {minimum:g}×",
               "PASS" if ok else "FAIL", note)


def run_http(bench: Bench, args: argparse.Namespace, rows: list[Row], figures: dict) -> None:
    ref_a = bench.minimal_view()
    run_pages(bench, args, rows, figures)
    ref_b = bench.minimal_view()
    ref_view = (ref_a.rps + ref_b.rps) / 2
    figures["minimal_view"] = ref_view
    rows.append(Row("minimal Django view through the portal's middleware (information)", f"{ref_view:,.1f} req/s",
                    note=f"before {ref_a.rps:,.1f}, after {ref_b.rps:,.1f}; p95 {ref_b.pct(95) * 1000:.0f} ms"))
    if "report" not in args.skip:
        run_forms(bench, rows, figures)
    if "search" not in args.skip:
        run_search(bench, args, rows)
    if "staff" not in args.skip:
        run_staff(bench, args, rows, figures)


def run_pages(bench: Bench, args: argparse.Namespace, rows: list[Row], figures: dict) -> None:
    """Every public page rendered (a query parameter the page cache never stores) and
    the cache hit of a few, each alternating with the bare view (bench/alternate.py)."""
    from bench.pages import HIT_PAGES, public_page_urls, render_url

    urls = public_page_urls()
    measures, targets = {}, {}
    for label, url in urls.items():
        status = bench.available(render_url(url)) if url else 404
        if status != 200:
            rows.append(Row(f"{label}, render", "—", verdict="not available",
                            note=f"HTTP {status}" if url else "no such page in the demo"))
            continue
        name, rendered = f"{label} {url}, render", render_url(url)
        measures[name] = lambda u=rendered: bench.load(common.get_step(u))
        targets[name] = 0.1
    for label in HIT_PAGES:
        url = urls.get(label)
        if url and bench.cache_state(url) == "hit":
            name = f"{label} {url}, cache hit"
            measures[name] = lambda u=url: bench.load(common.get_step(u))
            targets[name] = 0.5
        elif url:
            rows.append(Row(f"{label}, cache hit", "—", verdict="not available", note="the page was not stored"))
    series, refs = alternate.alternate(bench.bare_view, measures, args.repeats)
    figures["bare_view"] = statistics.median(refs)
    rows.insert(0, Row("bare Django view (reference)", f"{alternate.spread(refs)} req/s",
                       note=f"{BARE_NOTE}; {len(refs)} runs, median (lowest–highest)"))
    for name, s in series.items():
        rows.append(series_row(name, s, "bare view", targets[name]))


BARE_NOTE = "bench/wsgi.py: same gunicorn workers, no middleware, one small HTML page"


def series_row(name: str, s: alternate.Series, ref_label: str, minimum: float, note: str = "") -> Row:
    ratio = statistics.median(s.ratios)
    ok = ratio >= minimum and s.errors == 0
    errors = f"; {s.errors} errors" if s.errors else ""
    return Row(name, f"{alternate.spread(s.rps)} req/s (p95 {s.p95_ms():.0f} ms{errors})",
               f"{alternate.spread(s.references)} req/s {ref_label}", alternate.spread(s.ratios, "{:.3f}×"),
               f"≥ {minimum:g}×", "PASS" if ok else "FAIL", note)


def run_forms(bench: Bench, rows: list[Row], figures: dict) -> None:
    form_fields = {"category": "air", "description": "工厂夜间排放刺鼻气味", "consent": "on"}
    ref_f1 = bench.form_post("/__bench__/form/", form_fields)
    fields = report_fields()
    report_status = bench.available("/report/")
    if fields is None or report_status != 200:
        rows.append(Row("report submission without photos", "—", verdict="not available",
                        note=f"/report/ HTTP {report_status}" if fields else "no category/township seeded"))
        report_result = None
    else:
        report_result = bench.form_post("/report/", fields)
    ref_f2 = bench.form_post("/__bench__/form/", form_fields)
    ref_session = bench.form_post("/__bench__/form-session/", form_fields)
    ref_form = (ref_f1.rps + ref_f2.rps) / 2
    figures["minimal_form"] = ref_form
    rows.append(Row("minimal Django form POST (reference)", f"{ref_form:,.1f} req/s",
                    note=f"before {ref_f1.rps:,.1f}, after {ref_f2.rps:,.1f}"))
    rows.append(Row("minimal form POST + one session row (information)", rps(ref_session),
                    note="what a single SQLite write per POST costs on this stack"))
    if report_result is not None:
        figures["report"] = report_result
        rows.append(ratio_row("report submission without photos", report_result, ref_form,
                              "minimal form POST", 0.4, note="CAPTCHA off (browser-side work); rate limit on"))


def run_search(bench: Bench, args: argparse.Namespace, rows: list[Row]) -> None:
    from urllib.parse import quote

    from bench.seed_volume import QUERIES

    status = bench.available("/search/?q=" + quote("污水"))
    name = f"Chinese search over {args.search_docs:,} pages + {args.search_cases:,} public cases, p50"
    if status != 200:
        rows.append(Row(name, "—", verdict="not available", note=f"/search/ HTTP {status}"))
        return
    rounds = 3 if args.quick else 10
    lat = bench.latencies([f"/search/?q={quote(q)}" for q in QUERIES], rounds)
    ref = bench.latencies(["/__bench__/minimal/"] * len(QUERIES), rounds)
    p50, ref50 = common.percentile(lat, 50), common.percentile(ref, 50)
    rows.append(Row(name, f"{p50 * 1000:.1f} ms (p95 {common.percentile(lat, 95) * 1000:.0f} ms)",
                    f"{ref50 * 1000:.1f} ms minimal view", f"{p50 / ref50:.1f}×", "p50 < 50 ms",
                    "PASS" if p50 < 0.050 else "FAIL", f"{len(QUERIES)} queries × {rounds}, one connection"))


def run_staff(bench: Bench, args: argparse.Namespace, rows: list[Row], figures: dict) -> None:
    from django.urls import NoReverseMatch, reverse

    from cases.models import Case

    try:
        path = reverse("workbench:list")
    except NoReverseMatch:
        rows.append(Row("staff case list", "—", verdict="not available", note="no workbench:list URL yet"))
        return
    cookie = staff_session()
    status = bench.available(path, {cookie[0]: cookie[1]}) if cookie else 0
    total = Case.objects.count()
    name = f"staff case list {path}, 50 rows of {total:,} cases"
    if status != 200:
        rows.append(Row(name, "—", verdict="not available", note=f"HTTP {status} for an intake officer"))
        return
    counts = staff_query_counts(path)
    flat = len(set(counts.values())) == 1
    rows.append(Row(f"staff case list: SQL queries at page size {', '.join(map(str, counts))}",
                    " / ".join(map(str, counts.values())), target="same for every page size",
                    verdict="PASS" if flat else "FAIL", note="in-process, Django test client, intake officer"))
    result = bench.logged_in_get(path, cookie)
    figures["staff_list"] = result
    figures["staff_list_name"] = name
    rows.append(Row(f"{name} (throughput)", rps(result), f"{figures['minimal_view']:,.1f} req/s minimal view",
                    f"{result.rps / figures['minimal_view']:.2f}×", note="compared with the peer below"))


def staff_query_counts(path: str) -> dict[int, int]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from cases.workbench.views import listing

    cookie = staff_session()
    client = Client()
    client.cookies[cookie[0]] = cookie[1]
    counts = {}
    original = listing.CaseListView.page_size
    try:
        for size in (10, 50, 100):
            listing.CaseListView.page_size = size
            client.get(path)  # warm per-process caches
            with CaptureQueriesContext(connection) as ctx:
                status = client.get(path).status_code
            counts[size] = len(ctx.captured_queries) if status == 200 else -status
    finally:
        listing.CaseListView.page_size = original
    return counts


def run_exports(bench: Bench, rows: list[Row]) -> None:
    """Each export once, streamed: the first byte (target ≤ 1 s) and the whole file
    (target: 100,000 rows ≤ 15 s, scaled for fewer rows)."""
    from bench import export_bench
    from bench.pages import public_page_urls

    cookie = staff_session()
    results = export_bench.measure(bench.port, cookie, public_page_urls().get("public case list, page 1"))
    for name, r in results.items():
        if r.status != 200:
            rows.append(Row(name, "—", verdict="FAIL", note=f"HTTP {r.status}"))
            continue
        per_100k = r.total * 100_000 / max(r.rows or 0, 1)  # linear: rows are streamed one by one
        ok = r.first_byte <= 1 and (per_100k <= 15 or r.total <= 1)
        rows.append(Row(f"{name}, {r.rows:,} rows (streamed)", f"first byte {r.first_byte:.2f} s, all {r.total:.1f} s",
                        f"{per_100k:.1f} s per 100,000 rows" if (r.rows or 0) >= 1000 else
                        "one row per department; its cost is the cases it counts (two years: every seeded case)", target="first byte ≤ 1 s; 100,000 rows ≤ 15 s",
                        verdict="PASS" if ok else "FAIL",
                        note=f"{r.size / 1e6:.1f} MB; {r.rows / r.total:,.0f} rows/s; logged by portal.exports"))


def run_photo(rows: list[Row]) -> None:
    from bench import photo_bench

    m = photo_bench.measure()
    ratio = m["portal"] / m["bare"]
    rows.append(Row(f"photo processing, one 12-MP JPEG ({m['bytes'] / 1e6:.1f} MB)", f"{m['portal'] * 1000:.0f} ms",
                    f"{m['bare'] * 1000:.0f} ms bare Pillow", f"{ratio:.2f}×", "≤ 1.2×",
                    "PASS" if ratio <= 1.2 else "FAIL",
                    "process_photo: + orientation, sRGB, thumbnail, SHA-256; median of 7, alternating"))


SWEEP_LINE = re.compile(r"^(?P<name>.+?)\s{2,}(?P<secs>\d+\.\d+)\s*(?P<ratio>\d+\.\d+)?")


def run_sweep(args: argparse.Namespace, workdir: Path, rows: list[Row], db: str = "sqlite") -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env["BENCH_SQLITE_PATH"] = str(workdir / "sweep.sqlite3")
    if db == "postgres":  # its own scratch database next to the pages' one
        env["BENCH_DATABASE_URL"] = args.postgres + "_sweep"
    started = time.perf_counter()
    proc = subprocess.run([str(common.VENV_PY), str(ROOT / "bench" / "sweep_bench.py"), "--cases",
                           str(args.sweep_cases), "--db", db, *(["--seed-only"] if args.prepare_only else [])],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=3600)
    if args.prepare_only:
        print(f"[{db}] sweep database: {'seeded' if proc.returncode == 0 else proc.stderr[-300:]}", flush=True)
        return
    name = f"deadline sweep, 1% of {args.sweep_cases:,} cases crossing"
    if proc.returncode != 0:
        rows.append(Row(name, "—", verdict="not measured", note=f"sweep_bench.py failed: {proc.stderr[-300:]}"))
        return
    found = {}
    for line in proc.stdout.splitlines():
        m = SWEEP_LINE.match(line)
        if m:
            found[m["name"].strip()] = float(m["secs"])
    ref = next((v for k, v in found.items() if k.startswith("bare indexed COUNT")), None)
    one = next((v for k, v in found.items() if k.startswith("sweep, 1.0%")), None)
    tenth = next((v for k, v in found.items() if k.startswith("sweep, 0.1%")), None)
    if ref is None or one is None:
        rows.append(Row(name, "—", verdict="not measured", note="could not read sweep_bench.py output"))
        return
    rows.append(Row("bare indexed COUNT(*) on the case table (reference)", f"{ref * 1000:.1f} ms",
                    note=f"{args.sweep_cases:,} rows"))
    prop = f"; 1% / 0.1% = {one / tenth:.1f} (≈10 if proportional)" if tenth else ""
    rows.append(Row(name, f"{one:.3f} s", f"{ref * 1000:.1f} ms bare COUNT(*)", f"{one / ref:.0f}×", "< 2 s",
                    "PASS" if one < 2 else "FAIL",
                    f"bench/sweep_bench.py, whole run {time.perf_counter() - started:.0f} s{prop}"))
    dash = next((v for k, v in found.items() if k.startswith("dashboard counts")), None)
    if dash is not None:
        rows.append(Row("dashboard counts, intake officer (information)", f"{dash * 1000:.0f} ms",
                        f"{ref * 1000:.1f} ms bare COUNT(*)", f"{dash / ref:.0f}×"))


def run_report_bench(args: argparse.Namespace, workdir: Path, rows: list[Row], db: str) -> None:
    """bench/report_bench.py in its own scratch folder (and, on PostgreSQL, its own scratch
    databases for the portal and for django-helpdesk): the report POST with the proof of
    work verified by the server and the worker running, alternating with helpdesk."""
    out = workdir / "report-bench.json"
    out.unlink(missing_ok=True)
    cmd = [str(common.VENV_PY), str(ROOT / "bench" / "report_bench.py"), "--workdir", str(workdir / "report-bench"),
           "--seconds", f"{args.seconds:g}", "--warmup", f"{args.warmup:g}", "--repeats", str(args.repeats),
           "--connections", str(args.connections), "--workers", str(args.workers), "--threads", str(args.threads),
           "--no-write", "--json", str(out)]
    if db == "postgres":
        cmd += ["--database-url", args.postgres + "_report", "--peer-database-url", args.postgres + "_helpdesk"]
        if args.redis:
            cmd += ["--redis-url", args.redis]
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE")}
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=3600)
    name = "report submission, proof of work verified, worker running, vs django-helpdesk"
    if proc.returncode != 0 or not out.exists():
        rows.append(Row(name, "—", verdict="not measured", note=f"report_bench.py failed: {proc.stderr[-300:]}"))
        return
    r = json.loads(out.read_text())
    rows.append(Row("django-helpdesk 2.6.1 public ticket submission (reference)", f"{r['helpdesk_rps']} req/s",
                    note=f"bench/report_bench.py; {r['database']}; load {r['load_before']} → {r['load_after']}"))
    rows.append(Row(name, f"{r['report_rps']} req/s (p95 {r['p95_ms']:.0f} ms)", f"{r['helpdesk_rps']} req/s helpdesk",
                    r["ratio_spread"], "≥ 1×", "PASS" if r["ratio"] >= 1 and not r["errors"] else "FAIL",
                    f"{r['errors']} errors" if r["errors"] else ""))
    for label, (count, ms) in r["in_process"].items():
        rows.append(Row(f"one report in-process, {label} (information)", f"{count:.0f} statements, {ms:.1f} ms"))


def run_scale(args: argparse.Namespace, rows: list[Row], db: str) -> str:
    """bench/scale.py at each size (own folders or, on PostgreSQL, the scratch databases
    `<url>_scale<n>`, seeded once per size); its table is returned, and the targets read off
    it become rows: the dashboard counts ≤ 2× the bare COUNT(*) and the staff list's
    p95 ≤ 200 ms at the largest size, the staff list's query count the same at every size."""
    from bench import scale

    # PostgreSQL: one scratch database per size, `<url>_scale<n>`, seeded once and reused.
    results, table = scale.run_curve(args.scale_sizes, args.postgres + "_scale{n}" if db == "postgres" else "",
                                     rounds=args.scale_rounds, seconds=args.seconds, connections=args.connections,
                                     reuse_postgres=True)
    if not results:
        rows.append(Row("scale curve", "—", verdict="not measured", note="bench/scale.py failed at every size"))
        return table
    largest = max(results, key=lambda r: r["cases"])
    n = f"{largest['cases']:,} cases"
    for name, value in largest["figures"].items():
        if name.startswith("dashboard counts"):
            m = re.search(r"= ([\d.]+)× COUNT", value)
            ratio = float(m[1]) if m else None
            rows.append(Row(f"{name}, {n}", value.split(" = ")[0], f"bare indexed COUNT(*) "
                            f"{largest['figures'].get('bare indexed COUNT(*) (reference)', '?')}",
                            f"{ratio:.1f}×" if ratio else "—", "≤ 2×",
                            "not measured" if ratio is None else ("PASS" if ratio <= 2 else "FAIL"),
                            "median of the per-round ratios; spread in the scale table"))
        elif name.startswith("staff list over HTTP"):
            m = re.search(r"p95 (\d+) ms", value)
            rows.append(Row(f"{name.replace('staff list over HTTP, ', 'staff list, ')}, {n}",
                            value.split(" (target")[0], "", "", "p95 ≤ 200 ms",
                            "not measured" if not m else ("PASS" if int(m[1]) <= 200 else "FAIL")))
    counts: dict[str, list[int]] = {}
    for r in results:
        for name, value in r["figures"].items():
            m = re.search(r"(\d+) queries", value) if name.startswith("staff list, ") else None
            if m:
                counts.setdefault(name, []).append(int(m[1]))
    sizes = ", ".join(f"{r['cases']:,}" for r in results)
    for name, per_size in counts.items():
        rows.append(Row(f"{name}: queries at {sizes} cases", " / ".join(map(str, per_size)), "", "",
                        "the same at every size", "PASS" if len(set(per_size)) == 1 else "FAIL"))
    return table


def run_peers(args: argparse.Namespace, workdir: Path, rows: list[Row], figures: dict) -> None:
    from bench.peers import helpdesk

    report_r = figures.get("report")
    staff_r = figures.get("staff_list")
    try:
        peer = helpdesk.measure(workdir, tickets=args.helpdesk_tickets, workers=args.workers, threads=args.threads,
                                connections=args.connections, seconds=args.seconds, warmup=args.warmup)
    except helpdesk.NotMeasured as exc:
        rows.append(Row("django-helpdesk peer", "—", verdict="not measured", note=str(exc)))
        return
    empty = [name for name, result in peer.items() if result.requests == 0]
    if empty:  # e.g. its form changed and the setup step failed in every connection
        rows.append(Row("django-helpdesk peer", "—", verdict="not measured",
                        note=f"no successful request for: {', '.join(empty)} "
                             f"({'; '.join(str(peer[n].errors) for n in empty)}); see {workdir / 'helpdesk.log'}"))
        return
    rows.append(Row("django-helpdesk public ticket submission (peer)", rps(peer["submit"])))
    rows.append(Row(f"django-helpdesk staff ticket list, {args.helpdesk_tickets:,} tickets (peer)",
                    rps(peer["list"]), note="page + its datatables request (50 rows)"))
    if report_r is not None:
        ratio = report_r.rps / peer["submit"].rps if peer["submit"].rps else 0.0
        rows.append(Row("report submission vs django-helpdesk submission (information)", rps(report_r),
                        f"{peer['submit'].rps:,.1f} req/s helpdesk", f"{ratio:.2f}×",
                        note="proof of work off, no worker, measured minutes apart: the target is read off the "
                             "report bench's row (alternating, proof of work verified, worker running)"))
    if staff_r is not None:
        rows.append(ratio_row(f"{figures['staff_list_name']} vs helpdesk list", staff_r, peer["list"].rps,
                              "helpdesk", 1))


# --- Main ----------------------------------------------------------------------------------


def run_database(args: argparse.Namespace, db: str, workdir: Path) -> tuple[list[Row], int]:
    """Every figure on one database: SQLite in `workdir`, or the PostgreSQL database
    named by --postgres (emptied before seeding)."""
    workdir.mkdir(parents=True, exist_ok=True)
    env = common.portal_env(workdir)
    if db == "postgres":
        env["DATABASE_URL"] = args.postgres
        if args.redis:
            env["REDIS_URL"] = args.redis
            import redis

            redis.Redis.from_url(args.redis).flushdb()  # no cached page or session of another run
    secret_file = workdir / "secret"  # sessions made here must verify in the server: one key per folder
    if secret_file.exists():
        env["DJANGO_SECRET_KEY"] = env["FIELD_ENCRYPTION_KEY"] = secret_file.read_text()
    else:
        secret_file.write_text(env["DJANGO_SECRET_KEY"])
    prepare(args, workdir, env, db)
    if args.prepare_only:
        if "sweep" not in args.skip:
            run_sweep(args, workdir, [], db)
        return [], 0, ""
    rows: list[Row] = []
    figures: dict = {}
    server_env = {**env, "DJANGO_SETTINGS_MODULE": args.server_settings} if args.server_settings else env
    server, port = common.start_gunicorn(server_env, workdir / "gunicorn.log", workers=args.workers,
                                         threads=args.threads, app="bench.wsgi:application")
    try:
        print(f"[{db}] gunicorn on 127.0.0.1:{port} (-w {args.workers} --threads {args.threads}); measuring …",
              flush=True)
        bench = Bench(args, port)
        run_http(bench, args, rows, figures)
        if "exports" not in args.skip:
            run_exports(bench, rows)
    finally:
        server.stop()
    if db == "sqlite" and "photo" not in args.skip:
        run_photo(rows)
    if db == "sqlite" and "peers" not in args.skip:
        run_peers(args, workdir, rows, figures)
    if "report-bench" not in args.skip:
        run_report_bench(args, workdir, rows, db)
    if "sweep" not in args.skip:
        run_sweep(args, workdir, rows, db)
    scale_table = run_scale(args, rows, db) if "scale" not in args.skip else ""
    locked = (workdir / "gunicorn.log").read_text(errors="replace").count("database is locked")
    return rows, locked, scale_table


def run_child(args: argparse.Namespace, db: str, workdir: Path) -> str:
    """This script for one database, in a child process (its output passes through);
    returns that database's table."""
    out = workdir / f"table-{db}.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.unlink(missing_ok=True)
    cmd = [str(common.VENV_PY), str(Path(__file__).resolve()), *sys.argv[1:], "--databases", db, "--no-write",
           "--workdir", str(workdir), "--table-out", str(out)]
    code = subprocess.run(cmd, cwd=ROOT).returncode
    if out.exists():
        return out.read_text()
    return f"### {db}\n\nNot measured: the run for this database exited with {code} (its output above)."


def main() -> int:
    args = parse_args()
    workdir = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="portal-bench-", dir="/tmp"))
    args.no_write = args.no_write or bool(args.server_settings)
    started = datetime.now(UTC)
    info = common.machine()
    print(f"bench {started:%Y-%m-%d %H:%M}, {info['nproc']} cores, {info['cpu']}, load {info['loadavg']}")
    tables = []
    wanted = [db for db in ("sqlite", "postgres") if db in args.databases and (db == "sqlite" or args.postgres)]
    for db in ("sqlite", "postgres"):
        if db == "postgres" and not args.postgres:
            tables.append("### PostgreSQL\n\nNot measured: no scratch database given (`make bench "
                          "BENCH_POSTGRES_URL=postgres://…/scratch`; the database is emptied).")
            continue
        if db not in args.databases:
            continue
        if len(wanted) > 1:  # Django is set up once per process: each database in a process of its own
            tables.append(run_child(args, db, workdir))
            continue
        try:
            rows, locked, scale_table = run_database(args, db, workdir if db == "sqlite" else workdir / "postgres")
        except Exception as exc:  # noqa: BLE001 - the other database's table still counts
            tables.append(f"### {db}\n\nNot measured: the run failed ({type(exc).__name__}: {str(exc)[-300:]}).")
            print(tables[-1], flush=True)
            continue
        if args.prepare_only:
            continue
        info["loadavg_end"] = common.load_average()
        tables.append(report.render(rows, info, started, args, locked, db)
                      + (f"\n\n{scale_table}" if scale_table else ""))
        print("\n" + tables[-1] + "\n", flush=True)  # each table as soon as it is complete
    if args.table_out:
        Path(args.table_out).write_text("\n\n".join(tables))
        return 0
    if args.prepare_only:
        print(f"prepared {workdir}: run again with --workdir {workdir} to measure")
        return 0
    text = "\n\n".join(tables)
    print("\n" + text)
    if not args.no_write:
        report.write(ROOT / "docs" / "performance.md", text)
        print("written to docs/performance.md")
    if not args.workdir:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
