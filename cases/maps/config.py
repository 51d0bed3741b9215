"""What every map needs (static/js/portal_map.js): the tile server if one is configured,
the datum of its tiles, the township outlines and the city's extent."""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from cases import geo

DATUMS = ("wgs84", "gcj02", "bd09")


def map_settings() -> dict:
    """Without a tile server the townships are the base layer and the map is in WGS-84
    (the datum of the stored boundaries and cases) whatever PORTAL_MAP_CRS says."""
    url = settings.PORTAL_MAP_TILE_URL
    crs = settings.PORTAL_MAP_CRS if url and settings.PORTAL_MAP_CRS in DATUMS else "wgs84"
    box = geo.city_bbox()
    return {
        "tiles": {"url": url, "key": settings.PORTAL_MAP_TILE_KEY, "subdomains": settings.PORTAL_MAP_TILE_SUBDOMAINS,
                  "attribution": settings.PORTAL_MAP_ATTRIBUTION} if url else None,
        "crs": crs,
        "townships": reverse("map_townships"),
        "bounds": [[box[0], box[1]], [box[2], box[3]]] if box else None,
        "text": {"townshipsOnly": _("Map background: township boundaries (no street map is configured).")},
    }
