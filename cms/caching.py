"""Caching of the public data views (live counters, dashboard, map data).

Invalidation, given that `cases` never imports `cms` (docs/architecture.md rule 10):

* Case data: every cache key includes the case-data token (cases/casedata.py), a
  value in the cache renewed after every write to the case table (new cases, every
  transition, the sweep's flags, deadline refreshes, publicity, bulk updates, deletes;
  caught at the SQL level). So a changed case gives a new key on the very next
  request, and a cache hit asks the database nothing.
* Every transition, intake, sweep and programme change also bumps the shared
  public-data version (cases.refcache) on commit; it is part of the key as well.
* What bypasses both (an edit of reference data such as a category name) is caught
  by the short timeout, ``DATA_TIMEOUT`` seconds.
* Page content: a version token bumped by the ``page_published`` and
  ``page_unpublished`` signals (cms/signals.py) is part of every key too.
* Task counters are not cached at all: 18 rows, one aggregate.

The cache is an accelerator only: when it fails (Redis down) every value is computed
from the database and the public pages keep serving (docs/product.md §8).
"""

import hashlib
import logging
import uuid
from collections.abc import Callable
from typing import Any

from django.core.cache import cache

from cases import casedata, refcache

CONTENT_VERSION_KEY = "cms:content-version"
DATA_TIMEOUT = 60
STALE_TIMEOUT = 600  # the previous value, served only while a request computes the new one
COMPUTE_LOCK_SECONDS = 60
UNAVAILABLE = "no-cache"
# The query parameters the public pages read (filters and pagination): part of the
# page cache's and the fragments' keys; any other parameter is ignored by both.
PARAMETERS = frozenset({"page", "category", "township", "state", "year", "tag", "unit", "status"})
log = logging.getLogger(__name__)


def content_version() -> str:
    # While the cache server is down (portal.cache.FailSoftRedisCache) every read
    # misses: UNAVAILABLE makes callers compute from the database.
    version = cache.get(CONTENT_VERSION_KEY)
    if version is None:
        cache.add(CONTENT_VERSION_KEY, uuid.uuid4().hex[:12], None)
        version = cache.get(CONTENT_VERSION_KEY)
    return version or UNAVAILABLE


def versions() -> tuple[str, int]:
    """The content version and the public-data version (cases.refcache) in one cache
    round trip."""
    version, data_version, _token = freshness_keys()
    return version, data_version


def freshness_keys() -> tuple[str, int, str]:
    """The content version, the public-data version (cases.refcache) and the case-data
    token (cases.casedata) in one cache round trip: the page cache reads them on every
    anonymous page request, and a hit needs nothing else."""
    casedata.retry_lost()
    data_key = refcache.version_key(refcache.PUBLIC_DATA)
    found = cache.get_many([CONTENT_VERSION_KEY, data_key, casedata.KEY])
    version = found.get(CONTENT_VERSION_KEY) or content_version()
    if version == UNAVAILABLE:
        return UNAVAILABLE, 0, UNAVAILABLE
    token = found.get(casedata.KEY) or casedata.token()
    if token is None:
        return UNAVAILABLE, 0, UNAVAILABLE
    return version, found.get(data_key) or 0, token


def bump_content_version() -> None:
    cache.set(CONTENT_VERSION_KEY, uuid.uuid4().hex[:12], None)


def case_fingerprint() -> str:
    """The case-data token (cases/casedata.py): renewed after every write to the case
    table. ``UNAVAILABLE`` while the cache server is down."""
    return casedata.token() or UNAVAILABLE


def cached(name: str, compute: Callable[[], Any], *parts, timeout: int = DATA_TIMEOUT,
           case_data: bool = True) -> Any:
    """`compute()` cached under a key made of `name`, the content version, the case
    fingerprint (unless `case_data` is False: page lists depend on pages only) and
    `parts` (e.g. the language, filters).

    One computation at a time: on a busy site every case change makes a new key, and
    the dashboard's charts took seconds at 100,000 cases, so every request arriving
    meanwhile computed them too (8 connections: 30-s answers, docs/performance.md).
    While one request computes, the others get the previous value for the same
    `name` and `parts` (``STALE_TIMEOUT``); without one they compute as before."""
    version = content_version()
    if version == UNAVAILABLE:
        return compute()
    data = "-"
    if case_data:
        fingerprint = case_fingerprint()
        if fingerprint == UNAVAILABLE:
            return compute()
        data = f"{fingerprint}:{refcache.version(refcache.PUBLIC_DATA)}"
    raw = "|".join([version, data, *map(str, parts)])
    key = f"cms:{name}:{hashlib.sha1(raw.encode()).hexdigest()}"
    value = cache.get(key)
    if value is not None:
        return value
    last_key = f"cms:{name}:last:{hashlib.sha1('|'.join(map(str, parts)).encode()).hexdigest()}"
    return compute_once(key, last_key, compute, timeout)


def compute_once(key: str, last_key: str, compute: Callable[[], Any], timeout: int) -> Any:
    """`compute()` stored under `key` (and `last_key`, longer), by one request at a
    time: while it computes, the others get the value last stored under `last_key`
    (when there is none they compute as well)."""
    lock_key = f"{key}:computing"
    if not cache.add(lock_key, 1, COMPUTE_LOCK_SECONDS):
        last = cache.get(last_key)
        if last is not None:
            return last
    try:
        value = compute()
        cache.set(key, value, timeout)
        cache.set(last_key, value, STALE_TIMEOUT)
    finally:
        cache.delete(lock_key)
    return value
