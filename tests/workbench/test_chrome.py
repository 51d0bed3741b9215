"""The staff list's filter bar and Wagtail's sidebar are rendered once and reused
(cases/workbench/chrome.py); what they show must still follow the filter values, the
reference data, the language and the user."""

import re

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import roles
from tests import factories as f

pytestmark = pytest.mark.django_db


def sidebar(response) -> str:
    return re.search(r'id="wagtail-sidebar-props"[^>]*>(.*?)</script>', response.content.decode(), re.S).group(1)


def test_the_filter_bar_follows_the_chosen_values_and_new_reference_data(city, login):
    client = login(city.intake)
    url = reverse("workbench:list")
    page = client.get(url).content.decode()
    assert f'<option value="{city.env.pk}">' in page
    chosen = client.get(f"{url}?department={city.env.pk}").content.decode()
    assert f'<option value="{city.env.pk}" selected>' in chosen
    assert f'<option value="{city.env.pk}" selected>' not in client.get(url).content.decode()
    new = f.department("市城管局")  # a department added by an administrator
    assert f'<option value="{new.pk}">市城管局</option>' in client.get(url).content.decode()


def test_the_filter_bar_and_sidebar_are_not_recomputed_on_the_next_page(city, login):
    client = login(city.intake)
    url = reverse("workbench:list")
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    tables = " ".join(q["sql"] for q in ctx.captured_queries)
    for table in ("cases_department", "cases_township", "cases_referralbatch", "cases_category"):
        assert f'"{table}"' not in tables, table


def test_the_sidebar_is_each_users_own(city, login):
    intake = login(city.intake)
    handler = login(city.env_handler)
    url = reverse("workbench:list")
    mine, theirs = sidebar(intake.get(url)), sidebar(handler.get(url))
    assert "intake" in mine and "env_handler" not in mine
    assert "env_handler" in theirs and "intake" not in theirs
    assert sidebar(intake.get(url)) == mine


def test_more_rights_give_their_own_sidebar(city, login):
    client = login(city.env_handler)
    url = reverse("workbench:list")
    before = sidebar(client.get(url))
    assert "/admin/users/" not in before
    city.env_handler.groups.add(Group.objects.get(name=roles.INTAKE))
    city.env_handler.is_superuser = True
    city.env_handler.save()
    assert "/admin/users/" in sidebar(client.get(url))
