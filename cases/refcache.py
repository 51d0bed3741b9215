"""Per-process caches of small reference tables (calendar, deadline policies),
invalidated across processes by a version number kept in the shared cache.

Cache invalidation on save/delete is wired in cases.apps; no business logic there.
"""

import time
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db import transaction

# A value is also reloaded after LOCAL_TTL seconds, so an edit whose version bump
# was lost (the cache server was down) reaches every process within that time.
LOCAL_TTL = 300
_local: dict[str, tuple[int, Any, float]] = {}


def version_key(name: str) -> str:
    return f"portal:refcache:{name}"


def cached(name: str, loader: Callable[[], Any]) -> Any:
    hit = _local.get(name)
    version = cache.get(version_key(name)) or 0
    if hit is not None and hit[0] == version and time.monotonic() - hit[2] < LOCAL_TTL:
        return hit[1]
    value = loader()
    _local[name] = (version, value, time.monotonic())
    return value


def invalidate(name: str) -> None:
    """Now and again after the surrounding transaction commits: a process that reloads
    between the two (it still reads the old rows) is corrected by the second bump."""
    _bump(name)
    if transaction.get_connection().in_atomic_block:  # outside one, on_commit would bump again at once
        transaction.on_commit(lambda: _bump(name))


def _bump(name: str) -> None:
    _local.pop(name, None)
    try:
        cache.incr(version_key(name))
    except ValueError:
        cache.set(version_key(name), 1, None)


PUBLIC_DATA = "public-data"


def version(name: str) -> int:
    """The shared version of `name` (0 when never bumped or while the cache is down)."""
    return cache.get(version_key(name)) or 0


def public_data_changed(**_kwargs) -> None:
    """Programme, reference or batch data shown on the public pages changed: the
    cached public pages (cms.pagecache) are rebuilt on the next request."""
    invalidate(PUBLIC_DATA)
