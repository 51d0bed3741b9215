"""Fault-injection tests: each states what the citizen sees and proves that
nothing is lost or duplicated. Fast and deterministic: local fakes, closed ports,
bounded waits; never the network."""

import pytest
from django.core.cache import caches

from tests.cases.conftest import city, new_case  # noqa: F401
from tests.net import closed_port
from tests.public.conftest import jpeg, report_data, upload  # noqa: F401


@pytest.fixture(autouse=True)
def resilience_settings(settings):
    settings.PORTAL_CAPTCHA_REQUIRED = False
    settings.PORTAL_GEOCODER_DOMAIN = f"127.0.0.1:{closed_port()}"
    settings.PORTAL_GEOCODER_SCHEME = "http"
    settings.PORTAL_GEOCODER_TIMEOUT = 2
    for alias in ("default", "ratelimit"):
        caches[alias].clear()
    yield
    for alias in ("default", "ratelimit"):
        try:
            caches[alias].clear()
        except Exception:  # noqa: BLE001 - a test may have pointed the alias at a dead server
            pass


def stored_files(settings) -> list[str]:
    """Every file under the public and private media folders of this test."""
    found = []
    for root in (settings.MEDIA_ROOT, settings.PRIVATE_MEDIA_ROOT):
        found += [str(p) for p in root.rglob("*") if p.is_file()] if root.exists() else []
    return found
