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
from tests.resilience.conftest import closed_port, report_data, stored_files, upload

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


@pytest.mark.parametrize("path", ["/report/", "/en/report/", "/track/", "/privacy/"])
def test_citizen_pages_keep_serving(client, site, path):
    with redis_down():
        assert client.get(path).status_code == 200, path


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


def test_a_report_is_stored_whole_or_not_at_all_and_never_twice(client, site, settings):
    client.raise_request_exception = False
    data = report_data(site)
    with redis_down():
        first = client.post("/en/report/", {**data, "photos": [upload()]})
        assert b"Traceback" not in first.content and b"ConnectionError" not in first.content
        assert saved(settings) in {(0, 0, 0, 0), (1, 1, 1, 3)}  # never a case without its photo files
        client.post("/en/report/", {**data, "photos": [upload()]})  # the citizen presses send again
        assert Case.objects.count() <= 1
    again = client.post("/en/report/", {**data, "photos": [upload()]})  # Redis back, same form
    assert again.status_code == 302
    assert saved(settings) == (1, 1, 1, 3)


@pytest.mark.parametrize("path,status", [("/", 200), ("/en/", 200), ("/no-such-page/", 404)])
def test_public_pages_keep_serving(client, site, path, status):
    """Wagtail itself reads the default cache (Site.get_site_root_paths); before the
    fail-soft backend the home page answered 500 while Redis was down."""
    client.raise_request_exception = False
    with redis_down():
        response = client.get(path)
    assert response.status_code == status, path


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
