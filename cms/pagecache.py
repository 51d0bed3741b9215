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

Each process also keeps the pages it served lately (``LocalPages``, at most
``LOCAL_TIMEOUT`` seconds and ``LOCAL_MAX_BYTES``): the key holds all three freshness
keys, so a local copy is served only while nothing it depends on has changed, and a hit
is then one cache round trip instead of two (on Redis the page's read was most of a hit
for a large page such as the ledger). What the keys do not track (an edited image) can
thus show up to ``DATA_TIMEOUT + LOCAL_TIMEOUT`` seconds late instead of ``DATA_TIMEOUT``.

Never cached: requests carrying a session or messages cookie (signed-in staff and
editors, a citizen following a report), anything but GET, URLs with query parameters
the pages do not read, responses that set a cookie or say private / no-store /
no-cache, and anything not served by Wagtail's page view. While the cache server is
down every request is a miss.
"""

import hashlib
import threading
import time
from collections import OrderedDict

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


LOCAL_TIMEOUT = 10  # seconds a process serves its own copy of a stored page
LOCAL_MAX_BYTES = 16 * 1024 * 1024  # per process; least recently used pages go first


class LocalPages:
    """The pages this process served lately, by their full key (freshness keys included)."""

    def __init__(self, max_bytes: int = LOCAL_MAX_BYTES, timeout: float = LOCAL_TIMEOUT) -> None:
        self.max_bytes, self.timeout = max_bytes, timeout
        self._items: OrderedDict[str, tuple[float, tuple, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: str):
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return None
            if item[0] < time.monotonic():
                self._drop(key)
                return None
            self._items.move_to_end(key)
            return item[1]

    def set(self, key: str, stored: tuple) -> None:
        size = len(stored[2])
        if size > self.max_bytes // 8:
            return  # a page that large is read from the shared cache each time
        with self._lock:
            if key in self._items:
                self._drop(key)
            self._items[key] = (time.monotonic() + self.timeout, stored, size)
            self._bytes += size
            while self._bytes > self.max_bytes:
                self._drop(next(iter(self._items)))

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0

    def _drop(self, key: str) -> None:
        self._bytes -= self._items.pop(key)[2]


local_pages = LocalPages()


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
            stored = local_pages.get(key)
            if stored is None:
                stored = cache.get(key)
                if stored is not None:
                    local_pages.set(key, stored)
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
            stored = (response.status_code, headers, response.content)
            cache.set(key, stored, DATA_TIMEOUT)
            local_pages.set(key, stored)
            response.headers[HIT_HEADER] = "miss"
        return response
