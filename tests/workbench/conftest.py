import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client

from tests.cases.conftest import city, new_case  # noqa: F401
from tests.workbench.otp import login_with_otp


@pytest.fixture
def admin_access(city):  # noqa: F811
    """Every role group may enter the Wagtail admin (as seed_demo sets up)."""
    access = Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    for group in Group.objects.all():
        group.permissions.add(access)


@pytest.fixture
def login(admin_access):
    """login(user) → a fresh test client signed in past the second factor."""

    def make(user):
        return login_with_otp(Client(), user)

    return make
