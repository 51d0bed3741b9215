"""portal.cache.FailSoftRedisCache against a real Redis and against a closed port."""

import logging
import os
import time

import pytest

from portal.cache import FailSoftRedisCache
from tests.net import closed_port


def backend(url: str) -> FailSoftRedisCache:
    return FailSoftRedisCache(url, {"KEY_PREFIX": f"t{time.monotonic_ns()}"})


def test_a_down_server_looks_like_an_empty_cache_that_drops_writes(caplog):
    cache = backend(f"redis://127.0.0.1:{closed_port()}/0")
    with caplog.at_level(logging.ERROR, logger="portal.cache"):
        cache.set("k", "v")
        assert cache.get("k", "fallback") == "fallback"
        assert cache.add("k", "v") is False and cache.get_many(["k"]) == {} and cache.has_key("k") is False
        assert cache.delete("k") is False and cache.set_many({"a": 1}) == ["a"]
        with pytest.raises(ValueError):
            cache.incr("k")  # Django's contract for a missing key
        assert cache.get_or_set("g", lambda: 42) == 42
    assert cache.is_down() and "ConnectionError" in cache.last_error
    assert len([r for r in caplog.records if r.levelno == logging.ERROR]) == 1  # logged once per outage


def test_the_breaker_stops_trying_then_retries(monkeypatch):
    cache = backend(f"redis://127.0.0.1:{closed_port()}/0")
    cache.get("k")
    calls = []
    monkeypatch.setattr("django.core.cache.backends.redis.RedisCache.get",
                        lambda *a, **k: calls.append(a) or "back")
    assert cache.get("k") is None and calls == []  # breaker open: Redis is not asked
    cache._down_until = 0  # RETRY_AFTER elapsed
    assert cache.get("k") == "back" and len(calls) == 1
    assert not cache.is_down() and cache.last_error == ""


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="runs in the PostgreSQL + Redis leg of CI")
def test_a_live_server_is_used_normally():
    cache = backend(os.environ["REDIS_URL"])
    cache.set("k", "v", 30)
    assert cache.add("n", 1, 30) is True and cache.incr("n") == 2
    assert cache.get_many(["k"]) == {"k": "v"} and not cache.is_down()
    cache.delete_many(["k", "n"])
