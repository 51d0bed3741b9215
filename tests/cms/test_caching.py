"""cms.caching.cached(): one computation at a time; the others get the previous value."""

import pytest

from cms.caching import cached

pytestmark = pytest.mark.django_db


def test_a_value_is_computed_once_then_read():
    calls = []
    assert cached("t", lambda: calls.append(1) or "v1", "zh") == "v1"
    assert cached("t", lambda: calls.append(1) or "v2", "zh") == "v1"
    assert calls == [1]


def test_while_one_request_computes_the_others_get_the_previous_value(monkeypatch):
    from cms import caching

    assert cached("t", lambda: "old", "zh") == "old"
    monkeypatch.setattr(caching, "case_fingerprint", lambda: "changed")  # a case changed: a new key
    seen = []

    def compute():
        # Another request arrives while this one computes: it must not compute too.
        seen.append(cached("t", lambda: pytest.fail("computed twice at once"), "zh"))
        return "new"

    assert cached("t", compute, "zh") == "new"
    assert seen == ["old"]
    assert cached("t", lambda: pytest.fail("not cached"), "zh") == "new"


def test_without_a_previous_value_everyone_computes(monkeypatch):
    from cms import caching

    monkeypatch.setattr(caching, "case_fingerprint", lambda: "first")
    inner = []

    def compute():
        inner.append(cached("u", lambda: "computed inside", "en"))
        return "outer"

    assert cached("u", compute, "en") == "outer"
    assert inner == ["computed inside"]
