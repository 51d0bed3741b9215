import os

import pytest
from django.conf import settings as django_settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import clear_url_caches

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@receiver(setting_changed)
def _language_code_changed(*, setting, **_kwargs):
    """The URL resolver caches reverse() per language with the /en/ prefix computed
    from LANGUAGE_CODE at that moment; a test that sets LANGUAGE_CODE = "en" would leave
    "en" URLs unprefixed for every later test (the redirects went to /report/done/
    instead of /en/report/done/). Django clears these caches for ROOT_URLCONF only."""
    if setting == "LANGUAGE_CODE":
        clear_url_caches()


@pytest.fixture(autouse=True)
def _media_tmp(settings, tmp_path):
    """Each test writes files under its own temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                    "OPTIONS": {"location": str(tmp_path / "media")}},
        "private": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                    "OPTIONS": {"location": str(tmp_path / "private")}},
    }
    yield



@pytest.fixture(autouse=True)
def _forget_routes():
    """Page objects remembered by cms.routecache belong to one test's database."""
    from cases.workbench import chrome
    from cms import routecache

    routecache.clear()
    chrome.clear()  # and the back office's HTML (filter bar, sidebar) rendered from it
    yield
    routecache.clear()
    chrome.clear()


def pytest_collection_modifyitems(config, items):
    """Tests marked ``postgres`` prove what only PostgreSQL can show (row locks between two
    connections); on SQLite they are reported as skipped, never as passed. CI runs the
    suite on PostgreSQL too."""
    if django_settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)
