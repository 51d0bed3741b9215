"""Shared helpers of the public views: rate limits, client address, map settings."""

import logging

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django_ratelimit.core import is_ratelimited

from cases.maps.config import map_settings
from portal.clientip import client_ip, ratelimit_key
from portal.csp import tile_sources

__all__ = ["client_ip", "rate_limited", "too_many"]

RATES = {
    "submit": "PORTAL_RATELIMIT_SUBMIT",
    "track": "PORTAL_RATELIMIT_TRACK",
    "geocode": "PORTAL_RATELIMIT_GEOCODE",
    "lookup": "PORTAL_RATELIMIT_LOOKUP",
}


def rate_limited(request, group: str) -> bool:
    """Counts this request against the client's allowance for `group`."""
    rate = getattr(settings, RATES[group])
    try:
        return is_ratelimited(request, group=f"portal:{group}", key=ratelimit_key, rate=rate, increment=True)
    except Exception:  # the counter store (Redis) is down: serve, and say so in the log
        logging.getLogger("portal.ratelimit").exception("rate limiter unavailable; request allowed")
        return False


def too_many(request, *, json: bool = False):
    message = _("Too many requests from your connection. Please wait a few minutes and try again.")
    if json:
        return JsonResponse({"ok": False, "error": message}, status=429)
    response = render(request, "cases/too_many.html", {"message": message}, status=429)
    response["Retry-After"] = "600"
    return response


def json_failure(message: str, status: int = 200) -> JsonResponse:
    return JsonResponse({"ok": False, "error": message}, status=status)


def allow_tiles(response):
    """Add the tile host to img-src when the settings' CSP was computed from
    another tile URL (settings changed at run time, e.g. in tests)."""
    configured = settings.CONTENT_SECURITY_POLICY.get("DIRECTIVES", {}).get("img-src", [])
    missing = [s for s in tile_sources(settings.PORTAL_MAP_TILE_URL) if s not in configured]
    if missing:
        response._csp_update = {"img-src": missing}
    return response


def map_config() -> dict:
    """What static/js/report.js needs: the shared map settings, endpoints, texts."""
    return {
        "map": map_settings(),
        "urls": {"geocode": reverse("report_geocode"), "nearby": reverse("report_nearby"),
                 "photoGps": reverse("report_photo_gps"), "follow": reverse("report_follow"),
                 "area": reverse("report_area")},
        "altchaWorkers": {"pbkdf2": static("vendor/altcha/workers/pbkdf2.js"),
                          "sha": static("vendor/altcha/workers/sha.js")},
        "maxPhotos": settings.PORTAL_PHOTO_MAX_COUNT,
        "maxPhotoBytes": settings.PORTAL_PHOTO_MAX_BYTES,
        "maxEdge": settings.PORTAL_PHOTO_MAX_EDGE,  # photos are shrunk to it in the browser
        "text": _js_texts(),
    }


def _js_texts() -> dict:
    return {
        "pinSet": _("The pin is set. Drag it to correct the place."),
        "locating": _("Finding your location…"),
        "locateFailed": _("Your location could not be found. Place the pin on the map or type the address."),
        "searching": _("Searching…"),
        "noResults": _("No place found. Try another address, or describe the place in the address field."),
        "choosePlace": _("Choose a place:"),
        "photoGps": _("The photo %(name)s contains a location. Use it as the place of the problem?"),
        "usePhotoGps": _("Use the photo's location"),
        "ignore": _("No, thanks"),
        "tooManyPhotos": _("You can attach at most %(count)s photos."),
        "photoTooLarge": _("%(name)s is too large: each photo can be at most %(mb)s MB."),
        "nearbyIntro": _("Similar open reports near this place. If one of them is about the same problem, you "
                         "can follow it instead of filing a new report:"),
        "followThis": _("Follow this case instead"),
        "fileAnyway": _("None of these is my problem: I will send my own report below."),
        "metres": _("about %(m)s m away"),
        "similarReceived": _("A similar report was received nearby on %(date)s; it is being handled."),
        "received": _("received %(date)s"),
        "waitCaptcha": _("One moment: the anti-robot check is finishing. Your report is sent as soon as it is "
                         "done."),
        "preparingPhotos": _("Preparing your photos…"),
        "photoAsIs": _("%(name)s (%(size)s) is sent as it is."),
        "photoShrunk": _("%(name)s (%(from)s) is sent reduced to %(edge)s pixels (%(to)s); its original "
                         "fingerprint (SHA-256) is sent with it."),
        "uploading": _("Sending your report: %(percent)s%% (%(sent)s of %(total)s)"),
        "uploadDone": _("Sent. One moment…"),
        "uploadFailed": _("The report could not be sent. Check your connection and send it again; nothing you "
                          "entered is lost."),
        "noTiles": _("No street map is configured: the map shows the township boundaries. You can still place "
                     "the pin, use your location or search for an address."),
    }
