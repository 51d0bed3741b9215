"""Reporter identity and internal notes never appear in any response (docs/product.md §7)."""

import pytest

from cases.models import CaseEvent, Photo
from tests.api.conftest import BASE, INTERNAL, REPORTER, make_public
from tests.api.test_post import form

pytestmark = pytest.mark.django_db
SECRETS = [*REPORTER.values(), "10.9.8.7", *INTERNAL.values(), "夜间有刺鼻气味",  # the raw citizen text
           "赵某", "前员工", "13900000000", "李四", "post.reporter@example.org"]


def every_url(cases) -> list[str]:
    urls = ["discovery", "services", "services/odour", "requests", "servicerequestupdates",
            "requests?status=closed", "requests?service_code=odour,air,noise"]
    refs = [getattr(cases, name).reference for name in vars(cases)]
    urls += [f"requests/{ref}" for ref in refs] + [f"tokens/{ref}" for ref in refs]
    urls.append("requests?service_request_id=" + ",".join(refs))
    return [f"{BASE}/{url.replace('?', '.{fmt}?', 1) if '?' in url else url + '.{fmt}'}" for url in urls]


def test_no_response_contains_identity_or_internal_notes(client, cases, api_key):
    make_public(cases.closed)
    make_public(cases.in_progress)
    make_public(cases.rejected)
    assert CaseEvent.objects.exclude(internal_text="").count() >= 3  # the notes exist
    bodies = []
    for fmt in ("xml", "json"):
        posted = client.post(f"{BASE}/requests.{fmt}", form(
            api_key, first_name="四", last_name="李", phone="13900000000", email="post.reporter@example.org"))
        assert posted.status_code == 200
        bodies.append(posted.content.decode())
        for url in every_url(cases):
            response = client.get(url.format(fmt=fmt))
            assert response.status_code == 200, url
            bodies.append(response.content.decode())
    photo = Photo.objects.get(case=cases.closed)
    bodies.append(b"".join(client.get(f"{BASE}/media/{photo.pk}.jpg").streaming_content).decode("latin-1"))
    everything = "\n".join(bodies)
    assert cases.closed.reference in everything and "化工厂已完成" in everything  # the public part is there
    for secret in SECRETS:
        assert secret not in everything, secret
