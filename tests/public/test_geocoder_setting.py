"""No geocoder unless one is configured: the address search says so and sends nothing."""

from unittest import mock

import pytest
from django.utils import translation

from cases import geo

pytestmark = pytest.mark.django_db


def test_without_a_geocoder_the_search_says_it_is_not_configured(client, settings, city):
    settings.PORTAL_GEOCODER_DOMAIN = ""
    with mock.patch.object(geo, "_geocoder") as geocoder:
        response = client.get("/en/report/geocode", {"q": "东湖街道"})
    geocoder.assert_not_called()
    body = response.json()
    assert body["ok"] is False and "not configured" in body["error"]


def test_the_message_is_translated(settings, city):
    settings.PORTAL_GEOCODER_DOMAIN = ""
    with translation.override("zh-hans"):
        assert "未启用地址搜索" in geo.geocode("东湖街道").message


@pytest.mark.slow
def test_only_the_development_profile_has_a_default_geocoder(tmp_path):
    from tests.portal.test_settings import clean_env, run_python

    code = "import importlib, sys; print(importlib.import_module(sys.argv[1]).PORTAL_GEOCODER_DOMAIN or '-')"
    found = {}
    for module in ("portal.settings.base", "portal.settings.dev"):
        result = run_python(code.replace("sys.argv[1]", repr(module)), clean_env(tmp_path))
        assert result.returncode == 0, result.stderr
        found[module] = result.stdout.strip().splitlines()[-1]
    assert found == {"portal.settings.base": "-", "portal.settings.dev": "nominatim.openstreetmap.org"}
