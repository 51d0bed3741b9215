"""Per-process memory of how a public URL routes to a page, for rendered pages.

Wagtail's page view finds the site (one query), the root page and every page on the
path (two queries per level: the child, then its specific row) and the view
restrictions of the page and its ancestors (two more) before anything is rendered:
5–9 queries of a public page's render were routing (docs/performance.md). The result
is the same for every anonymous visitor until a page is published, unpublished,
moved, deleted or made private, each of which bumps the content version
(cms/signals.py), so it is kept here keyed by host, path and that version.

Wagtail reads ``request._wagtail_site`` and ``request._wagtail_route_for_request``
when they are set; that is the whole interface. Only pages without any view
restriction are kept, and their restriction check is answered without a query
(``_no_restrictions``). The page objects are shared by the threads of a process and
only read while serving. A process that did not see a version bump (local-memory
cache, several web processes) drops its entries after ``TTL`` seconds, the same
bound as the page cache's.
"""

from __future__ import annotations

import threading
import time

from wagtail.models import Page, PageViewRestriction

TTL = 60.0
MAX_ENTRIES = 5000
_entries: dict[tuple, tuple[float, object, object]] = {}
# The site of a host, for views outside Wagtail's page tree that still show the site's
# menu (the site search): the same version and TTL as the routes.
_sites: dict[tuple, tuple[float, object]] = {}
_lock = threading.Lock()


def _no_restrictions():
    return PageViewRestriction.objects.none()


def _key(request, version: str) -> tuple:
    return request.get_host(), request.path_info, version


def seed(request, version: str) -> bool:
    """Put a remembered site and route on the request; True when there was one."""
    entry = _entries.get(_key(request, version))
    if entry is None or entry[0] < time.monotonic():
        return False
    _expires, site, route = entry
    request._wagtail_site = site
    request._wagtail_route_for_request = route
    return True


def remember(request, version: str) -> None:
    """After Wagtail served the request: keep its site and route if the page is public."""
    route = getattr(request, "_wagtail_route_for_request", None)
    site = getattr(request, "_wagtail_site", None)
    if route is None or site is None:
        return
    page = route[0]
    if not isinstance(page, Page) or page.get_view_restrictions().exists():
        return
    page.get_view_restrictions = _no_restrictions  # this shared object only: it has none
    with _lock:
        if len(_entries) >= MAX_ENTRIES:
            _entries.clear()
        _entries[_key(request, version)] = (time.monotonic() + TTL, site, route)


def seed_site(request, version: str) -> bool:
    """Put the remembered site of this host on the request; True when there was one."""
    entry = _sites.get((request.get_host(), version))
    if entry is None or entry[0] < time.monotonic():
        return False
    request._wagtail_site = entry[1]
    return True


def remember_site(request, version: str, site) -> None:
    if site is None:
        return
    with _lock:
        if len(_sites) >= MAX_ENTRIES:
            _sites.clear()
        _sites[(request.get_host(), version)] = (time.monotonic() + TTL, site)


def clear() -> None:
    with _lock:
        _entries.clear()
        _sites.clear()

