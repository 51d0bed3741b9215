"""Administrators issue and rotate keys in the admin; the key is shown once."""

import re

import pytest

from cases import roles
from cases.api import keys
from cases.models import ApiClient
from tests import factories as f

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"  # the first backend (axes) cannot load users
pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.api.admin_urls")]


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    # The staff 2FA middleware is tested by the workbench; these tests are about the key screens.
    settings.PORTAL_REQUIRE_2FA = False


def shown_key(response) -> str:
    return re.search(r'<code id="open311-key">([^<]+)</code>', response.content.decode()).group(1)


@pytest.fixture
def admin_client(client):
    client.force_login(f.user("admin1", is_superuser=True), backend=MODEL_BACKEND)
    return client


def test_administrator_issues_a_key_shown_once(admin_client):
    assert admin_client.get("/admin/open311-clients/new/").status_code == 200
    response = admin_client.post("/admin/open311-clients/new/", {"name": "微信小程序", "contact": "王工",
                                                                 "rate_limit": "120/m"})
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    key = shown_key(response)
    client = keys.lookup(key)
    assert client.name == "微信小程序" and client.rate_limit == "120/m"
    assert key not in str(ApiClient.objects.values().get())


def test_bad_rate_limit_is_refused(admin_client):
    response = admin_client.post("/admin/open311-clients/new/", {"name": "x", "rate_limit": "fast"})
    assert response.status_code == 200 and "open311-key" not in response.content.decode()
    assert not ApiClient.objects.exists()


def test_administrator_rotates_a_key(admin_client):
    client, old = keys.create_client("app")
    assert admin_client.get(f"/admin/open311-clients/{client.pk}/rotate/").status_code == 200
    new = shown_key(admin_client.post(f"/admin/open311-clients/{client.pk}/rotate/"))
    assert keys.lookup(old) is None and keys.lookup(new) == client


def test_other_staff_may_not(client):
    client.force_login(f.user("intake1", roles.INTAKE), backend=MODEL_BACKEND)
    assert client.get("/admin/open311-clients/new/").status_code in (302, 403)
    assert client.post("/admin/open311-clients/new/", {"name": "x", "rate_limit": "1/m"}).status_code in (302, 403)
    assert not ApiClient.objects.exists()
