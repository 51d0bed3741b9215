"""A Redis cache that fails soft: while Redis is unreachable it behaves as an empty
cache that drops writes, so pages keep serving from the database (Wagtail's own
cache reads included) instead of answering 500.

After a failure the backend stops trying for ``RETRY_AFTER`` seconds (a small circuit
breaker), so an outage costs one refused connection per process every few seconds,
not one per cache call. Every outage is logged once when it starts and once when it
ends; /healthz reports the last error while the breaker is open.

``incr`` keeps Django's contract for a missing key (``ValueError``), which is what a
down cache looks like to callers such as django-ratelimit.
"""

import logging
import pickle
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)
# Unreachable, timed out, read-only after a failover, out of memory, a value that no
# longer unpickles: for the portal each means "no cache right now".
OUTAGE = (RedisError, OSError, pickle.UnpicklingError, EOFError)


class FailSoftRedisCache(RedisCache):
    RETRY_AFTER = 5.0

    def __init__(self, server, params):
        params = {**params, "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1.0,
                                        **params.get("OPTIONS", {})}}
        super().__init__(server, params)
        self._down_until = 0.0
        self.last_error = ""
        self._lock = threading.Lock()

    # --- breaker -------------------------------------------------------------------
    def is_down(self) -> bool:
        return time.monotonic() < self._down_until

    def _call(self, method: str, fallback, *args, **kwargs):
        if self.is_down():
            return fallback()
        try:
            result = getattr(super(), method)(*args, **kwargs)
        except OUTAGE as exc:
            with self._lock:
                if not self.last_error:
                    logger.error("cache server unreachable, serving without it: %s", exc)
                self.last_error = f"{type(exc).__name__}: {exc}"
                self._down_until = time.monotonic() + self.RETRY_AFTER
            return fallback()
        if self.last_error:
            with self._lock:
                if self.last_error:
                    logger.warning("cache server reachable again")
                    self.last_error = ""
        return result

    # --- the cache API -----------------------------------------------------------
    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", lambda: False, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._call("get", lambda: default, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", lambda: None, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", lambda: False, key, timeout, version)

    def delete(self, key, version=None):
        return self._call("delete", lambda: False, key, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", dict, keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", lambda: False, key, version)

    def incr(self, key, delta=1, version=None):
        def missing():
            raise ValueError(f"Key '{key}' not found (cache server unreachable)")
        return self._call("incr", missing, key, delta, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", lambda: list(data), data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", lambda: None, keys, version)

    def clear(self):
        return self._call("clear", lambda: False)
