"""Runs the deployment kit of deploy/ for real: the systemd units' commands, gunicorn with
deploy/gunicorn.conf.py, qcluster, and nginx with deploy/nginx/portal.conf rendered the
way deploy/README.md says (envsubst over the listed placeholders)."""

import datetime
import json
import os
import re
import shlex
import signal
import socket
import ssl
import subprocess
import sys
import time
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
UNIT_ROOT = "/srv/portal"
NGINX_MAIN = """
user root;
daemon off;
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log info;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    client_body_temp_path {tmp}/client_body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    include {tmp}/portal.conf;
}}
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def env_file(path: Path) -> dict:
    """KEY=VALUE lines as systemd's EnvironmentFile= reads them (comments skipped)."""
    values = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            key, value = line.split("=", 1)
            values[key.strip()] = value.strip()
    return values


def unit_commands(unit: str) -> list[list[str]]:
    """The ExecStart= command lines of a unit, pointed at this checkout and interpreter."""
    commands = []
    for line in (DEPLOY / "systemd" / unit).read_text().splitlines():
        if line.startswith("ExecStart="):
            argv = shlex.split(line.removeprefix("ExecStart="))
            if argv[0] == f"{UNIT_ROOT}/.venv/bin/gunicorn":
                argv = [sys.executable, "-m", "gunicorn", *argv[1:]]
            elif argv[0] == f"{UNIT_ROOT}/.venv/bin/python":
                argv = [sys.executable, *argv[1:]]
            commands.append([a.replace(UNIT_ROOT, str(ROOT)) for a in argv])
    return commands


def render_nginx_site(values: dict) -> str:
    """envsubst with an explicit list: only the ${PORTAL_...} placeholders are replaced."""
    names = re.findall(r"\$\{(\w+)\}", (DEPLOY / "nginx" / "variables.txt").read_text())
    text = (DEPLOY / "nginx" / "portal.conf").read_text()
    for name in names:
        text = text.replace("${" + name + "}", values[name])
    leftover = re.findall(r"\$\{PORTAL_\w+\}", text)
    assert not leftover, f"placeholders missing from variables.txt: {leftover}"
    return text


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=2)).sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


class Processes:
    """Started in their own process groups; stopped (TERM, then KILL) in reverse order."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.running: list[tuple[str, subprocess.Popen]] = []

    def start(self, name: str, argv: list[str], env: dict) -> subprocess.Popen:
        log = (self.folder / f"{name}.log").open("wb")
        proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
        self.running.append((name, proc))
        return proc

    def log(self, name: str) -> str:
        return (self.folder / f"{name}.log").read_text(errors="replace")

    def check_alive(self) -> None:
        for name, proc in self.running:
            assert proc.poll() is None, f"{name} exited:\n{self.log(name)[-4000:]}"

    def stop_all(self) -> None:
        for _name, proc in reversed(self.running):
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for _name, proc in reversed(self.running):
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)


def run_oneshot(argv: list[str], env: dict) -> None:
    out = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, f"{argv}: {out.stdout[-2000:]}\n{out.stderr[-4000:]}"


def wait_until(predicate, timeout: float, processes: Processes, what: str) -> None:
    """Bounded polling while processes start or work; fails with their logs."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        processes.check_alive()
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


def answers(host: str, port: int, path: str = "/readyz", tls: bool = False) -> bool:
    import http.client

    conn_class = http.client.HTTPSConnection if tls else http.client.HTTPConnection
    kwargs = {"context": ssl._create_unverified_context()} if tls else {}
    try:
        conn = conn_class(host, port, timeout=5, **kwargs)
        conn.request("GET", path)
        return conn.getresponse().status == 200
    except OSError:
        return False


def json_lines(text: str) -> list[dict]:
    lines = []
    for line in text.splitlines():
        if line.startswith("{"):
            try:
                lines.append(json.loads(line))
            except ValueError:
                pass
    return lines
