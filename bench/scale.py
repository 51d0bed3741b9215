#!/usr/bin/env python
"""Scale curve: the public case list, the staff case list, the dashboard counts and the
deadline sweep at 10,000 / 100,000 / 1,000,000 cases (issue 18, targets 4 and 6).

Each size is its own seeded folder under ``bench/results/scale/`` (untracked, reused on
the next run: seeding 1,000,000 cases is most of the time): the demo city (departments,
townships, categories, staff, CMS pages) plus N synthetic cases inserted by one SQL
statement, a lead assignment and a running handling clock for each open one, one in
ten public. Measured per size, each beside its reference in the same run:

  in-process (Django test client, sequential, median and p95 of ``--rounds``):
  - bare indexed ``COUNT(*)`` on the case table (the counts' reference);
  - dashboard counts of an intake officer (all cases) and of a department handler;
  - the staff list ``/admin/cases/`` (intake officer, 50 rows): default order and the
    three most used filters (open, one department, overdue), with its query count;
  - the public case list page 1, rendered from its fragment and rendered cold (every
    cache cleared before each request: counts, filter choices and rows computed);
  - the sweep with 1 % of the clocks crossing their warning time.
  over HTTP (gunicorn as in bench/run.py, ``--connections`` keep-alive clients):
  - the staff list, default order: throughput and p95 (target ≤ 200 ms at 1,000,000);
  - the public case list, rendered, against the bare view.

Usage: .venv/bin/python bench/scale.py [--sizes 10000,100000,1000000] [--rounds 20]
       [--database-url postgres://…/scratch_scale]  (PostgreSQL: one database, emptied and
       reseeded per size; the largest size last)
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import common  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "scale"


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", default="10000,100000,1000000")
    p.add_argument("--rounds", type=int, default=20, help="sequential requests per in-process figure")
    p.add_argument("--seconds", type=float, default=4.0, help="measured seconds per HTTP figure")
    p.add_argument("--connections", type=int, default=8)
    p.add_argument("--database-url", default="", help="PostgreSQL scratch database (emptied)")
    p.add_argument("--no-http", action="store_true", help="in-process figures only")
    p.add_argument("--out", help="write the results as JSON here")
    p.add_argument("--reuse-postgres", action="store_true",
                   help="keep a PostgreSQL database this script seeded with the same size (one size only)")
    return p.parse_args()


def main() -> int:
    args = parse_args()
    results, table = run_curve([int(s) for s in args.sizes.split(",")], args.database_url, rounds=args.rounds,
                               seconds=args.seconds, connections=args.connections, http=not args.no_http,
                               reuse_postgres=args.reuse_postgres)
    print(table)
    if args.out:
        Path(args.out).write_text(json.dumps(results, indent=1, ensure_ascii=False))
    return 0


def run_curve(sizes: list[int], database_url: str = "", *, rounds: int = 20, seconds: float = 4.0,
              connections: int = 8, http: bool = True, reuse_postgres: bool = False) -> tuple[list[dict], str]:
    """The scale curve (for bench/run.py): one result per size (``{"cases", "figures",
    "load"}``) and the Markdown table of them all."""
    db = "postgres" if database_url else "sqlite"
    print(f"scale curve on {db}, sizes {sizes}; load {common.load_average()}", flush=True)
    results = []
    for n in sizes:
        # One child process per size: Django is set up once per process and database.
        cmd = [sys.executable, __file__, "--one", str(n), "--rounds", str(rounds), "--seconds", str(seconds),
               "--connections", str(connections)]
        if database_url:  # "{n}" in it: one scratch database per size (kept with --reuse-postgres)
            cmd += ["--database-url", database_url.replace("{n}", str(n))]
        if not http:
            cmd.append("--no-http")
        if reuse_postgres:
            cmd.append("--reuse-postgres")
        before = common.load_average()
        out = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
        sys.stderr.write(out.stderr[-2000:])
        if out.returncode != 0:
            print(f"  {n:,} cases: failed (exit {out.returncode}; its output above)", flush=True)
            continue
        result = json.loads(out.stdout.strip().splitlines()[-1])
        result["load"] = f"{before} → {common.load_average()}"
        results.append(result)
        print(table_line(result), flush=True)
    print(f"load at the end {common.load_average()}")
    return results, render(results, db)


def table_line(r: dict) -> str:
    return f"  {r['cases']:>9,} cases: " + ", ".join(f"{k} {v}" for k, v in r["figures"].items())


def render(results: list[dict], db: str) -> str:
    """A Markdown table: one row per figure, one column per size."""
    names = list(dict.fromkeys(k for r in results for k in r["figures"]))
    head = "| figure | " + " | ".join(f"{r['cases']:,} cases" for r in results) + " |"
    lines = [f"#### Scale curve ({db})", "", head, "|---|" + "---|" * len(results)]
    for name in names:
        lines.append(f"| {name} | " + " | ".join(str(r["figures"].get(name, "—")) for r in results) + " |")
    lines.append("| load average (1, 5, 15 min) before → after | " + " | ".join(r.get("load", "") for r in results)
                 + " |")
    return "\n".join(lines)


# --- One size, in its own process ------------------------------------------------------


def one(n: int, args: argparse.Namespace) -> dict:
    workdir = prepare(n, args.database_url, args.reuse_postgres)
    from bench import scale_measure

    figures = scale_measure.in_process(n, args.rounds)
    if not args.no_http:
        figures.update(scale_measure.over_http(workdir, env_for(workdir, args.database_url), args))
    return {"cases": n, "figures": figures}


def env_for(workdir: Path, database_url: str) -> dict[str, str]:
    env = common.portal_env(workdir)
    env["DJANGO_SECRET_KEY"] = env["FIELD_ENCRYPTION_KEY"] = (workdir / "secret").read_text()
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def prepare(n: int, database_url: str, reuse: bool = False) -> Path:
    """The folder for `n` cases, seeded once (SQLite) or reseeded (PostgreSQL)."""
    base = RESULTS / ("base-postgres" if database_url else "base")
    workdir = RESULTS / (f"{n}-postgres" if database_url else str(n))
    marker = workdir / "seeded"
    if database_url and not (reuse and marker.exists()):
        from bench.common import empty_postgres

        empty_postgres(database_url)
        for other in RESULTS.glob("*-postgres/seeded"):  # another size kept in this same database: not any more
            if (other.parent / "database").exists() and (other.parent / "database").read_text() == database_url:
                other.unlink()
    if not marker.exists():
        if not database_url and not (base / "seeded").exists():
            seed_base(base, "")
        if database_url:
            seed_base(workdir, database_url)
            marker.unlink()  # the base is in; the cases are not yet
        else:
            shutil.rmtree(workdir, ignore_errors=True)
            shutil.copytree(base, workdir)
            (workdir / "seeded").unlink()
    env = env_for(workdir, database_url)
    # A reused folder gets this checkout's migrations and static files.
    common.manage(env, "migrate", "--noinput", "-v0")
    common.manage(env, "collectstatic", "--noinput", "-v0")
    os.environ.update(env)
    import django

    django.setup()
    if not marker.exists():
        from bench import scale_measure

        started = time.perf_counter()
        scale_measure.insert_cases(n)
        marker.write_text(f"{n} cases seeded in {time.perf_counter() - started:.0f} s")
        if database_url:
            (workdir / "database").write_text(database_url)
    return workdir


def seed_base(workdir: Path, database_url: str) -> None:
    """Migrate, collect static files, seed the demo city and its CMS pages."""
    workdir.mkdir(parents=True, exist_ok=True)
    env = common.portal_env(workdir)
    (workdir / "secret").write_text(env["DJANGO_SECRET_KEY"])
    env = env_for(workdir, database_url)
    common.manage(env, "migrate", "--noinput", "-v0")
    common.manage(env, "collectstatic", "--noinput", "-v0")
    common.manage(env, "seed_demo")
    code = "from cms.demo_content import seed_cms_demo; seed_cms_demo()"
    subprocess.run([sys.executable, "manage.py", "shell", "-c", code], check=True, env={**os.environ, **env},
                   cwd=ROOT, capture_output=True)
    (workdir / "seeded").write_text("base")


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--one":
        size = int(sys.argv[2])
        sys.argv = [sys.argv[0], *sys.argv[3:]]
        result = one(size, parse_args())
        print(json.dumps(result, ensure_ascii=False))
        sys.exit(0)
    sys.exit(main())
