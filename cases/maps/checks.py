"""System checks for the map and geocoder settings: a misspelt value would otherwise
switch the address search or the datum conversion off without a word."""

from django.conf import settings
from django.core.checks import Error, Warning, register

from cases.maps.config import DATUMS

GEOCODERS = ("", "nominatim", "tianditu")


@register()
def map_settings_check(app_configs=None, **kwargs) -> list:
    problems = []
    geocoder = (settings.PORTAL_GEOCODER or "").strip().lower()
    if geocoder not in GEOCODERS:
        problems.append(Error(f"PORTAL_GEOCODER={settings.PORTAL_GEOCODER!r} is not one of nominatim, tianditu "
                              "(or empty for none).", id="portal.E101"))
    if geocoder == "tianditu" and not settings.PORTAL_GEOCODER_KEY:
        problems.append(Warning("PORTAL_GEOCODER=tianditu without PORTAL_GEOCODER_KEY: the address search is off.",
                                id="portal.W102"))
    if geocoder == "nominatim" and not settings.PORTAL_GEOCODER_DOMAIN:
        problems.append(Warning("PORTAL_GEOCODER=nominatim without PORTAL_GEOCODER_DOMAIN: the address search is "
                                "off.", id="portal.W103"))
    if settings.PORTAL_MAP_CRS not in DATUMS:
        problems.append(Error(f"PORTAL_MAP_CRS={settings.PORTAL_MAP_CRS!r} is not one of {', '.join(DATUMS)}.",
                              id="portal.E104"))
    return problems
