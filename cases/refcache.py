"""Per-process caches of small reference tables (calendar, deadline policies),
invalidated across processes by a version number kept in the shared cache.

Cache invalidation on save/delete is wired in cases.apps; no business logic there.
"""

from collections.abc import Callable
from typing import Any

from django.core.cache import cache

_local: dict[str, tuple[int, Any]] = {}


def _version_key(name: str) -> str:
    return f"portal:refcache:{name}"


def cached(name: str, loader: Callable[[], Any]) -> Any:
    hit = _local.get(name)
    version = cache.get(_version_key(name)) or 0
    if hit is not None and hit[0] == version:
        return hit[1]
    value = loader()
    _local[name] = (version, value)
    return value


def invalidate(name: str) -> None:
    _local.pop(name, None)
    try:
        cache.incr(_version_key(name))
    except ValueError:
        cache.set(_version_key(name), 1, None)


PUBLIC_DATA = "public-data"


def version(name: str) -> int:
    """The shared version of `name` (0 when never bumped or while the cache is down)."""
    return cache.get(_version_key(name)) or 0


def public_data_changed(**_kwargs) -> None:
    """Programme, reference or batch data shown on the public pages changed: the
    cached public pages (cms.pagecache) are rebuilt on the next request."""
    invalidate(PUBLIC_DATA)
