"""Cached fragments of rendered public pages (docs/performance.md, "Fragments").

A rendered page (a page cache miss, or a URL the page cache does not store) still
routes, loads its page, runs its view and renders its layout, section menu and page
fields; the expensive computed block inside it — the ledger's status counts, wall
chart and table, the dashboard's counters and charts, a batch table, a list of news,
stories or public cases with its filters and pagination — is rendered once per data
version and read back as HTML by the ``{% fragment %}`` tag (cms.templatetags.cms_tags).

The data behind a fragment is computed only when its HTML is missing: the view puts
a callable under ``DEFERRED`` in the template context and the tag calls it on a miss,
so a hit runs none of that block's queries.

Key: the fragment's name, the content version (bumped on publish, unpublish, move,
delete), the case-data token (cases/casedata.py: every case change), the
public-data version (tasks, milestones, batches, reference data; cases.refcache), the
language, the host, the path and the query parameters the pages read (filters and
page number). These are the page cache's own freshness keys (cms/pagecache.py), read
once per request; so a write that shows on a cached page shows in its fragments on
the next request too, and anything that bypasses them within ``DATA_TIMEOUT``
seconds. One request renders a missing fragment; requests arriving meanwhile get the
page's previous HTML (``cms.caching.compute_once``). While the cache server is down
every fragment is rendered.
"""

import hashlib
from collections.abc import Callable

from django.core.cache import cache
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from cms.caching import DATA_TIMEOUT, PARAMETERS, UNAVAILABLE, compute_once, freshness_keys

DEFERRED = "deferred"
_STAMP = "_cms_fragment_stamp"


def freshness(request) -> str:
    """The request's freshness stamp, computed once: the page cache middleware leaves
    its versions and fingerprint on the request (``remember``), so usually no extra
    round trip is made here."""
    stamp = getattr(request, _STAMP, None)
    if stamp is None:
        version, data_version, fingerprint = freshness_keys()
        stamp = UNAVAILABLE if version == UNAVAILABLE else f"{version}|{fingerprint}|{data_version}"
        setattr(request, _STAMP, stamp)
    return stamp


def content_version_of(request) -> str:
    """The content version read with this request's freshness stamp (``UNAVAILABLE``
    while the cache server is down)."""
    return freshness(request).split("|", 1)[0]


def remember(request, version: str, fingerprint: str, data_version: int) -> None:
    setattr(request, _STAMP, UNAVAILABLE if version == UNAVAILABLE else f"{version}|{fingerprint}|{data_version}")


def _query(request) -> str:
    return "&".join(f"{k}={v}" for k in sorted(request.GET) if k in PARAMETERS for v in request.GET.getlist(k))


def deferred(compute: Callable[..., dict], *args) -> dict:
    """Template context whose values `compute(*args)` makes only when a fragment of the
    page is missing from the cache."""
    return {DEFERRED: lambda: compute(*args)}


def render(request, name: str, produce: Callable[[], str], *parts) -> SafeString:
    """The fragment `name` of this request's page: from the cache, or `produce()`."""
    if request is None:
        return mark_safe(produce())
    stamp = freshness(request)
    if stamp == UNAVAILABLE:
        return mark_safe(produce())
    where = "|".join([name, get_language() or "", request.get_host(), request.path, _query(request),
                      *map(str, parts)])
    # The local date too: the ledger's and the dashboard's statuses and "today" marker move with it.
    key = f"cms:fragment:{_digest(f'{where}|{stamp}|{timezone.localdate()}')}"
    html = cache.get(key)
    if html is None:
        # One request renders a missing fragment; requests arriving meanwhile get this
        # page's previous HTML (when there is one) instead of all computing it at once.
        html = compute_once(key, f"cms:fragment:last:{_digest(where)}", lambda: str(produce()), DATA_TIMEOUT)
    return mark_safe(html)


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()
