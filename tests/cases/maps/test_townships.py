"""The township outlines endpoint every map draws from (cases/maps/townships.py)."""

import gzip
import json

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories as f
from tests.cases.conftest import city  # noqa: F401

pytestmark = pytest.mark.django_db
URL = "/maps/townships.geojson"


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def test_outlines_of_every_township_with_a_boundary(client, city):  # noqa: F811
    f.township("无边界镇", boundary=None, code="none")
    response = client.get(URL)
    assert response.status_code == 200 and response["Content-Type"] == "application/geo+json"
    assert "public" in response["Cache-Control"] and response["ETag"]
    data = json.loads(response.content)
    assert [(x["properties"]["code"], x["properties"]["name"]) for x in data["features"]] == [
        ("east", "东湖街道"), ("west", "河西街道")]
    assert data["features"][0]["geometry"]["coordinates"][0][0] == [117.0, 36.5]


def test_sent_compressed_to_browsers_that_accept_it(client, city):  # noqa: F811
    response = client.get(URL, HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200 and response["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(response.content))["type"] == "FeatureCollection"


def test_built_once_then_served_from_the_cache_and_revalidated_by_etag(client, city):  # noqa: F811
    etag = client.get(URL)["ETag"]
    with CaptureQueriesContext(connection) as queries:
        again = client.get(URL)
        not_modified = client.get(URL, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 200 and not_modified.status_code == 304
    assert [q["sql"] for q in queries.captured_queries if "township" in q["sql"].lower()] == []


def test_an_edited_boundary_is_served_at_once(client, city):  # noqa: F811
    etag = client.get(URL)["ETag"]
    city.east.boundary = f.square(117.0, 36.4)
    city.east.save()
    response = client.get(URL, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200 and response["ETag"] != etag
    assert json.loads(response.content)["features"][0]["geometry"]["coordinates"][0][0] == [117.0, 36.4]
