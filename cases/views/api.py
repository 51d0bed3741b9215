"""Small JSON endpoints behind the report form's JavaScript: proof-of-work
challenge, address search, similar cases nearby, the service area, GPS in a photo. None of them
stores anything."""

from django import forms
from django.conf import settings
from django.http import JsonResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from cases import captcha, geo
from cases.duplicates import nearby_open_cases
from cases.forms import root_categories
from cases.photos import read_gps
from cases.views.common import json_failure, rate_limited, too_many
from portal.guards import limit_before_parsing


@never_cache
@require_GET
def captcha_challenge(request):
    if rate_limited(request, "lookup"):
        return too_many(request, json=True)
    return JsonResponse(captcha.new_challenge())


@require_GET
def geocode(request):
    if rate_limited(request, "geocode"):
        return too_many(request, json=True)
    result = geo.geocode(request.GET.get("q", ""), language=get_language() or settings.LANGUAGE_CODE)
    if not result.ok:
        return json_failure(result.message)
    return JsonResponse({"ok": True, "results": [p.as_dict() for p in result.places]})


class PointQuery(forms.Form):
    lat = forms.FloatField(min_value=-90, max_value=90)
    lng = forms.FloatField(min_value=-180, max_value=180)
    crs = forms.ChoiceField(choices=[(c, c) for c in geo.CRS_CHOICES], required=False)


    def wgs84(self) -> tuple[float, float]:
        data = self.cleaned_data
        return geo.to_wgs84(data["lat"], data["lng"], data.get("crs") or "wgs84")


class NearbyQuery(PointQuery):
    category = forms.ModelChoiceField(queryset=root_categories())


def _lookup(request, form_class, refusal: str):
    """The rate limit, then the query: (query, None), or (None, the refusal to send)."""
    if rate_limited(request, "lookup"):
        return None, too_many(request, json=True)
    query = form_class(request.GET)
    if not query.is_valid():
        return None, json_failure(refusal, status=400)
    return query, None


@require_GET
def nearby(request):
    query, refused = _lookup(request, NearbyQuery, _("Choose a kind of problem and place the pin first."))
    if refused:
        return refused
    cases = nearby_open_cases(query.cleaned_data["category"], *query.wgs84())
    return JsonResponse({"ok": True, "cases": [c.as_dict() for c in cases]})


@require_GET
def service_area(request):
    """Whether a pin is inside the city, asked as soon as it is placed (the same rule
    intake applies on sending, cases.geo.service_area). Says nothing about cases."""
    query, refused = _lookup(request, PointQuery,
                             _("The location is not a valid coordinate. Please place the pin again."))
    if refused:
        return refused
    lat, lng = query.wgs84()
    outside = geo.service_area(lat, lng) == geo.OUTSIDE
    return JsonResponse({"ok": True, "outside": outside, "message": geo.outside_message() if outside else ""})


@limit_before_parsing("lookup", json=True)
@require_POST
def photo_gps(request):
    """The location in one photo's EXIF, offered to the citizen before upload strips it."""
    upload = request.FILES.get("photo")
    if upload is None or upload.size > settings.PORTAL_PHOTO_MAX_BYTES:
        return json_failure(_("No usable photo was sent."), status=400)
    point = read_gps(upload)
    if point is None:
        return JsonResponse({"ok": True, "found": False})
    lat, lng = point
    if geo.service_area(lat, lng) == geo.OUTSIDE:
        return JsonResponse({"ok": True, "found": False, "outside": True})
    return JsonResponse({"ok": True, "found": True, "lat": lat, "lng": lng})
