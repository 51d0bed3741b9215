"""geopy geocoder for Tianditu (天地图), the national platform's web service API.

Forward:  GET /geocoder?ds={"keyWord": "..."}&tk=KEY
          -> {"status": "0", "msg": "ok", "location": {"lon": .., "lat": .., "level": .., "keyWord": ..}}
Reverse:  GET /geocoder?postStr={'lon': .., 'lat': .., 'ver': 1}&type=geocode&tk=KEY
          -> {"status": "0", "msg": "ok", "result": {"formatted_address": .., "location": {..},
                                                     "addressComponent": {..}}}
Tianditu answers in CGCS2000, which the portal treats as WGS-84 (they differ by
centimetres). The service returns at most one place per query.
"""

import json
from functools import partial
from urllib.parse import urlencode

from geopy.exc import GeocoderQueryError, GeocoderServiceError
from geopy.geocoders.base import DEFAULT_SENTINEL, Geocoder
from geopy.location import Location

__all__ = ("Tianditu",)

NO_RESULT = {"101"}  # "结果为空"; 1 and 404 are errors


class Tianditu(Geocoder):
    """Geocoder using the Tianditu web service API (http://lbs.tianditu.gov.cn/server/geocoding.html)."""

    api_path = "/geocoder"

    def __init__(self, api_key, *, domain="api.tianditu.gov.cn", scheme=None, timeout=DEFAULT_SENTINEL,
                 proxies=DEFAULT_SENTINEL, user_agent=None, ssl_context=DEFAULT_SENTINEL, adapter_factory=None):
        super().__init__(scheme=scheme, timeout=timeout, proxies=proxies, user_agent=user_agent,
                         ssl_context=ssl_context, adapter_factory=adapter_factory)
        self.api_key = api_key
        self.api = f"{self.scheme}://{domain.strip('/')}{self.api_path}"

    def geocode(self, query, *, exactly_one=True, timeout=DEFAULT_SENTINEL):
        """The place for an address or place name, or None. `exactly_one=False` gives a list."""
        ds = json.dumps({"keyWord": str(query)}, ensure_ascii=False)
        url = f"{self.api}?{urlencode({'ds': ds, 'tk': self.api_key})}"
        return self._call_geocoder(url, partial(self._parse_geocode, exactly_one=exactly_one), timeout=timeout)

    def reverse(self, query, *, exactly_one=True, timeout=DEFAULT_SENTINEL):
        """The address nearest to a (latitude, longitude) point, or None."""
        lat, lng = (float(v) for v in self._coerce_point_to_string(query).split(","))
        post = f"{{'lon':{lng!r},'lat':{lat!r},'ver':1}}"
        url = f"{self.api}?{urlencode({'postStr': post, 'type': 'geocode', 'tk': self.api_key})}"
        return self._call_geocoder(url, partial(self._parse_reverse, exactly_one=exactly_one), timeout=timeout)

    def _parse_geocode(self, page, exactly_one=True):
        place = self._checked(page).get("location")
        if not place:
            return None
        label = place.get("keyWord") or place.get("level") or ""
        return self._one(Location(label, (float(place["lat"]), float(place["lon"])), place), exactly_one)

    def _parse_reverse(self, page, exactly_one=True):
        result = self._checked(page).get("result")
        if not result:
            return None
        point = result["location"]
        location = Location(result.get("formatted_address") or "", (float(point["lat"]), float(point["lon"])), result)
        return self._one(location, exactly_one)

    @staticmethod
    def _one(location, exactly_one):
        return location if exactly_one else [location]

    @staticmethod
    def _checked(page) -> dict:
        """The page when it carries a result or says "nothing found"; an error otherwise."""
        if not isinstance(page, dict):
            raise GeocoderServiceError("Tianditu: unexpected answer")
        status = str(page.get("status", ""))
        if status == "0":
            return page
        if status in NO_RESULT:
            return {}
        if status == "1":
            raise GeocoderQueryError(f"Tianditu: {page.get('msg', 'error')}")
        raise GeocoderServiceError(f"Tianditu: status {status!r} {page.get('msg', '')}")
