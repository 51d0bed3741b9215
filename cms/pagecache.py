"""Whole-response cache for anonymous visitors of the public CMS pages.

The public pages (home with its live counters, news, typical cases, the task ledger,
the public case list and the rest served by Wagtail) are the same for every visitor
without a session. This is the first middleware: a hit returns the stored response
before any other layer runs (security, CSP, whitenoise, session, locale, CSRF,
authentication, Wagtail), and what is stored is the response as those layers left it,
security and CSP headers included. Plain-HTTP requests that must be redirected to
HTTPS are never answered from here. The three freshness keys cost one cache round
trip (``freshness_keys()``) and a hit one more (the page): a hit asks the database
nothing, not even the health check of a kept connection. A miss seeds Wagtail's
routing from cms/routecache.py.

Freshness (cms/caching.py): the key holds the content version (bumped on publish,
unpublish, move and delete), the case-data token (cases/casedata.py: renewed after
every write to the case table) and the public-data version (cases.refcache: tasks,
milestones, meetings, spot checks, categories, departments, townships, batches), so a published page, a changed case or
a written-off task shows on the very next request; anything else (an edited image)
within ``DATA_TIMEOUT`` seconds.

Never cached: requests carrying a session or messages cookie (signed-in staff and
editors, a citizen following a report), anything but GET, URLs with query parameters
the pages do not read, responses that set a cookie or say private / no-store /
no-cache, and anything not served by Wagtail's page view. While the cache server is
down every request is a miss.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import cc_delim_re

from cms import fragments, routecache
from cms.caching import DATA_TIMEOUT, PARAMETERS, UNAVAILABLE, freshness_keys

SERVED_BY = "wagtail_serve"
UNCACHEABLE = {"private", "no-store", "no-cache"}
HIT_HEADER = "X-Page-Cache"
# A URL with a query parameter the pages do not read (cms.caching.PARAMETERS) is served
# but not stored, so random query strings cannot fill the cache (which in production
# shares Redis with the rate-limit counters).
MAX_PARAMETER_LENGTH = 40
# Never Wagtail pages: skip the key lookups for them.
NOT_PAGES = ("/report/", "/track/", "/open311/", "/healthz", "/livez", "/readyz", "/admin/", "/django-admin/",
             "/static/", "/media/", "/documents/", "/i18n/", "/search/", "/__bench__/", "/favicon.ico", "/robots.txt")


def _anonymous_page_get(request) -> bool:
    if request.method != "GET":
        return False
    if settings.SECURE_SSL_REDIRECT and not request.is_secure():
        return False  # SecurityMiddleware, further in, answers with the redirect
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or "messages" in cookies:
        return False  # signed-in staff, editors, a citizen following a report
    path = request.path_info
    return not (path.startswith(NOT_PAGES) or (path.startswith("/en/") and path[3:].startswith(NOT_PAGES)))


def _storable_query(request) -> bool:
    return all(key in PARAMETERS and all(len(v) <= MAX_PARAMETER_LENGTH for v in request.GET.getlist(key))
               for key in request.GET)


def _key(request, version: str, fingerprint: str, data_version: int) -> str:
    raw = "|".join([version, fingerprint, str(data_version), request.get_host(), request.get_full_path()])
    return f"cms:page:{hashlib.sha1(raw.encode()).hexdigest()}"


def _served_by_wagtail(request, response) -> bool:
    match = getattr(request, "resolver_match", None)
    return match is not None and match.url_name == SERVED_BY and response.status_code == 200


def _storable(request, response) -> bool:
    if not _served_by_wagtail(request, response):
        return False
    if response.streaming or response.cookies or response.has_header("Set-Cookie"):
        return False
    directives = {d.split("=")[0].strip().lower() for d in cc_delim_re.split(response.get("Cache-Control", ""))}
    return not directives & UNCACHEABLE


class PublicPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _anonymous_page_get(request):
            return self.get_response(request)
        version, data_version, fingerprint = freshness_keys()
        if version == UNAVAILABLE:
            return self.get_response(request)
        fragments.remember(request, version, fingerprint, data_version)  # the same keys for the page's fragments
        key = _key(request, version, fingerprint, data_version) if _storable_query(request) else None
        if key is not None:
            stored = cache.get(key)
            if stored is not None:
                status, headers, content = stored
                response = HttpResponse(content, status=status)
                for name, value in headers:
                    response.headers[name] = value
                response.headers[HIT_HEADER] = "hit"
                return response
        routed = routecache.seed(request, version)
        response = self.get_response(request)
        if not routed and _served_by_wagtail(request, response):
            routecache.remember(request, version)
        if key is not None and _storable(request, response):
            headers = [(k, v) for k, v in response.items() if k.lower() not in ("set-cookie", HIT_HEADER.lower())]
            cache.set(key, (response.status_code, headers, response.content), DATA_TIMEOUT)
            response.headers[HIT_HEADER] = "miss"
        return response
