"""Township boundaries as GeoJSON: the base layer of every map when no tile server is
configured (and an outline over the tiles on the public map).

The document is built once per township-index version (bumped on every township
edit, cases/routing.py) and kept in the shared cache; the HTTP response carries that
version as its ETag so browsers revalidate cheaply. Outlines are simplified to about
20 m and rounded to 6 decimals: orientation, not surveying.
"""

import json

from django.core.cache import cache
from shapely.geometry import mapping, shape

from cases.models import Township
from cases.routing import township_index

SIMPLIFY_DEGREES = 0.0002
CACHE_SECONDS = 24 * 3600


def _rounded(coords):
    if isinstance(coords, (int, float)):
        return round(coords, 6)
    return [_rounded(c) for c in coords]


def document(rows) -> bytes:
    """GeoJSON of (code, name, boundary) rows; rows without a boundary are left out."""
    features = []
    for code, name, boundary in rows:
        if not boundary:
            continue
        geometry = mapping(shape(boundary).simplify(SIMPLIFY_DEGREES, preserve_topology=True))
        features.append({"type": "Feature", "properties": {"code": code, "name": name},
                         "geometry": {"type": geometry["type"], "coordinates": _rounded(geometry["coordinates"])}})
    collection = {"type": "FeatureCollection", "features": features}
    return json.dumps(collection, ensure_ascii=False, separators=(",", ":")).encode()


def build() -> bytes:
    return document(Township.objects.order_by("sort_order", "code").values_list("code", "name", "boundary"))


def version() -> str:
    return township_index().version


def geojson() -> bytes:
    """The current outlines, from the cache when they have not changed."""
    key = f"portal:townships-geojson:{version()}"
    data = cache.get(key)
    if data is None:
        data = build()
        cache.set(key, data, CACHE_SECONDS)
    return data
