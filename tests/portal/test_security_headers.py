"""Security headers on public pages, and no request to a host outside the site (docs/product.md §7, §8)."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from tests import factories as f

ROOT = Path(__file__).resolve().parents[2]
# Vendored front-end libraries are copied verbatim (licence headers carry URLs);
# everything else we write must not point outside the deployment.
VENDORED = {"vendor", "vendored", "node_modules"}
TEXT_SUFFIXES = {".html", ".txt", ".xml", ".css", ".js", ".mjs", ".json", ".svg", ".webmanifest"}
# XML namespace identifiers are names, not requests.
ALLOWED_HOSTS = {"www.w3.org", "localhost", "127.0.0.1"}
URL = re.compile(r"(?:https?:)?//([A-Za-z0-9.-]+\.[A-Za-z]{2,}|localhost|127\.0\.0\.1)(?=[:/\"'\s)>]|$)")
ABSOLUTE_URL = re.compile(r"https?://([^/\s\"'<>)]+)")


@pytest.fixture
def home(db):
    return f.site_home()


def test_public_page_sends_the_security_headers(client, home):
    response = client.get("/")
    assert response.status_code == 200
    assert "首页" in response.content.decode()
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "object-src 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "geolocation=(self)" in response["Permissions-Policy"]
    assert response["X-Frame-Options"] == "SAMEORIGIN"


def test_admin_login_works_under_the_back_office_csp(client, home):
    response = client.get(reverse("wagtailadmin_login"))
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]  # the back office's own policy (portal/admincsp.py)
    assert "'nonce-" in policy and "'unsafe-inline'" not in policy.split("script-src", 1)[1].split(";")[0]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_health_endpoint_carries_the_headers_too(client, db):
    response = client.get("/healthz")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" in response


def test_rendered_home_page_loads_nothing_from_other_hosts(client, home):
    html = client.get("/").content.decode()
    for attribute in re.findall(r"""(?:src|href|action|srcset)\s*=\s*["']([^"']*)["']""", html):
        hosts = URL.findall(attribute)
        assert not [h for h in hosts if h not in ALLOWED_HOSTS], attribute


def project_text_files():
    folders = [ROOT / "templates", ROOT / "static"] + [p for p in ROOT.glob("*/templates") if ".venv" not in p.parts]
    for folder in folders:
        for path in folder.rglob("*"):
            if path.is_file() and path.suffix in TEXT_SUFFIXES and not VENDORED & set(path.parts):
                yield path


def external_references(text: str) -> list[str]:
    found = []
    for match in ABSOLUTE_URL.finditer(text):
        host = match.group(1).split(":")[0].lower()
        if host.startswith(("{", "$", "%")) or host in ALLOWED_HOSTS:
            continue  # a template variable, or an allowed name
        found.append(match.group(0))
    return found


def test_templates_and_static_files_reference_no_external_host():
    offenders = {}
    for path in project_text_files():
        refs = external_references(path.read_text(encoding="utf-8", errors="replace"))
        if refs:
            offenders[str(path.relative_to(ROOT))] = refs
    assert offenders == {}


def test_the_scanner_finds_what_it_is_meant_to_find():
    assert external_references('<script src="https://cdn.example.com/x.js">') == ["https://cdn.example.com"]
    assert external_references("url(http://fonts.example.net/a.woff)") == ["http://fonts.example.net"]
    assert external_references('<svg xmlns="http://www.w3.org/2000/svg">') == []
    assert external_references('href="https://{{ request.get_host }}/x"') == []
    assert any(p.name == "base.html" for p in project_text_files())
