"""django-helpdesk as a peer: public ticket submission and the staff ticket list.

Installed into its own virtualenv under /tmp (never the project's), with a tiny
project (bench/peers/helpdesk_project/) set up like the portal's production profile,
served by gunicorn with the same flags, measured with the same load generator.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
import uuid
from pathlib import Path

from bench import common

PROJECT = Path(__file__).resolve().parent / "helpdesk_project"
VENV = Path(tempfile.gettempdir()) / "bench-helpdesk-venv"
# Pinned so reruns compare the same peer; Django is the portal's series.
REQUIREMENTS = ["Django>=5.2,<5.3", "django-helpdesk==2.6.1", "gunicorn==27.0.1", "whitenoise>=6.6",
                "psycopg[binary]>=3.2,<4"]
PASSWORD = "pw-bench-helpdesk-123"


class NotMeasured(Exception):
    """The peer could not be installed or run here; str(exc) is the reason."""


def ensure_venv(log: Path) -> Path:
    python = VENV / "bin" / "python"
    marker = VENV / ".bench-installed"
    if marker.exists() and marker.read_text() == "\n".join(REQUIREMENTS):
        return python
    with open(log, "ab") as out:
        steps = [["python3", "-m", "venv", str(VENV)],
                 [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *REQUIREMENTS]]
        for step in steps:
            if subprocess.run(step, stdout=out, stderr=subprocess.STDOUT, timeout=900).returncode != 0:
                raise NotMeasured(f"could not install django-helpdesk ({' '.join(step[:3])} failed; see {log})")
    marker.write_text("\n".join(REQUIREMENTS))
    return python


def prepare(workdir: Path, tickets: int, log: Path, database_url: str = "") -> dict[str, str]:
    """Install, migrate and seed the peer; on SQLite in `workdir`, or on the PostgreSQL
    database `database_url` (created if missing)."""
    python = ensure_venv(log)
    data = workdir / "helpdesk"
    data.mkdir(parents=True, exist_ok=True)
    env = {"PATH": "/usr/bin:/bin", "HELPDESK_BENCH_DIR": str(data), "DJANGO_SETTINGS_MODULE": "hdproj.settings",
           "PYTHONUNBUFFERED": "1"}
    if database_url:
        common.ensure_postgres_database(database_url)
        env["HELPDESK_BENCH_DATABASE_URL"] = database_url
    for args in (["manage.py", "migrate", "--noinput", "-v0"], ["manage.py", "collectstatic", "--noinput", "-v0"],
                 ["seed.py", str(tickets), PASSWORD]):
        proc = subprocess.run([str(python), *args], cwd=PROJECT, env=env, capture_output=True, text=True,
                              timeout=1800)
        if proc.returncode != 0:
            raise NotMeasured(f"helpdesk {' '.join(args[:2])} failed: {proc.stderr.strip()[-300:]}")
    return env


def _submit_setup(client: common.Client) -> dict:
    status, _, body = client.get("/tickets/submit/")
    token = common.CSRF_INPUT.search(body)
    queue = re.search(rb'name="queue"[^>]*>\s*(?:<option[^>]*>[^<]*</option>\s*)*?<option value="(\d+)"', body)
    if status != 200 or not token:
        raise RuntimeError(f"helpdesk submit form not available (HTTP {status})")
    return {"csrf": token.group(1).decode(), "queue": queue.group(1).decode() if queue else "1"}


def _submit_step(client: common.Client, ctx: dict) -> int:
    data = {"csrfmiddlewaretoken": ctx["csrf"], "queue": ctx["queue"], "title": "Odour near the river",
            "body": "Strong chemical smell at night " + uuid.uuid4().hex, "submitter_email": "citizen@example.org",
            "priority": "3", "due_date": ""}
    return client.post_form("/tickets/submit/", data)[0]


def _login(client: common.Client) -> None:
    status, _, body = client.get("/login/")
    token = common.CSRF_INPUT.search(body)
    if not token:
        raise RuntimeError(f"helpdesk login form not available (HTTP {status})")
    status, headers, _ = client.post_form("/login/", {"csrfmiddlewaretoken": token.group(1).decode(),
                                                      "username": "bench_staff", "password": PASSWORD,
                                                      "next": "/tickets/"})
    if status != 302:
        raise RuntimeError(f"helpdesk staff login refused (HTTP {status})")


DATATABLES = re.compile(rb'datatables_ticket_list/([A-Za-z0-9+/=]+)')


def _list_setup(client: common.Client) -> dict:
    _login(client)
    status, _, body = client.get("/tickets/")
    match = DATATABLES.search(body)
    if status != 200 or not match:
        raise RuntimeError(f"helpdesk ticket list has no data URL (HTTP {status})")
    return {"data": "/datatables_ticket_list/" + match.group(1).decode()
            + "?draw=1&start=0&length=50&order%5B0%5D%5Bcolumn%5D=0&order%5B0%5D%5Bdir%5D=desc"}


def _list_step(client: common.Client, ctx: dict) -> int:
    """What a staff member waits for to see 50 tickets: the page and its data request."""
    status = client.get("/tickets/")[0]
    if status != 200:
        return status
    status, _, body = client.get(ctx["data"])
    return status if b'"data"' in body else 599


def measure(workdir: Path, *, tickets: int, workers: int, threads: int, connections: int, seconds: float,
            warmup: float) -> dict[str, common.LoadResult]:
    log = workdir / "helpdesk.log"
    try:
        env = prepare(workdir, tickets, log)
    except subprocess.TimeoutExpired as exc:
        raise NotMeasured(f"helpdesk setup timed out: {exc}") from exc
    try:
        server, port = common.start_gunicorn(env, log, workers=workers, threads=threads, app="hdproj.wsgi:application",
                                             cwd=PROJECT, gunicorn=VENV / "bin" / "gunicorn")
    except RuntimeError as exc:
        raise NotMeasured(f"helpdesk server did not start: {exc}") from exc
    try:
        results = {}
        for name, step, setup, keep, expect in (
            ("submit", _submit_step, _submit_setup, ("csrftoken",), (302,)),
            ("list", _list_step, _list_setup, None, (200,)),
        ):
            results[name] = common.hammer(port, step, setup=setup, keep_cookies=keep, expect=expect,
                                          connections=connections, seconds=seconds, warmup=warmup)
        return results
    finally:
        server.stop()
