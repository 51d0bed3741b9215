"""Similar open reports nearby and "follow this case instead" (cases/duplicates.py)."""

import json
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cases import actions, results
from cases.duplicates import nearby_open_cases
from cases.models import Case, CaseEvent, ReporterIdentity
from tests.public.conftest import report_data

pytestmark = pytest.mark.django_db

HERE = (36.55, 117.05)


@pytest.fixture
def now():
    return timezone.now()


def nearby(client, category, lat=HERE[0], lng=HERE[1], **extra):
    response = client.get("/en/report/nearby", {"category": category.pk, "lat": lat, "lng": lng, **extra})
    return response.status_code, json.loads(response.content)


def test_open_cases_of_the_same_category_within_the_radius_are_listed(client, city, new_case, now):
    near = new_case(lat=36.552, lng=117.051, now=now - timedelta(days=2))  # about 240 m
    new_case(lat=36.56, lng=117.05, now=now - timedelta(days=2))  # about 1.1 km
    new_case(category=city.noise, lat=36.5501, lng=117.0501, now=now)  # other category
    status, body = nearby(client, city.air)
    assert status == 200 and [c["reference"] for c in body["cases"]] == [near.reference]
    item = body["cases"][0]
    assert 200 <= item["distance_m"] <= 260 and item["township"] == "东湖街道"
    assert item["received_on"] == timezone.localtime(near.received_at).date().isoformat()


def test_the_radius_and_period_are_settings(city, new_case, now, settings):
    new_case(lat=36.56, lng=117.05, now=now - timedelta(days=2))  # about 1.1 km
    old = new_case(now=now - timedelta(days=40))
    assert nearby_open_cases(city.air, *HERE, now=now) == []
    settings.PORTAL_DUPLICATE_RADIUS_M = 2000
    settings.PORTAL_DUPLICATE_DAYS = 60
    assert {c.reference for c in nearby_open_cases(city.air, *HERE, now=now)} == {
        Case.objects.exclude(pk=old.pk).get().reference, old.reference}


def test_closed_rejected_and_merged_cases_are_not_listed(city, new_case, now):
    closed = new_case(now=now - timedelta(days=3))
    actions.accept(closed, city.env_handler, now=now - timedelta(days=3))
    results.submit_result(closed, city.env_handler, findings="x", reply="y", now=now - timedelta(days=2))
    results.close(closed, city.intake, now=now - timedelta(days=1))
    rejected = new_case(route=False, now=now - timedelta(days=1))
    actions.reject(rejected, city.intake, "不属于环境问题", "", now=now)
    survivor = new_case(route=False, now=now - timedelta(days=1))
    merged = new_case(route=False, now=now - timedelta(days=1))
    actions.merge(merged, city.intake, survivor, now=now)
    assert [c.reference for c in nearby_open_cases(city.air, *HERE, now=now)] == [survivor.reference]


def test_a_sub_type_case_is_found_by_its_category(city, new_case, now):
    case = new_case(subcategory=city.odour, now=now)
    assert [c.reference for c in nearby_open_cases(city.air, *HERE, now=now)] == [case.reference]


def test_nothing_private_is_shown(client, city, new_case, now):
    secret = new_case(description="我家邻居张三的工厂", now=now)
    body = json.dumps(nearby(client, city.air)[1], ensure_ascii=False)
    assert secret.reference in body
    for private in ("张三", "13800138000", "zs@example.org", "36.55", "117.05"):
        assert private not in body
    assert nearby(client, city.air)[1]["cases"][0]["summary"] == ""
    Case.objects.filter(pk=secret.pk).update(is_public=True, public_summary="某企业异味问题已立案")
    assert nearby(client, city.air)[1]["cases"][0]["summary"] == "某企业异味问题已立案"


def test_gcj02_points_are_converted_before_searching(client, city, new_case, now):
    case = new_case(now=now)
    status, body = nearby(client, city.air, lat=36.55033, lng=117.05603, crs="gcj02")  # GCJ-02 of 36.55, 117.05
    assert [c["reference"] for c in body["cases"]] == [case.reference]


@pytest.mark.parametrize("params", [{"lat": "nan"}, {"lat": "91"}, {"lng": "inf"}, {"category": "999"}])
def test_bad_queries_get_a_400_failure(client, city, params):
    query = {"category": city.air.pk, "lat": "36.55", "lng": "117.05", **params}
    response = client.get("/en/report/nearby", query)
    assert response.status_code == 400 and json.loads(response.content)["ok"] is False


def follow(client, city, reference, **overrides):
    data = report_data(city, follow_reference=reference, **overrides)
    return client.post("/en/report/follow/", data)


def test_following_attaches_the_contact_and_records_a_public_event(client, city, new_case, now):
    case = new_case(now=now)
    response = follow(client, city, case.reference)
    assert response.status_code == 302 and response["Location"] == "/en/report/followed/"
    assert Case.objects.count() == 1
    follower = ReporterIdentity.objects.filter(case=case).order_by("pk").last()
    assert (follower.name, follower.phone, follower.email) == ("李四", "13800138000", "ls@example.org")
    assert follower.consented_at is not None and follower.ip_address == "127.0.0.1"
    event = CaseEvent.objects.get(case=case, kind="follower_added")
    with translation.override(settings.LANGUAGE_CODE):  # stored in the site's language
        assert event.is_public and event.public_text == _("Another resident reported the same problem.")
    page = client.get("/en/report/followed/").content.decode()
    assert case.reference in page and "no new case was filed" in page


def test_following_twice_with_the_same_form_adds_one_reporter(client, city, new_case, now):
    case = new_case(now=now)
    follow(client, city, case.reference)
    follow(client, city, case.reference)
    assert case.reporters.count() == 2 and CaseEvent.objects.filter(kind="follower_added").count() == 1


def test_a_case_that_is_not_nearby_cannot_be_followed(client, city, new_case, now):
    far = new_case(lat=36.58, lng=117.08, now=now)
    response = follow(client, city, far.reference)
    assert response.status_code == 200
    assert "cannot be followed" in response.content.decode()
    assert far.reporters.count() == 1


def test_following_needs_consent_and_shows_the_error_on_the_report_form(client, city, new_case, now):
    case = new_case(now=now)
    response = follow(client, city, case.reference, consent=None, description="")
    errors = response.context["form"].errors
    assert list(errors) == ["consent"]  # the report's own fields are not judged here
    assert case.reporters.count() == 1


def test_anonymous_follower_keeps_no_name(client, city, new_case, now):
    case = new_case(now=now)
    follow(client, city, case.reference, anonymity="anonymous", phone="", email="")
    follower = case.reporters.order_by("pk").last()
    assert follower.is_anonymous and follower.name == "" and follower.phone == ""
    assert "cannot tell you about the result" in client.get("/en/report/followed/").content.decode()
