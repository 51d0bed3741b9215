"""The public case list, map data and open data: public cases and public fields only."""

import csv
import io
import json
import re

import pytest

from cases.models import Case
from tests.cms.helpers import FINDINGS, REPORTER, close_case

# The reply to the reporter is theirs: only the public summary is published.
SECRETS = [FINDINGS, REPORTER.name, REPORTER.phone, REPORTER.email, REPORTER.ip_address, "夜间有刺鼻气味",
           "经查属实，已责令整改。"]


@pytest.fixture
def published(city, new_case):
    public = close_case(new_case(lat=36.551234, lng=117.051234), city, summary="公开摘要：化工厂整改完成")
    sensitive = close_case(new_case(lat=36.567891, lng=117.043219, category=city.water_cat), city,
                           summary="敏感案件摘要", sensitive=True)
    private = close_case(new_case(), city, summary="未公开的摘要", public=False)
    merged_into = public
    dup = new_case()
    from cases.actions import merge

    merge(dup, city.intake, merged_into)
    Case.objects.filter(pk=dup.pk).update(is_public=True, public_summary="合并案件摘要")
    return public, sensitive, private, dup


def _no_secrets(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text


@pytest.mark.django_db
def test_list_shows_only_public_cases_and_fields(client, tree, published):
    public, sensitive, private, dup = published
    html = client.get("/cases/").content.decode()
    assert public.reference in html and sensitive.reference in html
    assert "公开摘要：化工厂整改完成" in html
    assert private.reference not in html and "未公开的摘要" not in html
    assert dup.reference not in html and "合并案件摘要" not in html
    _no_secrets(html)


@pytest.mark.django_db
def test_filters(client, tree, published, city):
    public, sensitive, *_ = published
    html = client.get("/cases/", {"category": "water"}).content.decode()
    assert sensitive.reference in html and public.reference not in html
    html = client.get("/cases/", {"year": "1999"}).content.decode()
    assert public.reference not in html
    html = client.get("/cases/", {"state": "open"}).content.decode()
    assert public.reference not in html
    html = client.get("/cases/", {"state": "closed", "township": "east", "year": "2026"}).content.decode()
    assert public.reference in html


@pytest.mark.django_db
def test_geojson_coarsens_sensitive_locations(client, tree, published):
    public, sensitive, private, dup = published
    response = client.get("/cases/geojson/")
    assert response["Content-Type"] == "application/geo+json"
    text = _body(response).decode()
    _no_secrets(text)
    features = {f["properties"]["reference"]: f for f in json.loads(text)["features"]}
    assert set(features) == {public.reference, sensitive.reference}
    assert features[sensitive.reference]["geometry"]["coordinates"] == [117.04, 36.57]
    assert features[sensitive.reference]["properties"]["approximate"] is True
    # A citizen's case is coarsened in public even when intake did not tick "coarsen".
    assert features[public.reference]["geometry"]["coordinates"] == [117.05, 36.55]
    assert features[public.reference]["properties"]["approximate"] is True
    assert set(features[public.reference]["properties"]) == {
        "reference", "category", "township", "state", "status", "received", "closed", "summary", "approximate",
        "received_text", "closed_text"}
    received = features[public.reference]["properties"]["received_text"]
    assert re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", received)  # the popup's date, in the reader's form
    filtered = json.loads(_body(client.get("/cases/geojson/", {"category": "water"})))
    assert [f["properties"]["reference"] for f in filtered["features"]] == [sensitive.reference]


@pytest.mark.django_db
def test_csv_export_has_the_same_cases_and_fields(client, tree, published):
    public, sensitive, private, dup = published
    response = client.get("/cases/csv/")
    raw = b"".join(response.streaming_content).decode("utf-8")
    assert raw.startswith("\ufeff")
    _no_secrets(raw)
    table = list(csv.reader(io.StringIO(raw[1:])))
    assert len(table[0]) == 9
    refs = {row[0]: row for row in table[1:]}
    assert set(refs) == {public.reference, sensitive.reference}
    assert refs[sensitive.reference][7:] == ["36.57", "117.04"]
    assert refs[public.reference][7:] == ["36.55", "117.05"]


@pytest.mark.django_db
def test_public_flag_change_shows_at_once_in_the_map_data(client, tree, published):
    public, *_ = published
    assert public.reference in _body(client.get("/cases/geojson/")).decode()
    public.is_public = False
    public.save()  # an edit through save() moves updated_at: a new cache key
    assert public.reference not in _body(client.get("/cases/geojson/")).decode()


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _queries(client, path) -> int:
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
        assert response.status_code == 200
        _body(response)  # a streamed file reads its rows while it is sent
    return len(ctx.captured_queries)


@pytest.mark.django_db
def test_query_count_stays_flat_as_cases_grow(client, tree, city, new_case):
    close_case(new_case(), city)
    _queries(client, "/cases/")  # warm up per-process lookups (site, content types)
    few = {path: _queries(client, path) for path in ("/cases/", "/", "/progress/", "/cases/geojson/")}
    for _ in range(4):
        close_case(new_case(category=city.water_cat), city)
    many = {path: _queries(client, path) for path in few}
    assert many == few


@pytest.mark.django_db
def test_the_year_filter_offers_only_years_with_public_cases(city, new_case):
    from datetime import datetime

    from cms.public_cases import public_years
    from tests.cases.conftest import SH

    assert public_years() == []
    for year in (2024, 2026, 2025):
        new_case(now=datetime(year, 1, 1, 0, 30, tzinfo=SH))  # still the year before in UTC
    Case.objects.filter(received_at__year__in=(2024, 2026)).update(is_public=True)
    assert public_years() == [2026, 2024]


@pytest.mark.django_db
def test_photo_gps_of_a_public_case_is_never_published_verbatim(client, tree, city, new_case):
    """Intake made the case public without ticking "coarsen": the photo's point stays private."""
    case = new_case(lat=36.558731, lng=117.046284)
    Case.objects.filter(pk=case.pk).update(location_source="photo")
    case = close_case(case, city, summary="摘要")
    outputs = [client.get("/cases/").content.decode(), _body(client.get("/cases/geojson/")).decode(),
               b"".join(client.get("/cases/csv/").streaming_content).decode("utf-8-sig"),
               client.get(f"/open311/v2/requests/{case.reference}.json").content.decode()]
    for text in outputs:
        assert case.reference in text
        for fragment in ("36.5587", "117.0462", "36.559", "117.046"):
            assert fragment not in text
    feature = json.loads(outputs[1])["features"][0]
    assert feature["geometry"]["coordinates"] == [117.05, 36.56]


@pytest.mark.django_db
def test_a_referral_keeps_its_fine_location_unless_marked_sensitive(client, tree, city):
    from tests.cms.helpers import batch, referral

    close_case(referral(city, batch(number=5), sequence=1, lat=36.551234, lng=117.051234), city, summary="摘要")
    feature = json.loads(_body(client.get("/cases/geojson/")))["features"][0]
    assert feature["geometry"]["coordinates"] == [117.0512, 36.5512]
    assert feature["properties"]["approximate"] is False


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/cases/csv/", "/cases/geojson/"])
def test_open_data_files_are_streamed_and_logged(client, tree, published, caplog, path):
    import logging

    public, sensitive, *_ = published
    with caplog.at_level(logging.INFO, logger="portal.exports"):
        response = client.get(path, {"category": "water"})
        assert response.streaming
        body = _body(response).decode("utf-8-sig")
    assert sensitive.reference in body and public.reference not in body
    logged = [r.export for r in caplog.records if r.name == "portal.exports" and r.export.get("kind") != "cases"]
    assert logged == [{"kind": "public-cases." + path.split("/")[-2], "filter": "category=water", "rows": 1,
                       "finished": True}]


@pytest.mark.django_db
def test_the_geojson_file_starts_before_its_rows_are_read(client, tree, published):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get("/cases/geojson/")
    chunks = iter(response.streaming_content)
    with CaptureQueriesContext(connection) as ctx:
        first = next(chunks)
    assert first == b'{"type": "FeatureCollection", "features": [' and not ctx.captured_queries
    assert len(json.loads(first + b"".join(chunks))["features"]) == 2


@pytest.mark.django_db  # response.close() sends request_finished, which checks the connections
def test_an_open_data_download_the_client_leaves_stops_reading_rows(caplog):
    import logging

    from cms import csv_export

    state = {"read": 0, "closed": False}

    def rows():
        try:
            for i in range(10_000):
                state["read"] = i + 1
                yield [f"=cmd{i}", i]
        finally:
            state["closed"] = True

    with caplog.at_level(logging.INFO, logger="portal.exports"):
        response = csv_export.csv_response("t.csv", ["a", "b"], rows(), what={"filter": "x=1"})
        chunks = iter(response.streaming_content)
        assert next(chunks).decode("utf-8") == "\ufeffa,b\r\n"  # the header leaves before any row is read
        assert state["read"] == 0
        assert next(chunks).decode("utf-8").startswith("'=cmd0,0\r\n")
        response.close()
    assert state["closed"] and state["read"] <= csv_export.ROWS_PER_CHUNK + 1
    logged = [r for r in caplog.records if r.name == "portal.exports" and r.export.get("kind") == "t.csv"]
    assert len(logged) == 1 and "stopped" in logged[0].getMessage()
    assert logged[0].export == {"kind": "t.csv", "filter": "x=1", "rows": csv_export.ROWS_PER_CHUNK,
                                "finished": False}


@pytest.mark.django_db
def test_open_data_dates_are_the_citys_dates_not_utc(client, tree, published):
    """A case received at 01:30 in Shanghai is 17:30 the day before in UTC: the
    open data must say the day the citizen reported it."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    public = published[0]
    sh = ZoneInfo("Asia/Shanghai")
    Case.objects.filter(pk=public.pk).update(received_at=datetime(2026, 3, 2, 1, 30, tzinfo=sh),
                                             closed_at=datetime(2026, 3, 10, 0, 15, tzinfo=sh))
    raw = b"".join(client.get("/cases/csv/?_r=dates").streaming_content).decode("utf-8")
    row = next(r for r in csv.reader(io.StringIO(raw[1:])) if r[0] == public.reference)
    assert "2026-03-02" in row and "2026-03-10" in row
    assert "2026-03-01" not in row and "2026-03-09" not in row
    features = json.loads(b"".join(client.get("/cases/geojson/?_r=dates").streaming_content))["features"]
    props = next(f["properties"] for f in features if f["properties"]["reference"] == public.reference)
    assert (props["received"], props["closed"]) == ("2026-03-02", "2026-03-10")
