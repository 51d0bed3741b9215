"""portal/clientip.py: one client address for every rate limit, the lockout and the logs."""

import pytest
from django.conf import settings
from django.core.cache import caches
from django.test import RequestFactory

from portal.clientip import client_ip

PROXY = "10.0.0.1"


@pytest.fixture(autouse=True)
def _fresh_limits():
    caches["ratelimit"].clear()
    yield
    caches["ratelimit"].clear()


def request(**meta):
    return RequestFactory().get("/", REMOTE_ADDR=PROXY, **meta)


def test_without_a_proxy_setting_the_socket_address_counts(settings):
    settings.RATELIMIT_IP_META_KEY = None
    assert client_ip(request(HTTP_X_REAL_IP="1.2.3.4")) == PROXY


def test_behind_the_proxy_the_header_it_sets_counts(settings):
    settings.RATELIMIT_IP_META_KEY = "HTTP_X_REAL_IP"
    assert client_ip(request(HTTP_X_REAL_IP="203.0.113.9")) == "203.0.113.9"
    assert client_ip(request(HTTP_X_REAL_IP="not an address")) == PROXY
    assert client_ip(request()) == PROXY


def test_a_forwarded_list_counts_the_entry_the_proxy_appended(settings):
    settings.RATELIMIT_IP_META_KEY = "HTTP_X_FORWARDED_FOR"
    # The left entries come from the client and can be anything.
    assert client_ip(request(HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")) == "203.0.113.9"


def test_the_lockout_uses_the_same_helper():
    assert settings.AXES_CLIENT_IP_CALLABLE == "portal.clientip.client_ip"


@pytest.mark.django_db
def test_open311_anonymous_limit_counts_each_client_behind_the_proxy(client, settings):
    settings.RATELIMIT_IP_META_KEY = "HTTP_X_REAL_IP"
    settings.OPEN311_ANONYMOUS_RATE = "2/m"

    def get(ip):
        return client.get("/open311/v2/services.json", REMOTE_ADDR=PROXY, HTTP_X_REAL_IP=ip).status_code

    assert [get("203.0.113.1") for _ in range(3)] == [200, 200, 429]
    assert get("203.0.113.2") == 200  # another citizen behind the same proxy is not blocked


@pytest.mark.django_db
def test_citizen_rate_limits_count_each_client_behind_the_proxy(client, settings):
    settings.RATELIMIT_IP_META_KEY = "HTTP_X_REAL_IP"
    settings.PORTAL_RATELIMIT_TRACK = "1/h"

    def post(ip):
        return client.post("/track/", {"reference": "HB", "access_code": "x"}, REMOTE_ADDR=PROXY,
                           HTTP_X_REAL_IP=ip).status_code

    assert [post("203.0.113.1"), post("203.0.113.1")] == [302, 429]  # 302: "not found", then limited
    assert post("203.0.113.2") == 302
