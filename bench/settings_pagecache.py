"""EXPERIMENT ONLY, not a deployment profile: `bench/run.py --server-settings
bench.settings_pagecache` serves the portal with Django's per-site cache for
anonymous GETs (30 s), to size what a page cache would give (docs/performance.md).

It is not the fix: it has no invalidation on publish or on case changes (the issue
asks for both) — that belongs in cms/, keyed like cms/caching.py.
"""

from portal.settings.production import *  # noqa: F403
from portal.settings.production import MIDDLEWARE

MIDDLEWARE = ["django.middleware.cache.UpdateCacheMiddleware", *MIDDLEWARE,
              "django.middleware.cache.FetchFromCacheMiddleware"]
CACHE_MIDDLEWARE_SECONDS = 30
CACHE_MIDDLEWARE_KEY_PREFIX = "bench-pages"
