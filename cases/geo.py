"""Geocoding facade and coordinate handling for citizen reports (docs/product.md §4.1).

- `geocode(query)` asks the configured geocoder (`PORTAL_GEOCODER`: a Nominatim
  server, or Tianditu through cases.maps.tianditu) through geopy and returns a
  `GeoResult` or a `GeoFailure` value: it never raises, so a geocoder outage
  never blocks a report (docs/architecture.md rule 8). Answers are cached.
  `reverse(lat, lng)` does the same for the address of a point.
- `to_wgs84()` converts input from Chinese map providers (GCJ-02, BD-09);
  the portal stores WGS-84 only.
- `service_area()` tells whether a point is in a township, in the city's
  bounding box (plus a margin) but outside every township, or outside.
"""

import hashlib
import logging
import math
import warnings
from dataclasses import dataclass
from decimal import Decimal

import prcoords
from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _
from geopy.adapters import URLLibAdapter
from geopy.distance import geodesic
from geopy.exc import GeopyError
from geopy.geocoders import Nominatim
from geopy.geocoders.base import Geocoder

from cases.maps.tianditu import Tianditu
from cases.routing import township_index

log = logging.getLogger("portal.geo")

CRS_CHOICES = ("wgs84", "gcj02", "bd09")
CACHE_SECONDS = 24 * 3600
EMPTY_CACHE_SECONDS = 3600
MAX_RESULTS = 5
KM_PER_DEGREE = 111.32


@dataclass(frozen=True)
class Place:
    label: str
    latitude: float
    longitude: float

    def as_dict(self) -> dict:
        return {"label": self.label, "lat": round(self.latitude, 6), "lng": round(self.longitude, 6)}


@dataclass(frozen=True)
class GeoResult:
    places: tuple[Place, ...]
    ok: bool = True


@dataclass(frozen=True)
class GeoFailure:
    message: str
    ok: bool = False


# --- Geocoding ----------------------------------------------------------------------


NOMINATIM = "nominatim"
TIANDITU = "tianditu"
TIANDITU_DOMAIN = "api.tianditu.gov.cn"


def backend() -> str:
    """The geocoder in use: "nominatim", "tianditu" or "" (none). An empty
    PORTAL_GEOCODER with a PORTAL_GEOCODER_DOMAIN means Nominatim (older settings)."""
    name = (settings.PORTAL_GEOCODER or "").strip().lower()
    if not name:
        return NOMINATIM if settings.PORTAL_GEOCODER_DOMAIN else ""
    if name == NOMINATIM and not settings.PORTAL_GEOCODER_DOMAIN:
        return ""
    if name == TIANDITU and not settings.PORTAL_GEOCODER_KEY:
        return ""  # Tianditu refuses every request without a key
    return name if name in (NOMINATIM, TIANDITU) else ""


def _geocoder() -> Geocoder:
    # urllib: no hidden retries, so the timeout below is the whole wait.
    common = {"scheme": settings.PORTAL_GEOCODER_SCHEME, "user_agent": settings.PORTAL_GEOCODER_USER_AGENT,
              "timeout": settings.PORTAL_GEOCODER_TIMEOUT, "adapter_factory": URLLibAdapter}
    if backend() == TIANDITU:
        return Tianditu(settings.PORTAL_GEOCODER_KEY, domain=settings.PORTAL_GEOCODER_DOMAIN or TIANDITU_DOMAIN,
                        **common)
    return Nominatim(domain=settings.PORTAL_GEOCODER_DOMAIN, **common)


def _cache_key(kind: str, query: str, language: str) -> str:
    source = f"{backend()}|{settings.PORTAL_GEOCODER_DOMAIN}"
    digest = hashlib.sha256(f"{kind}|{source}|{language}|{query}".encode()).hexdigest()
    return f"portal:geocode:{digest}"


def _not_configured() -> GeoFailure:
    # No geocoder configured: addresses are never sent to a service nobody chose.
    return GeoFailure(_("Address search is not configured on this site. Place the pin on the map, "
                        "or describe the place in the address field."))


def _unavailable(exc: Exception) -> GeoFailure:
    log.warning("geocoder failed: %r", exc)
    return GeoFailure(_("Address search is not available at the moment. Place the pin on the map, "
                        "or describe the place in the address field."))


def geocode(query: str, language: str = "zh-hans") -> GeoResult | GeoFailure:
    """Places matching `query` inside the service area (at most five), or a failure value."""
    query = " ".join((query or "").split())[:200]
    if len(query) < 2:
        return GeoFailure(_("Type at least two characters of an address or place name."))
    if not backend():
        return _not_configured()
    key = _cache_key("search", query, language)
    cached = cache.get(key)
    if cached is not None:
        return GeoResult(tuple(Place(**p) for p in cached))
    try:
        locations = _search(query, language)
        places = tuple(_places(locations))
    except (GeopyError, OSError, ValueError, TypeError, KeyError) as exc:
        return _unavailable(exc)
    cache.set(key, [p.__dict__ for p in places], CACHE_SECONDS if places else EMPTY_CACHE_SECONDS)
    return GeoResult(places)


def _search(query: str, language: str) -> list:
    if backend() == TIANDITU:  # one answer per query, no language or area options
        return _geocoder().geocode(query, exactly_one=False) or []
    return _geocoder().geocode(query, exactly_one=False, limit=MAX_RESULTS * 2,
                               language=language, **_area_options()) or []


def reverse(lat: float, lng: float, language: str = "zh-hans") -> GeoResult | GeoFailure:
    """The address of a WGS-84 point (one place, or none), or a failure value."""
    if not valid_coordinate(lat, lng):
        return GeoFailure(_("This is not a valid position."))
    if not backend():
        return _not_configured()
    key = _cache_key("reverse", f"{lat:.5f},{lng:.5f}", language)
    cached = cache.get(key)
    if cached is not None:
        return GeoResult(tuple(Place(**p) for p in cached))
    options = {} if backend() == TIANDITU else {"language": language}
    try:
        found = _geocoder().reverse((lat, lng), exactly_one=True, **options)
    except (GeopyError, OSError, ValueError, TypeError, KeyError) as exc:
        return _unavailable(exc)
    places = (Place(str(found.address)[:300], lat, lng),) if found and found.address else ()
    cache.set(key, [p.__dict__ for p in places], CACHE_SECONDS if places else EMPTY_CACHE_SECONDS)
    return GeoResult(places)


def _area_options() -> dict:
    options: dict = {}
    if settings.PORTAL_GEOCODER_COUNTRY_CODES:
        options["country_codes"] = settings.PORTAL_GEOCODER_COUNTRY_CODES
    box = city_bbox()
    if box is not None:  # prefer, do not restrict: the filter below decides
        options["viewbox"] = [(box[0], box[1]), (box[2], box[3])]  # (lat, lng) corners
    return options


def _places(locations) -> list[Place]:
    places = []
    for loc in locations:
        lat, lng = float(loc.latitude), float(loc.longitude)
        if valid_coordinate(lat, lng) and service_area(lat, lng) != OUTSIDE:
            places.append(Place(str(loc.address)[:300], lat, lng))
    return places[:MAX_RESULTS]


# --- Coordinates ------------------------------------------------------------------------


def parse_coordinate(value) -> float | None:
    """A finite float from form input, or None (NaN, inf, junk)."""
    try:
        number = float(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def valid_coordinate(lat: float, lng: float) -> bool:
    return -90 <= lat <= 90 and -180 <= lng <= 180


def to_wgs84(lat: float, lng: float, crs: str) -> tuple[float, float]:
    """WGS-84 from GCJ-02 (AMap, Tencent) or BD-09 (Baidu); WGS-84 passes through."""
    if crs == "wgs84":
        return lat, lng
    convert = {"gcj02": prcoords.gcj_wgs_bored, "bd09": prcoords.bd_wgs_bored}[crs]
    with warnings.catch_warnings():  # prcoords warns for points outside China; the area check decides
        warnings.simplefilter("ignore")
        out = convert(prcoords.Coords(lat, lng))
    return round(out.lat, 7), round(out.lon, 7)


def distance_m(lat1, lng1, lat2, lng2) -> float:
    return geodesic((float(lat1), float(lng1)), (float(lat2), float(lng2))).meters


def bbox_around(lat: float, lng: float, radius_m: float) -> tuple[Decimal, Decimal, Decimal, Decimal]:
    """(min_lat, min_lng, max_lat, max_lng) enclosing a circle: the SQL prefilter."""
    dlat = radius_m / (KM_PER_DEGREE * 1000)
    dlng = radius_m / (KM_PER_DEGREE * 1000 * max(math.cos(math.radians(lat)), 0.01))
    q = Decimal("0.000001")
    return (Decimal(lat - dlat).quantize(q), Decimal(lng - dlng).quantize(q),
            Decimal(lat + dlat).quantize(q), Decimal(lng + dlng).quantize(q))


# --- Service area -----------------------------------------------------------------------

IN_TOWNSHIP = "township"
IN_CITY = "city"  # inside the bounding box, outside every township: the dispatch desk decides
OUTSIDE = "outside"

_bbox_cache: dict[str, tuple[float, float, float, float] | None] = {}


def city_bbox() -> tuple[float, float, float, float] | None:
    """(min_lat, min_lng, max_lat, max_lng) of all township boundaries plus the margin."""
    index = township_index()
    if index.version in _bbox_cache:
        return _bbox_cache[index.version]
    box = None
    if index.geometries:
        min_lng = min(g.bounds[0] for g in index.geometries)
        min_lat = min(g.bounds[1] for g in index.geometries)
        max_lng = max(g.bounds[2] for g in index.geometries)
        max_lat = max(g.bounds[3] for g in index.geometries)
        margin_lat = settings.PORTAL_SERVICE_AREA_MARGIN_KM / KM_PER_DEGREE
        mid = math.radians((min_lat + max_lat) / 2)
        margin_lng = settings.PORTAL_SERVICE_AREA_MARGIN_KM / (KM_PER_DEGREE * max(math.cos(mid), 0.01))
        box = (min_lat - margin_lat, min_lng - margin_lng, max_lat + margin_lat, max_lng + margin_lng)
    _bbox_cache.clear()
    _bbox_cache[index.version] = box
    return box


def service_area(lat: float, lng: float) -> str:
    """IN_TOWNSHIP, IN_CITY or OUTSIDE. Without any township boundary every point is IN_CITY."""
    if township_index().locate(lng, lat) is not None:
        return IN_TOWNSHIP
    box = city_bbox()
    if box is None or (box[0] <= lat <= box[2] and box[1] <= lng <= box[3]):
        return IN_CITY
    return OUTSIDE


def outside_message() -> str:
    return _("This place is outside %(city)s. The portal only takes reports about places in %(city)s; "
             "please contact the environmental authority where the problem is.") % {"city": settings.PORTAL_CITY_NAME}
