#!/usr/bin/env python
"""Where a rendered page spends its time: in-process, Django's test client, cProfile.

Usage: .venv/bin/python bench/profile_pages.py --workdir DIR [--rounds 20] [--top 25] [PATH ...]

DIR is a folder seeded by bench/run.py (its database, media and secret). Each path
is requested with an extra query parameter (``?_r=n``), which the page cache serves
but never stores, so every request renders. Prints, per path, the median time per
request, the SQL query count and the functions with the largest cumulative time.
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


def setup(workdir: Path, database_url: str = "") -> None:
    env = common.portal_env(workdir)
    env["DJANGO_SECRET_KEY"] = env["FIELD_ENCRYPTION_KEY"] = (workdir / "secret").read_text()
    if database_url:
        env["DATABASE_URL"] = database_url
    os.environ.update(env)
    import django

    django.setup()


def render_url(path: str, n: int) -> str:
    return f"{path}{'&' if '?' in path else '?'}_r={n}"


def profile(path: str, rounds: int, top: int) -> str:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    status = 0
    for n in range(3):  # warm per-process caches (templates, site root, category tree)
        status = client.get(render_url(path, n)).status_code
    times = []
    prof = cProfile.Profile()
    for n in range(rounds):
        t = time.perf_counter()
        prof.enable()
        client.get(render_url(path, 100 + n))
        prof.disable()
        times.append(time.perf_counter() - t)
    with CaptureQueriesContext(connection) as ctx:
        client.get(render_url(path, 999))
    out = io.StringIO()
    pstats.Stats(prof, stream=out).sort_stats("cumulative").print_stats(top)
    lines = [ln for ln in out.getvalue().splitlines() if ln.strip()]
    body = "\n".join(lines[lines.index(next(ln for ln in lines if "ncalls" in ln)):])
    return (f"== {path}: HTTP {status}, median {statistics.median(times) * 1000:.1f} ms over {rounds}, "
            f"{len(ctx.captured_queries)} queries\n{body}\n")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--workdir", required=True)
    p.add_argument("--database-url", default="")
    p.add_argument("--rounds", type=int, default=20)
    p.add_argument("--top", type=int, default=25)
    p.add_argument("paths", nargs="*")
    a = p.parse_args()
    setup(Path(a.workdir), a.database_url)
    from bench.pages import public_page_urls

    paths = a.paths or [url for url in public_page_urls().values() if url]
    for path in paths:
        print(profile(path, a.rounds, a.top), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
