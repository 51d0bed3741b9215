"""Open311 GeoReport v2 views. Thin: parse, call one service, render.

Every view goes through `endpoint()`, which answers in the spec's error format
for every failure: unsupported format, wrong method, bad or missing api_key,
rate limit, invalid input, unknown resource, and any unexpected exception
(500) — never a Django error page.
"""

import logging
import re
from functools import wraps

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.http import FileResponse, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django_ratelimit.decorators import ratelimit

from cases.deadlines import running_clock
from cases.models import ApiClient, Case, ClockKind, Photo
from portal.clientip import client_ip

from . import keys, queries, services, submit
from .errors import ApiError, bad_request, error_response, forbidden, not_found
from .renderers import FORMATS, Many, render
from .serializers import serialize_case, shows_details, w3c, with_relations
from .updates import service_request_updates

log = logging.getLogger("portal.open311")
DEFAULT_RATE = "60/m"
_RATE = re.compile(r"^\d+/\d*[smhd]$")
_UNSET = object()


def _key_param(request: HttpRequest) -> str:
    # The spec sends api_key in the form body; some clients put it in the query string.
    return ((request.POST.get("api_key") if request.method == "POST" else None)
            or request.GET.get("api_key") or "").strip()


def found_client(request: HttpRequest) -> ApiClient | None:
    """The client whose key came with the request (active or not), looked up once."""
    cached = getattr(request, "_open311_client", _UNSET)
    if cached is _UNSET:
        cached = keys.lookup(_key_param(request)) if _key_param(request) else None
        request._open311_client = cached
    return cached


def check_key(request: HttpRequest, required: bool) -> ApiClient | None:
    """403 for a missing (when required), unknown or disabled api_key (the spec's rule)."""
    if not _key_param(request):
        if required:
            raise forbidden(_("api_key was not provided -- can't proceed with create_request."))
        return None
    client = found_client(request)
    if client is None:
        raise forbidden(_("Invalid api_key received."))
    if not client.is_active:
        raise forbidden(_("This api_key has been disabled."))
    return client


def rate_key(group: str, request: HttpRequest) -> str:
    client = found_client(request)
    if client is not None:
        return f"client:{client.pk}:{client.key_prefix}"
    return f"ip:{client_ip(request)}"  # behind the proxy too (portal/clientip.py)


def rate_for(group: str, request: HttpRequest) -> str:
    client = found_client(request)
    rate = client.rate_limit if client is not None else getattr(settings, "OPEN311_ANONYMOUS_RATE", "300/m")
    return rate if _RATE.match(rate or "") else DEFAULT_RATE


def _answer(request: HttpRequest, fmt: str, formats: tuple[str, ...], allowed: set[str], call) -> HttpResponse:
    try:
        if fmt not in formats:
            raise bad_request(_("Format %(format)s is not supported: use xml or json.") % {"format": fmt})
        if request.method not in allowed:
            response = error_response(fmt, ApiError(405, _("Method %(method)s is not allowed here.")
                                                    % {"method": request.method}))
            response["Allow"] = ", ".join(sorted(allowed))
            return response
        return call()
    except ApiError as error:
        return error_response(fmt, error)
    except SuspiciousOperation as exc:  # too many fields, body too large, bad multipart
        log.warning("Open311 %s %s refused: %s", request.method, request.path, exc)
        return error_response(fmt, bad_request(_("The request is too large or malformed.")))
    except Exception:  # the spec's format even for a bug, never an HTML page
        log.exception("Open311 %s %s failed", request.method, request.path)
        return error_response(fmt, ApiError(500, _("Internal error; the city's portal team has been notified. "
                                                   "Please try again later.")))


def endpoint(*methods: str, formats: tuple[str, ...] = FORMATS):
    """Format and method checks, api_key check, per-key rate limit, spec errors."""
    allowed = set(methods) | ({"HEAD"} if "GET" in methods else set())

    def decorator(view):
        @ratelimit(group="open311", key=rate_key, rate=rate_for, block=False)
        def limited(request, **kwargs):
            check_key(request, required=False)
            if getattr(request, "limited", False):
                raise ApiError(429, _("Too many requests for this api_key; slow down and try again later."))
            return view(request, **kwargs)

        @csrf_exempt
        @wraps(view)
        def wrapper(request: HttpRequest, fmt: str = "xml", **kwargs) -> HttpResponse:
            fmt = fmt.lower()
            # The site pins unprefixed URLs to Chinese; API clients choose with Accept-Language.
            with translation.override(translation.get_language_from_request(request)):
                return _answer(request, fmt, formats, allowed, lambda: limited(request, fmt=fmt, **kwargs))

        return wrapper

    return decorator


def endpoint_url(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("open311-discovery", kwargs={"fmt": "xml"})).rsplit("/", 1)[0]


@endpoint("GET")
def discovery(request, fmt):
    return render(fmt, "discovery", services.discovery(endpoint_url(request)))


@endpoint("GET")
def service_list(request, fmt):
    return render(fmt, "services", services.service_list())


@endpoint("GET")
def service_definition(request, fmt, service_code):
    category = services.find_service(service_code)
    if category is None:
        raise not_found(_("service_code %(code)s was not found.") % {"code": service_code})
    return render(fmt, "service_definition", services.service_definition(category))


@endpoint("GET", "POST")
def service_requests(request, fmt):
    if request.method == "POST":
        return _create(request, fmt)
    qs, page = queries.request_queryset(request.GET, timezone.now())
    if page is not None:
        qs = qs[page.offset:page.offset + page.size]
    cases = with_relations(qs)
    return render(fmt, "service_requests", Many("request", [serialize_case(c, request) for c in cases]))


def _create(request, fmt):
    client = check_key(request, required=True)
    parsed = submit.parse_post(request, client)
    result = submit.submit(parsed)
    case = result.case
    return render(fmt, "service_requests", Many("request", [{
        "service_request_id": case.reference,
        "service_notice": _post_notice(case),
        "account_id": None,  # the portal has no user accounts for reporters
    }]))


def _post_notice(case: Case) -> str:
    clock = running_clock(case, ClockKind.ACKNOWLEDGE)
    if clock is None:
        return _("Your report %(ref)s was received.") % {"ref": case.reference}
    return _("Your report %(ref)s was received. The city will tell you by %(date)s whether it is accepted.") % {
        "ref": case.reference, "date": w3c(clock.due_at)}


def _case_or_404(reference: str) -> Case:
    case = with_relations(Case.objects.filter(reference=reference.upper())).first()
    if case is None:
        raise not_found(_("service_request_id %(id)s was not found.") % {"id": reference})
    return case


@endpoint("GET")
def service_request(request, fmt, request_id):
    case = _case_or_404(request_id)
    return render(fmt, "service_requests", Many("request", [serialize_case(case, request)]))


@endpoint("GET")
def token(request, fmt, token):
    """Every service is realtime, so no tokens are issued; a service_request_id is
    accepted as its own token so clients written for batch services still work."""
    case = Case.objects.filter(reference=token.upper()).only("reference").first()
    if case is None:
        raise not_found(_("token %(token)s was not found.") % {"token": token})
    return render(fmt, "service_requests", Many("request", [{"service_request_id": case.reference,
                                                             "token": token}]))


@endpoint("GET")
def request_updates(request, fmt):
    return render(fmt, "service_requests_updates", service_request_updates(request.GET, timezone.now()))


@endpoint("GET", formats=("jpg",))
def media(request, fmt, photo_id):
    """The redacted public copy of a photo: only when the photo and its case are public."""
    photo = Photo.objects.select_related("case").filter(pk=photo_id, is_public=True).first()
    if photo is None or not shows_details(photo.case) or not photo.image:
        raise not_found(_("media %(id)s was not found.") % {"id": photo_id})
    response = FileResponse(photo.image.open("rb"), content_type="image/jpeg")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "public, max-age=300"
    return response


@csrf_exempt
def not_an_endpoint(request, path=""):
    fmt = "json" if path.lower().endswith(".json") else "xml"
    return error_response(fmt, not_found(_("There is no Open311 resource at this URL.")))

