"""Shared pieces of the benchmarks and load profiles: scratch environment, gunicorn,
a keep-alive HTTP load generator (threads + http.client), statistics, machine facts.

Everything talks to 127.0.0.1 only, and every loop is bounded in time and count.
"""

from __future__ import annotations

import http.client
import os
import platform
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
VENV_PY = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
HOST = "127.0.0.1"
MAX_REQUESTS_PER_RUN = 2_000_000  # hard stop for any single measurement


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def ensure_postgres_database(url: str) -> None:
    """Create the scratch database named by `url` if it does not exist."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def empty_postgres(url: str) -> None:
    """Create the scratch database if needed and drop everything in its public schema
    (never another database)."""
    import psycopg

    ensure_postgres_database(url)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")


def portal_env(workdir: Path, **extra: str) -> dict[str, str]:
    """Environment of the portal on the production profile against a scratch database."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE")}
    secret = secrets.token_urlsafe(48)
    env.update({
        "DJANGO_SETTINGS_MODULE": "portal.settings.production",
        "DJANGO_SECRET_KEY": secret,
        # Production refuses to start without it; bench/run.py keeps both per scratch folder.
        "FIELD_ENCRYPTION_KEY": secret,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "DJANGO_SECURE_SSL_REDIRECT": "false",  # loopback: no TLS proxy in front
        "SQLITE_PATH": str(workdir / "portal.sqlite3"),
        "MEDIA_ROOT": str(workdir / "media"),
        "PRIVATE_MEDIA_ROOT": str(workdir / "private"),
        "STATIC_ROOT": str(workdir / "static"),
        "PORTAL_BENCH_REFERENCE_VIEWS": "true",
        # All simulated clients share 127.0.0.1: per-address limits stay on (their cost
        # is measured) but high enough not to turn the run into a 429 benchmark.
        "PORTAL_RATELIMIT_SUBMIT": "1000000/h",
        "PORTAL_RATELIMIT_TRACK": "1000000/h",
        "PORTAL_RATELIMIT_LOOKUP": "1000000/h",
        # The proof-of-work CAPTCHA is the browser's work (~seconds by design); not measured.
        "PORTAL_CAPTCHA_REQUIRED": "false",
        # Production refuses backends that deliver nothing. No worker runs during the
        # benchmarks, so nothing is sent (and a closed loopback port if it were).
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": "9",
        "SMS_BACKEND": "off",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    })
    env.update(extra)
    return env


def manage(env: dict[str, str], *args: str, quiet: bool = True, timeout: float = 3600) -> str:
    """Run manage.py with `env`; raises with the output on failure."""
    proc = subprocess.run([str(VENV_PY), "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=timeout)
    if proc.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    if not quiet:
        print(proc.stdout, end="")
    return proc.stdout


class Process:
    """A child process in its own session, stopped by its own id only."""

    def __init__(self, args: list[str], env: dict[str, str], log: Path, cwd: Path = ROOT) -> None:
        self.log_path = log
        self._log = open(log, "ab")  # noqa: SIM115 - closed in stop()
        self.popen = subprocess.Popen(args, cwd=cwd, env=env, stdout=self._log, stderr=subprocess.STDOUT,
                                      start_new_session=True)

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None

    def kill_hard(self) -> None:
        """SIGKILL the process group this object started (a crash, not a shutdown)."""
        if self.alive():
            os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait(timeout=10)

    def stop(self, timeout: float = 15) -> None:
        if self.alive():
            os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.popen.pid, signal.SIGKILL)
                self.popen.wait(timeout=10)
        self._log.close()


def start_gunicorn(env: dict[str, str], log: Path, *, workers: int, threads: int, port: int | None = None,
                   app: str = "portal.wsgi:application", cwd: Path = ROOT,
                   gunicorn: Path = GUNICORN) -> tuple[Process, int]:
    port = port or free_port()
    config = ROOT / "deploy" / "gunicorn.conf.py"
    # The deployment's settings (deploy/gunicorn.conf.py) when there are any; the
    # flags below override its bind, workers, threads and request recycling.
    use_config = config.exists() and app.startswith(("portal.", "bench."))
    args = [str(gunicorn), *(["--config", str(config)] if use_config else []), app, "--bind", f"{HOST}:{port}", "--workers", str(workers), "--threads", str(threads),
            "--worker-class", "gthread", "--keep-alive", "5", "--timeout", "60", "--graceful-timeout", "10",
            "--max-requests", "0", "--access-logfile", "-", "--access-logformat", "%(s)s %(m)s %(U)s %(M)sms",
            "--error-logfile", "-"]
    proc = Process(args, env, log, cwd=cwd)
    try:
        # Not /healthz: it answers 503 until a worker's heartbeat, which would read as a server error.
        wait_http(port, "/__bench__/minimal/" if app.startswith(("portal.", "bench.")) else "/", proc)
    except BaseException:
        proc.stop()  # never leave a half-started server behind
        raise
    return proc, port


def wait_http(port: int, path: str, proc: Process | None = None, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and not proc.alive():
            raise RuntimeError(f"server exited early; see {proc.log_path}")
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=5)
            conn.request("GET", path)
            conn.getresponse().read()  # any answer, even 503 from /healthz without a worker, means up
            conn.close()
            return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"server on port {port} did not answer {path} within {timeout:.0f} s")


# --- HTTP ---------------------------------------------------------------------------------


class Client:
    """One keep-alive connection with a cookie jar (only the cookies in `keep`)."""

    def __init__(self, port: int, keep: tuple[str, ...] | None = None, timeout: float = 60) -> None:
        self.port = port
        self.keep = keep
        self.cookies: dict[str, str] = {}
        self.timeout = timeout
        self.conn = http.client.HTTPConnection(HOST, port, timeout=timeout)

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        hdrs = {"Host": f"{HOST}:{self.port}", "Accept-Language": "zh-CN,zh;q=0.9", **(headers or {})}
        if self.cookies:
            hdrs["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=body, headers=hdrs)
                resp = self.conn.getresponse()
                data = resp.read()
                break
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                # The server closed an idle keep-alive connection: reconnect once.
                self.conn.close()
                self.conn = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
                if attempt == 2:
                    raise
        self._store_cookies(resp.headers.get_all("Set-Cookie") or [])
        if resp.getheader("Connection", "").lower() == "close":
            self.conn.close()
            self.conn = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data

    def _store_cookies(self, headers: list[str]) -> None:
        for header in headers:
            jar = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                if self.keep is None or name in self.keep:
                    self.cookies[name] = morsel.value

    def get(self, path: str, **headers: str):
        return self.request("GET", path, headers=headers)

    def post_form(self, path: str, data: dict, csrf: str | None = None):
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Referer": f"http://{HOST}:{self.port}{path}"}
        if csrf:
            headers["X-CSRFToken"] = csrf
        return self.request("POST", path, urlencode(data, doseq=True).encode(), headers)

    def post_multipart(self, path: str, fields: dict, files: list[tuple[str, str, bytes]], csrf: str | None = None):
        body, ctype = multipart(fields, files)
        headers = {"Content-Type": ctype, "Referer": f"http://{HOST}:{self.port}{path}"}
        if csrf:
            headers["X-CSRFToken"] = csrf
        return self.request("POST", path, body, headers)

    def close(self) -> None:
        self.conn.close()


CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


def csrf_token(client: Client, path: str) -> str:
    """GET a form page; return the token from the page (the cookie is kept by the client)."""
    status, _, body = client.get(path)
    match = CSRF_INPUT.search(body)
    if status != 200 or not match:
        raise RuntimeError(f"no CSRF token on {path} (HTTP {status})")
    return match.group(1).decode()


def multipart(fields: dict, files: list[tuple[str, str, bytes]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    out = bytearray()
    for name, value in fields.items():
        values = value if isinstance(value, list | tuple) else [value]
        for v in values:
            out += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{v}\r\n").encode()
    for name, filename, data in files:
        out += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{filename}\"\r\n"
                "Content-Type: image/jpeg\r\n\r\n").encode()
        out += data + b"\r\n"
    out += f"--{boundary}--\r\n".encode()
    return bytes(out), f"multipart/form-data; boundary={boundary}"


# --- Throughput -------------------------------------------------------------------------


@dataclass
class LoadResult:
    requests: int = 0
    seconds: float = 0.0
    errors: dict[str, int] = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    def pct(self, p: float) -> float:
        return percentile(self.latencies, p)


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


Step = Callable[[Client, dict], int]  # sends one request, returns the HTTP status


def hammer(port: int, step: Step, *, expect: tuple[int, ...] = (200,), connections: int = 8,
           seconds: float = 10.0, warmup: float = 2.0, setup: Callable[[Client], dict] | None = None,
           keep_cookies: tuple[str, ...] | None = ("csrftoken",)) -> LoadResult:
    """Closed-loop load: `connections` keep-alive clients send `step` back to back.

    Measures completed requests per second over `seconds` after `warmup`.
    """
    result = LoadResult()
    lock = threading.Lock()
    window: dict[str, float] = {}

    def open_window() -> None:  # runs once, when every connection finished its setup
        now = time.monotonic()
        window.update(measure_from=now + warmup, stop_at=now + warmup + seconds)

    ready = threading.Barrier(connections, action=open_window, timeout=600)

    def worker() -> None:
        client = Client(port, keep=keep_cookies)
        try:
            try:
                ctx = setup(client) if setup else {}
            except Exception as exc:  # noqa: BLE001 - reported as an error of this run
                with lock:
                    result.errors[f"setup: {type(exc).__name__}: {exc}"[:120]] = 1
                ready.wait()
                return
            ready.wait()  # logins and form fetches are not part of the measured window
            measure_from, stop_at = window["measure_from"], window["stop_at"]
            local_lat: list[float] = []
            local_err: dict[str, int] = {}
            n = 0
            while True:
                t0 = time.monotonic()
                if t0 >= stop_at:
                    break
                try:
                    status = step(client, ctx)
                    key = None if status in expect else f"HTTP {status}"
                except Exception as exc:  # noqa: BLE001 - counted as an error and reported
                    key = type(exc).__name__
                    client.close()
                    client = Client(port, keep=keep_cookies)
                    ctx = setup(client) if setup else {}
                t1 = time.monotonic()
                if measure_from <= t1 <= stop_at:  # completions inside the window
                    n += 1
                    local_lat.append(t1 - t0)
                    if key:
                        local_err[key] = local_err.get(key, 0) + 1
                if n >= MAX_REQUESTS_PER_RUN:
                    break
            with lock:
                result.requests += n
                result.latencies.extend(local_lat)
                for k, v in local_err.items():
                    result.errors[k] = result.errors.get(k, 0) + v
        finally:
            client.close()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=warmup + seconds + 720)
    result.seconds = seconds
    return result


def get_step(path: str) -> Step:
    def step(client: Client, ctx: dict) -> int:
        return client.get(path)[0]

    return step


def timed(fn: Callable[[], object], repeat: int = 5) -> float:
    """Median wall time of `repeat` calls, in seconds."""
    samples = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t)
    return statistics.median(samples)


# --- Machine ------------------------------------------------------------------------------


def machine() -> dict[str, str]:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = subprocess.run([str(VENV_PY), "-c", "import django, wagtail, PIL; "
                               "print(django.get_version(), wagtail.__version__, PIL.__version__)"],
                              capture_output=True, text=True).stdout.split()
    return {
        "nproc": str(os.cpu_count()),
        "cpu": cpu,
        "python": sys.version.split()[0],
        "django": versions[0] if versions else "?",
        "wagtail": versions[1] if len(versions) > 1 else "?",
        "pillow": versions[2] if len(versions) > 2 else "?",
        "loadavg": load_average(),
    }


def load_average() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "?"
