"""portal/admincsp.py: the back office has a Content-Security-Policy without 'unsafe-inline'
scripts; Wagtail's own inline scripts carry the request's nonce (the browser journeys
check that the admin works under it: tests/browser)."""

import re

import pytest
from django.urls import reverse

from tests.workbench.otp import login_with_otp

pytestmark = pytest.mark.django_db


def policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";"))


def test_every_admin_page_has_a_policy_with_a_fresh_nonce_and_no_inline_scripts(client, city):
    login_page = client.get(reverse("wagtailadmin_login"))
    first = policy(login_page)
    assert "'unsafe-inline'" not in first["script-src"] and "'unsafe-eval'" not in first["script-src"]
    assert first["object-src"] == "'none'" and first["frame-ancestors"] == "'self'"
    assert first["form-action"] == "'self'" and first["base-uri"] == "'self'"
    second = policy(client.get(reverse("wagtailadmin_login")))
    assert re.search(r"'nonce-[\w-]+'", first["script-src"])
    assert first["script-src"] != second["script-src"]  # one nonce per response


def test_wagtail_inline_scripts_carry_the_nonce(city):
    from django.test import Client

    from cms.models import NewsIndexPage  # a page type whose editor has date widgets
    from tests import factories as f

    home = f.site_home()
    index = home.add_child(instance=NewsIndexPage(title="整改动态", slug="news"))
    client = login_with_otp(Client(), f.user("chief", is_superuser=True, is_staff=True))
    response = client.get(reverse("wagtailadmin_pages:edit", args=[index.pk]))
    assert response.status_code == 200
    nonce = re.search(r"'nonce-([\w-]+)'", response["Content-Security-Policy"]).group(1)
    html = response.content.decode()
    inline = re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")([^>]*)>", html)
    assert inline, "the editor has inline scripts to check"
    assert all(f'nonce="{nonce}"' in attributes for attributes in inline), inline


def test_public_pages_keep_their_own_stricter_policy(client, city):
    response = client.get("/report/")
    assert "'nonce-" not in response["Content-Security-Policy"]
    assert policy(response)["style-src"] == "'self'"
