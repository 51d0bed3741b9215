"""Fixtures shared with the domain and site tests (the guards test every public URL)."""

from tests.cases.conftest import city, new_case  # noqa: F401
from tests.cms.conftest import home, tree  # noqa: F401
