"""Refusals that happen before any view, and before anything parses a request body.

`RequestGuardMiddleware` sits near the top of MIDDLEWARE, before the CSRF middleware
(the first to read request.POST). In order:

1. process_request, headers only:
   - a Content-Length over the limit of the URL is refused with 413: nothing of the
     body is read, so a 1 GB upload never reaches temporary storage (the proxy's own
     body limit is the first wall, docs/security.md);
   - a NUL character in the path or the query string is refused with 400 (PostgreSQL
     cannot store or compare it: every filter, id and tracking URL crashed with 500).
2. process_view, once the view is known but before CSRF parses the body:
   - views marked `@limit_before_parsing(group)` count the client's request against
     that rate limit and answer 429 without reading the body;
   - then the form body is parsed once: a NUL in any field is refused with 400, and
     other control characters are removed from every field (cases/privacy/text.py),
     for every form and the Open311 POST alike.

Open311 URLs get the spec's error format; other URLs a short page.
"""

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from cases.privacy.text import clean_text, has_control

BODY_METHODS = ("POST", "PUT", "PATCH")
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
OPEN311_PREFIX = "/open311/"


def limit_before_parsing(group: str, *, json: bool = False):
    """Mark a view whose rate limit `group` is checked before its body is read."""

    def mark(view):
        view.rate_limit_group = group
        view.rate_limit_json = json
        return view

    return mark


def body_limit(path: str) -> int:
    """The largest body accepted for `path`: a report with all its photos on the citizens'
    form URLs, PORTAL_MAX_REQUEST_BYTES everywhere else (staff uploads included)."""
    if any(marker in path for marker in ("/report/", "/open311/")):
        return settings.PORTAL_PHOTO_MAX_COUNT * settings.PORTAL_PHOTO_MAX_BYTES + settings.PORTAL_BODY_SLACK_BYTES
    return settings.PORTAL_MAX_REQUEST_BYTES


def _content_length(request) -> int:
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0


def _refuse(request, status: int, message: str) -> HttpResponse:
    if request.path.startswith(OPEN311_PREFIX):
        from cases.api.errors import ApiError, error_response

        fmt = "json" if request.path.rstrip("/").endswith(".json") else "xml"
        return error_response(fmt, ApiError(status, message))
    if status == 413:
        return render(request, "cases/too_large.html", {"count": settings.PORTAL_PHOTO_MAX_COUNT,
                                                        "mb": settings.PORTAL_PHOTO_MAX_BYTES // 1048576},
                      status=413)
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


def _nul_in(params) -> bool:
    return any("\x00" in key or any("\x00" in v for v in values) for key, values in params.lists())


def _bad_text() -> str:
    return _("The request contains a character that is not allowed (NUL).")


class RequestGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _content_length(request) > body_limit(request.path):
            return _refuse(request, 413, _("The request is too large."))
        if "\x00" in request.path_info or "\x00" in request.META.get("QUERY_STRING", "") or _nul_in(request.GET):
            return _refuse(request, 400, _bad_text())
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        group = getattr(view_func, "rate_limit_group", None)
        if group and request.method in BODY_METHODS:
            from cases.views.common import rate_limited, too_many

            if rate_limited(request, group):
                return too_many(request, json=getattr(view_func, "rate_limit_json", False))
        if request.method in BODY_METHODS and request.content_type in FORM_TYPES:
            return self._clean_form(request)
        return None

    def _clean_form(self, request):
        post = request.POST  # the one parse; CSRF and the view reuse it
        if _nul_in(post):
            return _refuse(request, 400, _bad_text())
        if any(has_control(v) for values in post.lists() for v in values[1]):
            cleaned = post.copy()
            for key, values in post.lists():
                cleaned.setlist(key, [clean_text(v) for v in values])
            cleaned._mutable = False
            request.POST = cleaned
        return None
