"""Redis stops (scale-out profile: cache and rate-limit counters live there).

Simulated by pointing both cache aliases at a Redis URL on a closed port.

What the citizen sees: the report form, the tracking form and the privacy notice keep
serving (the rate limiter and the township index fall back when the cache is down).
A report sent during the outage is stored whole — the case with all its photos and
files — or not at all, and sending the same form again never makes a second case.
The confirmation page shows the reference and access code (the session carries the
code when the cache cannot). /healthz reports the cache as degraded so operators see
it, while /readyz keeps the node in the load balancer. The CMS pages keep serving too: the cache backend fails soft (portal/cache.py), so
Wagtail's own cache reads miss instead of raising.
"""

import json
import re

import pytest
from django.test import override_settings

from cases.intake import check_access_code
from cases.models import Case, Photo, ReporterIdentity
from tests import factories as f
from tests.net import closed_port
from tests.resilience.conftest import report_data, stored_files, upload

pytestmark = pytest.mark.django_db


def redis_down() -> override_settings:
    url = f"redis://127.0.0.1:{closed_port()}/0"
    return override_settings(CACHES={
        "default": {"BACKEND": "portal.cache.FailSoftRedisCache", "LOCATION": url},
        "ratelimit": {"BACKEND": "portal.cache.FailSoftRedisCache", "LOCATION": url},
    })


@pytest.fixture
def site(db, city):
    f.site_home()
    return city


@pytest.mark.parametrize("path, content", [
    ("/report/", 'name="description"'), ("/en/report/", '<html lang="en">'),
    ("/track/", 'name="access_code"'), ("/privacy/", "<h1>隐私声明</h1>"),
])
def test_citizen_pages_keep_serving(client, site, path, content):
    with redis_down():
        response = client.get(path)
    assert response.status_code == 200, path
    assert content in response.content.decode(), path  # the page itself, not an error page with status 200


def test_health_check_names_the_cache_but_the_node_stays_ready(client, site):
    with redis_down():
        response = client.get("/healthz")
        ready = client.get("/readyz")
    assert response.status_code == 200 and ready.status_code == 200
    body = json.loads(response.content)
    assert body["status"] == "degraded"
    assert body["checks"]["cache"]["status"] == "degraded" and body["checks"]["cache"]["reason"]


def saved(settings) -> tuple[int, int, int, int]:
    return (Case.objects.count(), ReporterIdentity.objects.count(), Photo.objects.count(),
            len(stored_files(settings)))


def test_a_report_sent_during_the_outage_is_stored_whole_and_never_twice(client, site, settings,
                                                                         django_capture_on_commit_callbacks):
    client.raise_request_exception = False
    data = report_data(site)
    with redis_down():
        with django_capture_on_commit_callbacks(execute=True):  # and the worker's task (inline in tests)
            first = client.post("/en/report/", {**data, "photos": [upload()]})
        # The cache fails soft, so the report is filed during the outage: the case, the
        # identity, the photo row and its three files (the original stored by the request,
        # the copy and the thumbnail made by the worker), and the case is routed.
        assert first.status_code == 302, first.content[:300]
        assert saved(settings) == (1, 1, 1, 3)
        assert Case.objects.get().state == "assigned" and Photo.objects.get().state == "ready"
        resent = client.post("/en/report/", {**data, "photos": [upload()]})  # the citizen presses send again
        assert resent.status_code == 302
        assert saved(settings) == (1, 1, 1, 3)
    again = client.post("/en/report/", {**data, "photos": [upload()]})  # Redis back, same form
    assert again.status_code == 302
    assert saved(settings) == (1, 1, 1, 3)


@pytest.mark.parametrize("path, status, content", [
    ("/", 200, '<html lang="zh-hans">'), ("/en/", 200, '<html lang="en">'),
    ("/no-such-page/", 404, "<h1>页面不存在</h1>"),
])
def test_public_pages_keep_serving(client, site, path, status, content):
    """Wagtail itself reads the default cache (Site.get_site_root_paths); before the
    fail-soft backend the home page answered 500 while Redis was down."""
    client.raise_request_exception = False
    with redis_down():
        response = client.get(path)
    assert response.status_code == status, path
    assert content in response.content.decode(), path  # the page itself, not the error page


def test_the_citizen_gets_the_reference_and_access_code_during_the_outage(client, site):
    """Without it the case was saved but the citizen got a 500 page and no access code,
    and a fresh form would have filed the same problem twice."""
    client.raise_request_exception = False
    with redis_down():
        response = client.post("/en/report/", report_data(site), follow=True)
        assert response.status_code == 200
        case = Case.objects.get()
        page = response.content.decode()
    assert case.reference in page
    shown = re.search(r'id="access-code">([^<]+)<', page)
    assert shown and check_access_code(case, shown.group(1))  # the code that opens this case
