"""Operator screens are for administrators only (cases/operations/views.py): intake,
department staff, supervisors and editors get 403 on the lists and 404 on a user's page;
anonymous visitors are sent to sign in; the Operations menu shows only to administrators."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from tests import factories as f

pytestmark = pytest.mark.django_db

LISTS = ["operations:second_factor", "operations:lockouts", "operations:failures", "operations:identity_log",
         "operations:identity_log_xlsx", "operations:identity_log_csv", "operations:log"]
OTHERS = ["intake", "env_handler", "env_head", "supervisor", "editor"]


def test_only_administrators_open_the_operator_screens(city, operator, login):
    target = city.env_handler
    reset_url = reverse("operations:second_factor_reset", args=[target.pk])
    for name in OTHERS:
        client = login(getattr(city, name))
        for url_name in LISTS:
            assert client.get(reverse(url_name)).status_code == 403, (name, url_name)
        assert client.get(reverse("operations:lockouts")).status_code == 403
        assert client.post(reverse("operations:lockouts"), {"username": "x"}).status_code == 403
        assert client.post(reverse("operations:failures"), {"scope": "all"}).status_code == 403
        assert client.get(reset_url).status_code == 404, name
        assert client.post(reset_url, {"reason": "try"}).status_code == 404, name
    admin = login(operator)
    for url_name in LISTS:
        assert admin.get(reverse(url_name)).status_code == 200, url_name
    assert admin.get(reset_url).status_code == 200
    superuser = login(get_user_model().objects.create_superuser("root", password="pw-Portal-123"))
    assert superuser.get(reverse("operations:failures")).status_code == 200


def test_anonymous_visitors_are_sent_to_sign_in(city):
    for url_name in LISTS:
        response = Client().get(reverse(url_name))
        assert response.status_code == 302 and reverse("wagtailadmin_login") in response["Location"]


def test_the_operations_menu_shows_to_administrators_only(city, operator, login):
    admin_home = login(operator).get(reverse("wagtailadmin_home"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert reverse("operations:failures") in admin_home.content.decode()
    html = admin_home.content.decode()
    assert "运维" in html or json.dumps("运维").strip('"') in html  # the sidebar's JSON props escape it
    for user in (city.intake, city.supervisor, f.user("plain_handler", "department_handler", city.env)):
        home = login(user).get(reverse("wagtailadmin_home")).content.decode()
        assert reverse("operations:failures") not in home
