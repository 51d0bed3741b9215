"""Misspelt map and geocoder settings are reported by `manage.py check` (cases/maps/checks.py)."""

from django.core.checks import run_checks

OURS = {"portal.E101", "portal.W102", "portal.W103", "portal.E104"}


def ids() -> set[str]:
    return {m.id for m in run_checks() if m.id in OURS}


def test_sane_settings_give_no_message(settings):
    settings.PORTAL_GEOCODER, settings.PORTAL_MAP_CRS = "tianditu", "gcj02"
    settings.PORTAL_GEOCODER_KEY = "k"
    assert ids() == set()


def test_an_unknown_geocoder_or_datum_is_an_error(settings):
    settings.PORTAL_GEOCODER, settings.PORTAL_MAP_CRS = "tiandtu", "gcj-02"
    assert {"portal.E101", "portal.E104"} <= ids()


def test_a_geocoder_without_its_key_or_host_is_a_warning(settings):
    settings.PORTAL_GEOCODER, settings.PORTAL_GEOCODER_KEY = "tianditu", ""
    assert "portal.W102" in ids()
    settings.PORTAL_GEOCODER, settings.PORTAL_GEOCODER_DOMAIN = "nominatim", ""
    assert "portal.W103" in ids()
