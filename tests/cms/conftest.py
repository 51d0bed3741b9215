"""Fixtures for the public site: the page tree, and cases closed through the services."""

from types import SimpleNamespace

import pytest
from django.core.cache import cache

from cms.models import (
    BatchDisclosureIndexPage,
    NewsIndexPage,
    ProgressDashboardPage,
    PublicCaseIndexPage,
    StandardPage,
    TaskLedgerPage,
    TypicalCaseIndexPage,
)
from tests import factories as f
from tests.cases.conftest import city, new_case  # noqa: F401

SECTIONS = {
    "news": (NewsIndexPage, "news", "整改动态"),
    "typical": (TypicalCaseIndexPage, "typical-cases", "典型案例"),
    "ledger": (TaskLedgerPage, "tasks", "整改任务"),
    "dashboard": (ProgressDashboardPage, "progress", "整改进展"),
    "batches": (BatchDisclosureIndexPage, "batches", "交办信访件公开"),
    "cases": (PublicCaseIndexPage, "cases", "公开案件"),
    "about": (StandardPage, "about", "关于我们"),
}


@pytest.fixture(autouse=True)
def _clear_cache():
    """Cached public data must not leak from one test's database into the next."""
    cache.clear()
    yield
    cache.clear()


def publish(page):
    page.save_revision().publish()
    return page.__class__.objects.get(pk=page.pk)


@pytest.fixture
def home(db):
    return f.site_home()


@pytest.fixture
def tree(home):
    pages = {"home": home}
    for key, (model, slug, title) in SECTIONS.items():
        extra = {"body": "<p>关于本平台</p>"} if model is StandardPage else {}
        page = model(title=title, slug=slug, show_in_menus=True, **extra)
        home.add_child(instance=page)
        pages[key] = publish(page)
    return SimpleNamespace(**pages)
