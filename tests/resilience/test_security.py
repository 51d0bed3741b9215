"""Security headers on every public page, and HSTS on the production profile behind TLS
(docs/product.md §7). `check --deploy` and the external-host scan run elsewhere (.ci/run,
tests/portal/test_security_headers.py); the dependency audit is bench/audit.sh."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

from tests import factories as f

ROOT = Path(__file__).resolve().parents[2]
PUBLIC_PATHS = ["/", "/report/", "/track/", "/privacy/", "/search/?q=%E6%B1%A1%E6%B0%B4", "/en/report/"]


@pytest.fixture
def site(db, city):
    f.site_home()
    return city


def assert_security_headers(response, path: str) -> None:
    csp = response.get("Content-Security-Policy", "")
    assert "default-src 'self'" in csp and "object-src 'none'" in csp, path
    assert "frame-ancestors 'self'" in csp and "unsafe-eval" not in csp, path
    assert response["X-Content-Type-Options"] == "nosniff", path
    assert response["Referrer-Policy"] == "same-origin", path
    policy = response["Permissions-Policy"]
    assert "microphone=()" in policy and "geolocation=(self)" in policy, path
    assert response["X-Frame-Options"] == "SAMEORIGIN", path


@pytest.mark.parametrize("path", PUBLIC_PATHS)
def test_public_pages_send_the_security_headers(client, site, path):
    response = client.get(path)
    assert response.status_code == 200, path
    assert_security_headers(response, path)


def test_error_pages_send_them_too(client, site):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert_security_headers(response, "404")


def test_hsts_only_over_tls(client, site):
    with override_settings(SECURE_HSTS_SECONDS=31536000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True):
        secure = client.get("/privacy/", secure=True)
        plain = client.get("/privacy/")
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert "Strict-Transport-Security" not in plain  # browsers ignore it over http (RFC 6797)


PRODUCTION_PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.test import Client
c = Client(raise_request_exception=False)
tls = c.get("/healthz", headers={"X-Forwarded-Proto": "https"})
plain = c.get("/privacy/")
print(json.dumps({
    "hsts": tls.get("Strict-Transport-Security"), "nosniff": tls.get("X-Content-Type-Options"),
    "redirect": [plain.status_code, plain.get("Location")],
    "cookies_secure": [settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE],
    "debug": settings.DEBUG,
}))
"""


@pytest.mark.slow
def test_production_profile_sends_hsts_behind_the_tls_proxy(tmp_path):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings.production",
           "DJANGO_SECRET_KEY": "x" * 60, "DJANGO_ALLOWED_HOSTS": "testserver",
           "SQLITE_PATH": str(tmp_path / "empty.sqlite3"), "LOG_LEVEL": "CRITICAL",
           # The production profile refuses to start without these (docs/security.md).
           "FIELD_ENCRYPTION_KEY": "k" * 44, "EMAIL_HOST": "smtp.example.org", "SMS_BACKEND": "off"}
    for name in ("DATABASE_URL", "REDIS_URL", "DJANGO_SECURE_SSL_REDIRECT", "DJANGO_HSTS_SECONDS", "DJANGO_DEBUG"):
        env.pop(name, None)
    proc = subprocess.run([sys.executable, "-c", PRODUCTION_PROBE], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    seen = json.loads(proc.stdout.strip().splitlines()[-1])
    assert seen["hsts"] == "max-age=31536000; includeSubDomains"
    assert seen["nosniff"] == "nosniff"
    assert seen["redirect"] == [301, "https://testserver/privacy/"]  # plain http is sent to https
    assert seen["cookies_secure"] == [True, True] and seen["debug"] is False
