"""One full name per staff user, written as Chinese users write it (cases/staffnames):
李娜 shows as 李娜 in the admin header, the user list, the case timeline and exports."""

import importlib
import io
import json
import re

import pytest
from django.apps import apps as global_apps
from django.contrib.auth import get_user_model
from django.urls import reverse
from openpyxl import load_workbook

from cases import roles, workflow
from cases.staffnames.names import join_name
from tests import factories as f
from tests.cases.conftest import T0
from tests.workbench.conftest import admin_access, login  # noqa: F401

User = get_user_model()
ADMIN_NAME = "李娜"


def test_chinese_names_join_family_name_first_without_a_space():
    assert join_name("娜", "李") == "李娜"
    assert join_name("Anna", "Li") == "Anna Li"
    assert join_name("李娜", "") == "李娜"
    assert join_name("", "") == ""


@pytest.mark.django_db
def test_the_data_migration_joins_existing_first_and_last_names():
    li = f.user("li", first_name="娜", last_name="李")
    anna = f.user("anna", first_name="Anna", last_name="Smith")
    whole = f.user("whole", first_name="王芳")
    migration = importlib.import_module("cases.migrations.0012_staff_full_names")
    migration.join_names(global_apps, None)
    names = dict(User.objects.filter(pk__in=[li.pk, anna.pk, whole.pk]).values_list("username", "first_name"))
    assert names == {"li": "李娜", "anna": "Anna Smith", "whole": "王芳"}
    assert set(User.objects.values_list("last_name", flat=True)) == {""}


@pytest.fixture
def chief(city, admin_access):  # noqa: F811
    return f.user("chief", roles.ADMINISTRATOR, first_name=ADMIN_NAME, is_superuser=True)


def sidebar_props(html: str) -> str:
    """Wagtail's sidebar (with the account menu's name) is a JSON island read by its JavaScript."""
    props = re.search(r'id="wagtail-sidebar-props"[^>]*>(.*?)</script>', html, re.S).group(1)
    return json.dumps(json.loads(props), ensure_ascii=False)


@pytest.mark.django_db
def test_the_admin_header_and_user_list_show_the_full_name(chief, login):  # noqa: F811
    client = login(chief)
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert f'"name": "{ADMIN_NAME}"' in sidebar_props(home)
    users = client.get(reverse("wagtailusers_users:index")).content.decode()
    assert ADMIN_NAME in users and "娜 李" not in users


@pytest.mark.django_db
def test_the_user_forms_have_one_full_name_field(chief, login):  # noqa: F811
    legacy = f.user("legacy", roles.HANDLER, first_name="芳", last_name="王", email="w@example.org")
    client = login(chief)
    edit_url = reverse("wagtailusers_users:edit", args=[legacy.pk])
    page = client.get(edit_url).content.decode()
    assert 'name="first_name"' in page and 'name="last_name"' not in page
    assert 'value="王芳"' in page  # a legacy first/last pair is offered joined
    response = client.post(edit_url, {"username": "legacy", "first_name": "王芳芳", "email": "w@example.org",
                                      "is_active": "on", "groups": [g.pk for g in legacy.groups.all()]})
    assert response.status_code == 302, response.content.decode()[:2000]
    legacy.refresh_from_db()
    assert (legacy.first_name, legacy.last_name, legacy.get_full_name()) == ("王芳芳", "", "王芳芳")
    create = client.post(reverse("wagtailusers_users:add"), {
        "username": "newbie", "first_name": "赵一", "email": "n@example.org",
        "password1": "pw-Portal-123-long", "password2": "pw-Portal-123-long"})
    assert create.status_code == 302, create.content.decode()[:2000]
    assert User.objects.get(username="newbie").get_full_name() == "赵一"


@pytest.mark.django_db
def test_the_account_page_edits_the_one_name(chief, login):  # noqa: F811
    client = login(chief)
    page = client.get(reverse("wagtailadmin_account")).content.decode()
    assert 'name="name_email-first_name"' in page and "last_name" not in page
    response = client.post(reverse("wagtailadmin_account"), {
        "name_email-first_name": "李娜娜", "name_email-email": "chief@example.org",
        "locale-preferred_language": "zh-hans", "locale-current_time_zone": "Asia/Shanghai",
        "theme-theme": "system", "theme-density": "default", "theme-contrast": "system",
        "theme-keyboard_shortcuts": "on"})
    assert response.status_code == 302, response.content.decode()[:3000]
    chief.refresh_from_db()
    assert chief.get_full_name() == "李娜娜"


@pytest.mark.django_db
def test_the_case_timeline_shows_the_full_name(city, new_case, login):  # noqa: F811
    city.env_handler.first_name = ADMIN_NAME
    city.env_handler.save()
    case = new_case()
    workflow.add_note(case, city.env_handler, "已联系企业", now=T0)
    page = login(city.intake).get(reverse("workbench:detail", args=[case.pk])).content.decode()
    assert ADMIN_NAME in page


@pytest.mark.django_db
def test_the_staff_export_has_a_full_name_cell(city, chief, login):  # noqa: F811
    city.env_handler.first_name = ADMIN_NAME
    city.env_handler.save()
    response = login(chief).get(reverse("staff_profiles:index") + "?export=xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content) if response.streaming
                                     else response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert ("env_handler", ADMIN_NAME) in [row[:2] for row in rows[1:]]
