"""The deployment kit, run for real: nginx (deploy/nginx/portal.conf, TLS on a loopback
port) in front of two gunicorn processes (deploy/gunicorn.conf.py) and one qcluster, started
with the commands of deploy/systemd/*.service and the variables of deploy/portal.env.example,
on PostgreSQL + Redis + an S3-compatible server (moto's standalone server).

Runs in the PostgreSQL + Redis leg of CI (.ci/run installs nginx)."""

import hashlib
import http.client
import io
import os
import random
import re
import shutil
import ssl
import uuid
from urllib.parse import urlencode

import boto3
import pytest
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection
from django.urls import reverse
from PIL import Image

from cases.models import Case, Photo
from tests import factories as f
from tests.cases.conftest import city  # noqa: F401
from tests.deploy import harness as h
from tests.workbench.otp import PASSWORD, current_token, device_for

BUCKET = "portal-kit"
# Rate-limit counters live in the shared Redis: fresh client addresses on every run.
ADDRESSES = iter(random.sample([f"127.0.{a}.{b}" for a in range(1, 250) for b in range(2, 250)], 10))
pytestmark = [pytest.mark.slow, pytest.mark.deploy, pytest.mark.django_db(transaction=True)]


def _needs_the_scale_out_stack():
    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        pytest.skip("runs in the PostgreSQL + Redis leg of CI")
    assert shutil.which("nginx"), "nginx is not installed (apt-get install nginx; .ci/run does it)"


@pytest.fixture(scope="module")
def s3():
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                          aws_access_key_id="kit", aws_secret_access_key="kit-secret")
    client.create_bucket(Bucket=BUCKET)
    yield endpoint, client
    server.stop()


@pytest.fixture(scope="module")
def smtp():
    from aiosmtpd.controller import Controller

    class Recorder:
        messages: list = []

        async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd API
            self.messages.append(envelope.content.decode("utf-8", "replace"))
            return "250 OK"

    recorder = Recorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=h.free_port())
    controller.start()
    yield controller.port, recorder.messages
    controller.stop()


def kit_environment(tmp, s3_endpoint, smtp_port) -> dict:
    db = connection.settings_dict
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("PYTEST")},
           **h.env_file(h.DEPLOY / "portal.env.example")}
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    env.update({
        # Same keys as this test process, which builds the staff session and reads the data.
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,
        "FIELD_ENCRYPTION_KEY": settings.FIELD_ENCRYPTION_KEY or settings.SECRET_KEY,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": settings.REDIS_URL,
        "STATIC_ROOT": str(tmp / "static"), "MEDIA_ROOT": str(tmp / "media"),
        "PRIVATE_MEDIA_ROOT": str(tmp / "private"),
        "AWS_STORAGE_BUCKET_NAME": BUCKET, "AWS_S3_ENDPOINT_URL": s3_endpoint, "AWS_S3_ADDRESSING_STYLE": "path",
        "AWS_S3_REGION_NAME": "us-east-1", "AWS_ACCESS_KEY_ID": "kit", "AWS_SECRET_ACCESS_KEY": "kit-secret",
        "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(smtp_port),
        "PORTAL_CAPTCHA_REQUIRED": "false",
        "PORTAL_RATELIMIT_LOOKUP": "3/m",
        # Staff sign in for real; the per-account counter (the same usernames every run) lives in
        # the shared Redis for an hour, so repeated runs must not reach it.
        "PORTAL_RATELIMIT_LOGIN_ACCOUNT": "500/h",
        "PORTAL_GEOCODER_DOMAIN": f"127.0.0.1:{h.free_port()}",
        "GUNICORN_WORKERS": "1", "GUNICORN_THREADS": "4",
        "Q_WORKERS": "1",
    })
    env.pop("DJANGO_CSRF_TRUSTED_ORIGINS", None)
    return env


@pytest.fixture(scope="module")
def kit(django_db_setup, django_db_blocker, tmp_path_factory, s3, smtp):
    _needs_the_scale_out_stack()
    tmp = tmp_path_factory.mktemp("kit")
    env = kit_environment(tmp, s3[0], smtp[0])
    procs = h.Processes(tmp)
    for argv in h.unit_commands("portal-migrate.service"):
        h.run_oneshot(argv, env)
    web_ports = [h.free_port(), h.free_port()]
    try:
        for n, port in enumerate(web_ports):
            for argv in h.unit_commands("portal-web.service"):
                procs.start(f"web{n}", argv, {**env, "GUNICORN_BIND": f"127.0.0.1:{port}"})
        for argv in h.unit_commands("portal-worker.service"):
            procs.start("worker", argv, env)
        https_port = h.free_port()
        cert, key = h.self_signed_certificate(tmp)
        (tmp / "portal.conf").write_text(h.render_nginx_site({
            "PORTAL_SERVER_NAME": "127.0.0.1", "PORTAL_HTTP_PORT": str(h.free_port()),
            "PORTAL_HTTPS_PORT": str(https_port), "PORTAL_TLS_CERTIFICATE": str(cert),
            "PORTAL_TLS_CERTIFICATE_KEY": str(key),
            "PORTAL_UPSTREAM_SERVERS": " ".join(f"server 127.0.0.1:{p};" for p in web_ports),
            "PORTAL_STATIC_ROOT": env["STATIC_ROOT"], "PORTAL_MEDIA_ROOT": env["MEDIA_ROOT"],
            "PORTAL_PRIVATE_MEDIA_ROOT": env["PRIVATE_MEDIA_ROOT"], "PORTAL_S3_ENDPOINT": s3[0],
            "PORTAL_NGINX_LOG_DIR": str(tmp),
        }))
        (tmp / "nginx.conf").write_text(h.NGINX_MAIN.format(tmp=tmp))
        procs.start("nginx", ["nginx", "-p", str(tmp), "-e", str(tmp / "nginx-error.log"),
                              "-c", str(tmp / "nginx.conf")], env)
        for port in web_ports:
            h.wait_until(lambda p=port: h.answers("127.0.0.1", p), 120, procs, f"gunicorn on {port}")
        h.wait_until(lambda: h.answers("127.0.0.1", https_port, tls=True), 30, procs, "nginx")
        yield {"port": https_port, "procs": procs, "tmp": tmp, "s3": s3[1], "mail": smtp[1]}
    finally:
        procs.stop_all()


# --- a small HTTPS client that can choose its source address on the loopback ---------------


class Browser:
    def __init__(self, port: int, source: str = "127.0.0.1"):
        self.port, self.source, self.cookies = port, source, {}

    def request(self, method, path, body=None, headers=None):
        conn = http.client.HTTPSConnection("127.0.0.1", self.port, timeout=60, source_address=(self.source, 0),
                                           context=ssl._create_unverified_context())
        headers = {"Host": f"127.0.0.1:{self.port}", **(headers or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        response.data = response.read()
        for value in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = value.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        conn.close()
        return response

    def origin(self) -> str:
        return f"https://127.0.0.1:{self.port}"


def multipart(fields: dict, files: dict) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (filename, data, ctype) in files.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                     f"Content-Type: {ctype}\r\n\r\n".encode() + data + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def jpeg_bytes() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (640, 480), (30, 120, 60)).save(buf, "JPEG", quality=90)
    return buf.getvalue()


def csrf_token(page) -> str:
    return re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.data).group(1).decode()


def post_form(browser: "Browser", path: str, page, fields: dict):
    body = urlencode({"csrfmiddlewaretoken": csrf_token(page), **fields}).encode()
    return browser.request("POST", path, body=body, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Referer": browser.origin() + path})


def sign_in(browser: "Browser", user) -> "Browser":
    """The staff sign-in a person does, through nginx: the Wagtail sign-in form with the
    password, then the second-factor page with the code the authenticator app would show
    (computed from the enrolled device's secret)."""
    # The test profile hashes passwords with MD5 (fast); the kit runs the production profile,
    # which does not accept MD5 hashes: store the password the way production does.
    user.password = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt())
    user.save(update_fields=["password"])
    device = device_for(user)
    login = reverse("wagtailadmin_login")
    signed = post_form(browser, login, browser.request("GET", login),
                       {"username": user.get_username(), "password": PASSWORD, "next": "/admin/"})
    assert signed.status == 302, re.findall(rb'class="[^"]*error[^"]*"[^>]*>([^<]+)', signed.data)
    gate = browser.request("GET", signed.getheader("Location"))
    assert gate.status == 302 and "/admin/otp/verify/" in gate.getheader("Location")  # no access yet
    verify_path = gate.getheader("Location")
    verified = post_form(browser, verify_path, browser.request("GET", verify_path),
                         {"token": current_token(device)})
    assert verified.status == 302, verified.data[:1000]
    assert browser.request("GET", "/admin/").status == 200
    return browser


def access_log(kit) -> list[dict]:
    return [line for n in (0, 1) for line in h.json_lines(kit["procs"].log(f"web{n}"))
            if line.get("logger") == "gunicorn.access"]


# --- the tests ---------------------------------------------------------------------------------


def test_public_page_and_hashed_static_files_come_from_nginx(kit):
    f.site_home()
    browser = Browser(kit["port"])
    page = browser.request("GET", "/")
    assert page.status == 200, page.data[:500]
    assert page.getheader("Strict-Transport-Security")  # Django's security headers pass through
    hashed = re.findall(r'/static/[\w/.-]+\.[0-9a-f]{12}\.(?:css|js)', page.data.decode())
    assert hashed, "no hashed static URL on the home page (manifest storage)"
    static = browser.request("GET", hashed[0])
    assert static.status == 200 and static.data
    assert "immutable" in static.getheader("Cache-Control") and "31536000" in static.getheader("Cache-Control")
    assert hashed[0] not in {line["path"] for line in access_log(kit)}, "static file went through gunicorn"
    assert browser.request("GET", "/static/vendor/leaflet/leaflet.js.map").status == 404


def test_report_with_photo_then_the_original_for_intake_only(kit, city):  # noqa: F811
    browser = Browser(kit["port"], source=(reporter_address := next(ADDRESSES)))
    form = browser.request("GET", "/report/")
    assert form.status == 200
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', form.data).group(1).decode()
    photo = jpeg_bytes()
    body, ctype = multipart({
        "csrfmiddlewaretoken": token, "category": city.air.pk, "description": "夜间排放刺鼻气味，持续两小时",
        "observed_at": "2026-03-01T21:30", "latitude": "36.55", "longitude": "117.05", "crs": "wgs84",
        "location_source": "pin", "address": "东湖街道某路1号", "anonymity": "named", "name": "李四",
        "email": "ls@example.org", "consent": "on", "idempotency_key": str(uuid.uuid4()),
    }, {"photos": ("photo.jpg", photo, "image/jpeg")})
    sent = browser.request("POST", "/report/", body=body, headers={
        "Content-Type": ctype, "Referer": browser.origin() + "/report/",
        "X-Real-IP": "198.51.100.7", "X-Forwarded-For": "198.51.100.7"})
    assert sent.status == 302, sent.data[:2000]
    done = browser.request("GET", sent.getheader("Location"))
    case = Case.objects.get()
    assert case.reference.encode() in done.data
    assert case.reporters.get().ip_address == reporter_address  # what nginx saw, not the forged headers
    stored = photo_keys(kit["s3"])
    assert any(k.startswith("private/") for k in stored), stored

    ph = Photo.objects.get(case=case)
    url = reverse("workbench:photo", kwargs={"pk": case.pk, "photo_id": ph.pk, "variant": "original"})
    intake = sign_in(Browser(kit["port"], source=next(ADDRESSES)), city.intake)
    logins = [line for line in access_log(kit) if line["path"] == reverse("wagtailadmin_login")]
    assert [line["status"] for line in logins if line["method"] == "POST"] == [302]  # through nginx
    original = intake.request("GET", url)
    assert original.status == 200, original.data[:500]
    assert hashlib.sha256(original.data).hexdigest() == ph.original_sha256 == hashlib.sha256(photo).hexdigest()
    assert original.getheader("Content-Type") == "image/jpeg"
    assert "attachment" in original.getheader("Content-Disposition")
    assert "sandbox" in original.getheader("Content-Security-Policy")
    assert original.getheader("X-Accel-Redirect") is None
    served = [line for line in access_log(kit) if line["path"] == url]
    assert served and served[-1]["status"] == 200 and served[-1]["bytes"] == 0, served  # nginx sent the bytes

    handler = sign_in(Browser(kit["port"], source=next(ADDRESSES)), city.env_handler)
    assert handler.request("GET", url).status == 404
    thumb = url.replace("/original", "/thumb")
    assert handler.request("GET", thumb).status == 200  # the department sees the redacted copy
    private_key = next(k for k in stored if k.startswith("private/"))
    assert Browser(kit["port"]).request("GET", f"/_private_s3/{BUCKET}/{private_key}").status == 404  # internal

    h.wait_until(lambda: any(case.reference in m for m in kit["mail"]), 60, kit["procs"],
                 "the confirmation e-mail sent by the qcluster")
    post = next(line for line in access_log(kit) if line["method"] == "POST" and line["path"] == "/report/")
    assert re.fullmatch(r"[0-9a-f]{32}", post["request_id"])  # nginx's $request_id reached the app
    assert sent.getheader("X-Request-ID") == post["request_id"]


def photo_keys(client) -> list[str]:
    return [o["Key"] for o in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])]


def test_an_oversized_upload_is_refused_by_nginx(kit):
    conn = http.client.HTTPSConnection("127.0.0.1", kit["port"], timeout=30,
                                       context=ssl._create_unverified_context())
    conn.putrequest("POST", "/report/")
    conn.putheader("Content-Type", "multipart/form-data; boundary=x")
    conn.putheader("Content-Length", str(100 * 1024 * 1024))
    conn.endheaders()
    response = conn.getresponse()
    page = response.read().decode()
    assert response.status == 413
    assert "上传内容过大" in page and "6" in page
    assert not [line for line in access_log(kit) if line["status"] == 413], "the body reached gunicorn"


def test_the_rate_limiter_counts_the_address_nginx_saw(kit):
    first, other = Browser(kit["port"], source=next(ADDRESSES)), Browser(kit["port"], source=next(ADDRESSES))
    statuses = [first.request("GET", "/report/captcha", headers={
        "X-Real-IP": f"203.0.113.{n}", "X-Forwarded-For": f"203.0.113.{n}"}).status for n in range(4)]
    assert statuses == [200, 200, 200, 429]  # PORTAL_RATELIMIT_LOOKUP=3/m, forged headers ignored
    assert other.request("GET", "/report/captcha").status == 200
