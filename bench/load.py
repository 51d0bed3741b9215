#!/usr/bin/env python
"""Load profiles (`make load`, `make load-scaleout`), loopback only, bounded in time.

single   SQLite (WAL), one gunicorn process with threads, one qcluster (ORM broker):
         30 users by default.
scaleout PostgreSQL (scratch database bench_load, never `test`) + a private Redis on a
         free port, gunicorn with 3 workers, 2 qclusters (Redis broker): 60 users; one
         qcluster is SIGKILLed half-way through.

Each simulated user loops until the duration ends: 70% public pages, 20% tracking
look-ups (form + POST + case page), 10% report submissions with 3 phone photos,
with a think time between actions (default 1–3 s, uniform). Afterwards: the task
queue, the notification outbox and the intake jobs must drain within 60 s (150 s after
a killed worker: its lost tasks wait for the 1-minute intake schedule); every accepted
report must be routed and stored with its 3 photos processed (original, copy and
thumbnail present); every notification is sent exactly once
(Message-IDs recorded by bench/mailsink.py); no server error and no "database is
locked" in any log. Results go to docs/performance.md (load block).

Usage: .venv/bin/python bench/load.py single|scaleout [--duration 180] [--users N] [--workdir DIR]
"""

from __future__ import annotations

import argparse
import os
import random
import re
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import common, report  # noqa: E402

PG_URL = "postgres://postgres@127.0.0.1:5432/bench_load"
DRAIN_LIMIT = 60.0
MAX_ACTIONS_PER_USER = 100_000


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("profile", choices=["single", "scaleout"])
    p.add_argument("--duration", type=float, default=180.0, help="seconds of load (default 180)")
    p.add_argument("--users", type=int, help="simulated users (single 30, scaleout 60)")
    p.add_argument("--think-min", type=float, default=1.0)
    p.add_argument("--think-max", type=float, default=3.0)
    p.add_argument("--photo-mp", type=float, default=12.0, help="megapixels per uploaded photo (default 12)")
    p.add_argument("--workdir", help="scratch folder (reused when already seeded)")
    p.add_argument("--no-write", action="store_true")
    a = p.parse_args()
    a.users = a.users or (30 if a.profile == "single" else 60)
    if a.duration > 3600:
        p.error("--duration is bounded to 3600 s")
    return a


# --- Environment --------------------------------------------------------------------------


def profile_env(args, workdir: Path, redis_port: int | None) -> dict[str, str]:
    env = common.portal_env(workdir, EMAIL_BACKEND="bench.mailsink.SinkBackend",
                            BENCH_MAIL_SINK=str(workdir / "mail.log"), Q_WORKERS="2")
    secret = workdir / "secret"
    if secret.exists():
        env["DJANGO_SECRET_KEY"] = secret.read_text()
    else:
        secret.write_text(env["DJANGO_SECRET_KEY"])
    if args.profile == "scaleout":
        env["DATABASE_URL"] = PG_URL
        env["REDIS_URL"] = f"redis://127.0.0.1:{redis_port}/0"
    return env


def reset_pg_database() -> None:
    import psycopg

    name = PG_URL.rsplit("/", 1)[1]
    assert name == "bench_load"  # never the CI database
    with psycopg.connect(PG_URL.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def prepare(args, workdir: Path, env: dict[str, str]) -> None:
    marker = workdir / "seeded"
    if not marker.exists():
        if args.profile == "scaleout":
            reset_pg_database()
        print("migrate, collectstatic, seed_demo, schedules …", flush=True)
        started = time.perf_counter()
        for cmd in (["migrate", "--noinput", "-v0"], ["collectstatic", "--noinput", "-v0"], ["seed_demo"],
                    ["setup_schedules"]):
            common.manage(env, *cmd)
        print(f"seeded in {time.perf_counter() - started:.0f} s", flush=True)
    else:  # a reused folder still gets this checkout's migrations and schedules
        for cmd in (["migrate", "--noinput", "-v0"], ["setup_schedules"]):
            common.manage(env, *cmd)
    os.environ.update(env)
    import django

    django.setup()
    if not marker.exists():
        try:
            from cms.demo_content import seed_cms_demo
        except ImportError:
            pass
        else:
            seed_cms_demo()
        marker.write_text(datetime.now(UTC).isoformat())


def tracking_targets(n: int) -> list[tuple[str, str]]:
    """(reference, access code) of n fresh reports, for the tracking look-ups."""
    from bench.run import report_fields
    from cases.intake import ReporterInput, ReportInput, submit_case
    from cases.models import Category

    fields = report_fields()
    category = Category.objects.get(pk=fields["category"])
    out = []
    for _ in range(n):
        result = submit_case(ReportInput(category=category, description="跟踪测试：夜间异味",
                                         latitude=float(fields["latitude"]), longitude=float(fields["longitude"]),
                                         location_source="pin"), ReporterInput(is_anonymous=True))
        out.append((result.case.reference, result.access_code))
    return out


# --- Simulated users ------------------------------------------------------------------------


class Recorder:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.statuses: Counter = Counter()
        self.errors: Counter = Counter()
        self.submitted: list[str] = []

    def add(self, kind: str, seconds: float, status: int | str) -> None:
        with self.lock:
            self.latency[kind].append(seconds)
            self.statuses[(kind, status)] += 1


def user_loop(port: int, rec: Recorder, deadline: float, pages: list[str], targets: list[tuple[str, str]],
              fields: dict[str, str], photos: list[bytes], think: tuple[float, float], seed: int) -> None:
    rng = random.Random(seed)
    client = common.Client(port, timeout=120)
    try:
        for _ in range(MAX_ACTIONS_PER_USER):
            if time.monotonic() >= deadline:
                break
            roll = rng.random()
            try:
                if roll < 0.7:
                    t = time.perf_counter()
                    status = client.get(rng.choice(pages))[0]
                    rec.add("page", time.perf_counter() - t, status)
                elif roll < 0.9:
                    track(client, rec, rng.choice(targets))
                else:
                    submit(client, rec, fields, photos)
            except Exception as exc:  # noqa: BLE001 - counted and reported
                with rec.lock:
                    rec.errors[type(exc).__name__] += 1
                client.close()
                client = common.Client(port, timeout=120)
            time.sleep(min(rng.uniform(*think), max(0.0, deadline - time.monotonic())))
    finally:
        client.close()


def track(client: common.Client, rec: Recorder, target: tuple[str, str]) -> None:
    t = time.perf_counter()
    token = common.csrf_token(client, "/track/")
    status, headers, _ = client.post_form("/track/", {"csrfmiddlewaretoken": token, "reference": target[0],
                                                      "access_code": target[1]})
    if status == 302 and "/track/" in headers.get("location", "") and "notfound" not in headers["location"]:
        status = client.get(headers["location"].replace(f"http://{common.HOST}:{client.port}", ""))[0]
    elif status == 302:
        status = "not found"
    rec.add("track", time.perf_counter() - t, status)


def submit(client: common.Client, rec: Recorder, fields: dict[str, str], photos: list[bytes]) -> None:
    token = common.csrf_token(client, "/report/")
    key = str(uuid.uuid4())
    data = {**fields, "csrfmiddlewaretoken": token, "idempotency_key": key}
    files = [("photos", f"IMG_{i}.jpg", p) for i, p in enumerate(photos)]
    t = time.perf_counter()
    status, headers, _ = client.post_multipart("/report/", data, files)
    rec.add("submit", time.perf_counter() - t, status)
    if status == 302 and "/report/done/" in headers.get("location", ""):
        with rec.lock:
            rec.submitted.append(key)


# --- Checks -----------------------------------------------------------------------------


def queue_counts() -> dict[str, int]:
    from django.utils import timezone
    from django_q.brokers import get_broker

    from cases.models import Case, Notification, Photo

    due = Notification.objects.filter(state__in=["pending", "sending"], next_attempt_at__lte=timezone.now())
    # The worker's part of intake (cases.pipeline): a task lost with the killed worker is
    # redone by the 1-minute intake schedule.
    return {"queued tasks": get_broker().queue_size() or 0, "notifications due": due.count(),
            "reports not yet routed by the worker": Case.objects.exclude(intake_job="").count(),
            "photos not yet processed": Photo.objects.filter(state="pending").count()}


def wait_drained(limit: float) -> tuple[float | None, dict[str, int]]:
    started = time.monotonic()
    counts = queue_counts()
    while time.monotonic() - started < limit:
        counts = queue_counts()
        if not any(counts.values()):
            return time.monotonic() - started, counts
        time.sleep(1.0)
    return None, counts


def check_cases(keys: list[str]) -> tuple[int, list[str]]:
    from cases.models import Case, Photo

    problems = []
    found = 0
    for key in keys:
        case = Case.objects.filter(idempotency_key=key).first()
        if case is None:
            problems.append(f"case {key} missing")
            continue
        found += 1
        photos = list(Photo.objects.filter(case=case))
        if len(photos) != 3:
            problems.append(f"{case.reference}: {len(photos)} photos")
        if case.intake_job:
            problems.append(f"{case.reference}: not routed by the worker")
        for photo in photos:
            if photo.state != "ready":
                problems.append(f"{case.reference}: photo {photo.pk} {photo.state}")
            for field in (photo.original, photo.image, photo.thumbnail):
                if not field or not field.storage.exists(field.name):
                    problems.append(f"{case.reference}: file {field.name or field.field.name} missing")
    return found, problems


def check_notifications(sink: Path, since_pk: int) -> dict[str, int]:
    from cases.models import Notification

    ids = Counter(re.findall(r"<notification-(\d+)@", sink.read_text()) if sink.exists() else [])
    rows = Notification.objects.filter(pk__gt=since_pk, channel="email")
    sent = set(rows.filter(state="sent").values_list("pk", flat=True))
    return {
        "e-mail notifications created": rows.count(),
        "sent": len(sent),
        "not sent (pending/failed)": rows.exclude(state="sent").count(),
        "sent but no message recorded (lost)": len([pk for pk in sent if ids[str(pk)] == 0]),
        "messages recorded twice or more (duplicated)": sum(1 for pk in sent if ids[str(pk)] > 1),
    }


def log_counts(paths: list[Path]) -> dict[str, int]:
    text = "".join(p.read_text(errors="replace") for p in paths if p.exists())
    return {"database is locked": text.count("database is locked"),
            "server errors logged": len(re.findall(r"ERROR django\.request|^5\d\d (GET|POST)", text, re.M))}


# --- Run --------------------------------------------------------------------------------


def run(args) -> str:
    from bench import photo_bench
    from bench.pages import public_page_urls
    from bench.run import report_fields

    workdir = Path(args.workdir or Path(tempfile.gettempdir()) / f"portal-load-{args.profile}")
    workdir.mkdir(parents=True, exist_ok=True)
    procs: list[common.Process] = []
    redis_port = common.free_port() if args.profile == "scaleout" else None
    try:
        if redis_port:
            procs.append(common.Process(["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1",
                                         "--save", "", "--appendonly", "no"], os.environ.copy(),
                                        workdir / "redis.log"))
        env = profile_env(args, workdir, redis_port)
        prepare(args, workdir, env)
        from cases.models import Notification

        first_pk = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        targets = tracking_targets(20)
        pages = list(dict.fromkeys(u for u in public_page_urls().values() if u))  # search included
        fields = report_fields()
        side = int((args.photo_mp * 1e6 / 12) ** 0.5)
        photos = [photo_bench.phone_photo((side * 4, side * 3), seed=i) for i in range(3)]
        logs = [workdir / "gunicorn.log"] + [workdir / f"qcluster{i}.log" for i in range(2)]
        for log in logs:
            log.write_text("")
        workers, threads, clusters = (1, 8, 1) if args.profile == "single" else (3, 4, 2)
        server, port = common.start_gunicorn(env, logs[0], workers=workers, threads=threads)
        procs.append(server)
        # Niced as the systemd unit runs it (deploy/systemd/portal-worker.service: Nice=10).
        qclusters = [common.Process(["nice", "-n", "10", str(common.VENV_PY), "manage.py", "qcluster"], env, logs[1 + i])
                     for i in range(clusters)]
        procs += qclusters
        backlog, left = wait_drained(600)  # what seeding enqueued goes out before the load starts
        print("seed backlog drained:", f"{backlog:.0f} s" if backlog is not None else left, flush=True)
        rec = Recorder()
        print(f"{args.profile}: {args.users} users for {args.duration:g} s on 127.0.0.1:{port} "
              f"(gunicorn -w {workers} --threads {threads}, {clusters} qcluster) …", flush=True)
        started_at, load_start = datetime.now(UTC), time.monotonic()
        load_before = common.load_average()
        deadline = load_start + args.duration
        users = [threading.Thread(target=user_loop, daemon=True, args=(
            port, rec, deadline, pages, targets, fields, photos, (args.think_min, args.think_max), i))
            for i in range(args.users)]
        for u in users:
            u.start()
            time.sleep(min(0.1, args.duration / 100))  # ramp up
        killed = None
        if args.profile == "scaleout":
            time.sleep(max(0.0, load_start + args.duration / 2 - time.monotonic()))
            qclusters[1].kill_hard()
            killed = f"qcluster pid {qclusters[1].pid} SIGKILLed at {time.monotonic() - load_start:.0f} s"
            print(killed, flush=True)
        for u in users:
            u.join(timeout=args.duration + 180)
        load_end = common.load_average()
        drained, left = wait_drained(DRAIN_LIMIT + 90 if killed else DRAIN_LIMIT)
        time.sleep(1)
        found, problems = check_cases(rec.submitted)
        mail = check_notifications(workdir / "mail.log", first_pk)
        logs_found = log_counts(logs)
    finally:
        for proc in reversed(procs):
            proc.stop()
    return summarize(args, rec, started_at, load_before, load_end, drained, left, found, problems, mail,
                     logs_found, killed, workers, threads)


def summarize(args, rec, started_at, load_before, load_end, drained, left, found, problems, mail, logs_found,
              killed, workers, threads) -> str:
    def p95(kind):
        return common.percentile(rec.latency[kind], 95)

    server_errors = sum(n for (kind, status), n in rec.statuses.items() if isinstance(status, int) and status >= 500)
    checks = [
        ("server errors (HTTP 5xx seen by users)", server_errors, server_errors == 0),
        ("server errors in the logs", logs_found["server errors logged"], logs_found["server errors logged"] == 0),
        ('"database is locked" in the logs', logs_found["database is locked"], logs_found["database is locked"] == 0),
        ("client errors (timeouts, resets)", dict(rec.errors) or 0, not rec.errors),
        ("p95 public page", f"{p95('page') * 1000:.0f} ms", p95("page") < 0.3),
        ("p95 submission with 3 photos", f"{p95('submit') * 1000:.0f} ms", p95("submit") <= 1.5),
        ("queue, outbox and intake jobs drained after the load",
         f"{drained:.0f} s" if drained is not None else f"no: {left}",
         drained is not None and drained <= DRAIN_LIMIT + (90 if killed else 0)),
        ("accepted reports routed, stored with 3 processed photos and their files", f"{found}/{len(rec.submitted)}",
         found == len(rec.submitted) and not problems),
        ("notifications lost", mail["sent but no message recorded (lost)"] + mail["not sent (pending/failed)"],
         mail["sent but no message recorded (lost)"] + mail["not sent (pending/failed)"] == 0),
        ("notifications sent twice", mail["messages recorded twice or more (duplicated)"],
         mail["messages recorded twice or more (duplicated)"] == 0),
    ]
    counts = {kind: len(v) for kind, v in rec.latency.items()}
    statuses = ", ".join(f"{k}:{s}×{n}" for (k, s), n in sorted(rec.statuses.items(), key=str))
    short = args.duration < 180
    head = (f"### Profile `{args.profile}` — {started_at:%Y-%m-%d %H:%M} UTC, "
            f"{'SHORT validation run' if short else 'full run'} of {args.duration:g} s\n\n"
            f"{args.users} users, think time {args.think_min:g}–{args.think_max:g} s, photos "
            f"{args.photo_mp:g} MP; gunicorn `-w {workers} --threads {threads}`; load average before "
            f"{load_before}, at the end {load_end}.{' ' + killed + '.' if killed else ''}\n\n"
            f"Requests: {counts}; statuses: {statuses}. p50/p95 page "
            f"{common.percentile(rec.latency['page'], 50) * 1000:.0f}/{p95('page') * 1000:.0f} ms, tracking "
            f"{common.percentile(rec.latency['track'], 50) * 1000:.0f}/{p95('track') * 1000:.0f} ms, submission "
            f"{common.percentile(rec.latency['submit'], 50) * 1000:.0f}/{p95('submit') * 1000:.0f} ms. "
            f"Notifications: {mail}.\n")
    if problems:
        head += "\nProblems: " + "; ".join(problems[:10]) + "\n"
    table = report.markdown_table(("check", "value", "result"),
                                  [(name, value, "PASS" if ok else "FAIL") for name, value, ok in checks])
    return head + "\n" + table + "\n"


def main() -> int:
    args = parse_args()
    text = run(args)
    print("\n" + text)
    if not args.no_write:
        report.write(ROOT / "docs" / "performance.md", text, name=f"load-{args.profile}")
        print("written to docs/performance.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
