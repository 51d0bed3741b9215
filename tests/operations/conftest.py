import pytest
from django.core.cache import caches

from cases import roles
from tests import factories as f
from tests.cases.conftest import city, new_case  # noqa: F401
from tests.workbench.conftest import admin_access, login  # noqa: F401


@pytest.fixture
def operator(city):  # noqa: F811
    """An administrator by group (not a superuser): the role is what opens the screens."""
    return f.user("ops_admin", roles.ADMINISTRATOR)


@pytest.fixture
def fresh_limits():
    caches["ratelimit"].clear()
    yield
    caches["ratelimit"].clear()
