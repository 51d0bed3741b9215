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
from cases.privacy import location, tokens
from tests.public.conftest import report_data

pytestmark = pytest.mark.django_db

HERE = (36.55, 117.05)


@pytest.fixture
def now():
    return timezone.now()


def nearby(client, category, lat=HERE[0], lng=HERE[1], **extra):
    response = client.get("/en/report/nearby", {"category": category.pk, "lat": lat, "lng": lng, **extra})
    return response.status_code, json.loads(response.content)


def test_open_cases_of_the_same_category_in_the_neighbouring_cells_are_listed(client, city, new_case, now):
    near = new_case(lat=36.552, lng=117.051, now=now - timedelta(days=2))  # same cell
    new_case(lat=36.568, lng=117.05, now=now - timedelta(days=2))  # two cells north: out of reach
    new_case(category=city.noise, lat=36.5501, lng=117.0501, now=now)  # other category
    status, body = nearby(client, city.air)
    assert status == 200 and len(body["cases"]) == 1
    item = body["cases"][0]
    assert item["is_public"] is False and item["reference"] == "" and item["distance_m"] is None
    assert item["township"] == "" and tokens.case_id_from(item["follow"]) == near.pk
    assert item["received_on"] == timezone.localtime(near.received_at).date().isoformat()


def test_a_public_case_is_shown_as_the_public_list_shows_it(client, city, new_case, now):
    case = new_case(lat=36.552, lng=117.051, now=now - timedelta(days=2))
    Case.objects.filter(pk=case.pk).update(is_public=True, public_summary="某企业异味问题已立案")
    item = nearby(client, city.air)[1]["cases"][0]
    assert item["is_public"] is True and item["reference"] == case.reference
    assert item["township"] == "东湖街道" and item["summary"] == "某企业异味问题已立案"
    # From the query's cell centre (36.55, 117.05) to the case's public point, the same cell centre.
    assert item["distance_m"] == 0


def test_the_reach_and_period_are_settings(city, new_case, now, settings):
    new_case(lat=36.568, lng=117.05, now=now - timedelta(days=2))  # two cells north
    new_case(now=now - timedelta(days=40))
    assert nearby_open_cases(city.air, *HERE, now=now) == []
    settings.PORTAL_DUPLICATE_RADIUS_M = 2000  # two cells
    settings.PORTAL_DUPLICATE_DAYS = 60
    assert len(nearby_open_cases(city.air, *HERE, now=now)) == 2


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
    assert {found(c) for c in nearby_open_cases(city.air, *HERE, now=now)} == {survivor.pk}


def test_a_sub_type_case_is_found_by_its_category(city, new_case, now):
    case = new_case(subcategory=city.odour, now=now)
    assert [found(c) for c in nearby_open_cases(city.air, *HERE, now=now)] == [case.pk]


def test_nothing_private_is_shown(client, city, new_case, now):
    secret = new_case(description="我家邻居张三的工厂", now=now)
    body = json.dumps(nearby(client, city.air)[1], ensure_ascii=False)
    assert secret.reference not in body
    for private in ("张三", "13800138000", "zs@example.org", "36.55", "117.05"):
        assert private not in body
    assert nearby(client, city.air)[1]["cases"][0]["summary"] == ""
    Case.objects.filter(pk=secret.pk).update(is_public=True, public_summary="某企业异味问题已立案")
    assert nearby(client, city.air)[1]["cases"][0]["summary"] == "某企业异味问题已立案"


def test_gcj02_points_are_converted_before_searching(client, city, new_case, now):
    case = new_case(now=now)
    Case.objects.filter(pk=case.pk).update(is_public=True)
    status, body = nearby(client, city.air, lat=36.55033, lng=117.05603, crs="gcj02")  # GCJ-02 of 36.55, 117.05
    assert [c["reference"] for c in body["cases"]] == [case.reference]


@pytest.mark.parametrize("params", [{"lat": "nan"}, {"lat": "91"}, {"lng": "inf"}, {"category": "999"}])
def test_bad_queries_get_a_400_failure(client, city, params):
    query = {"category": city.air.pk, "lat": "36.55", "lng": "117.05", **params}
    response = client.get("/en/report/nearby", query)
    assert response.status_code == 400 and json.loads(response.content)["ok"] is False


# --- The location oracle: no answer tells where a case the public may not see is -----------

# 21 x 21 query points 150 m apart around the case, and pairs of points 3 m apart.
GRID = [(round(36.535 + i * 0.0015, 6), round(117.035 + j * 0.0015, 6)) for i in range(21) for j in range(21)]
# Two positions about 500 m apart inside the same 0.01° cell (36.55, 117.05).
SPOT_A, SPOT_B = (36.5512, 117.0468), (36.5538, 117.0532)


def answers(city, now, points=GRID) -> list:
    """Everything each answer says, except the follow token (random by design, opaque)."""
    return [[{k: v for k, v in c.as_dict().items() if k != "follow"} for c in nearby_open_cases(city.air, lat, lng, now)]
            for lat, lng in points]


def move(case, spot):
    Case.objects.filter(pk=case.pk).update(latitude=spot[0], longitude=spot[1])


@pytest.mark.parametrize("public", [False, True], ids=["hidden", "public"])
def test_trilateration_learns_nothing_finer_than_the_public_cell(city, new_case, now, public):
    case = new_case(lat=SPOT_A[0], lng=SPOT_A[1], now=now - timedelta(days=1))
    Case.objects.filter(pk=case.pk).update(is_public=public, public_summary="摘要" if public else "")
    at_a = answers(city, now)
    assert sum(1 for a in at_a if a) > 50  # the case is suggested from many points: the test can see it
    move(case, SPOT_B)
    assert answers(city, now) == at_a  # every answer the same wherever the case is in its cell
    if not public:
        assert all(item["reference"] == "" and item["distance_m"] is None and item["township"] == ""
                   for answer in at_a for item in answer)


def test_answers_for_points_a_few_metres_apart_are_identical(city, new_case, now):
    case = new_case(lat=36.5509, lng=117.0541, now=now - timedelta(days=1))
    Case.objects.filter(pk=case.pk).update(is_public=True, is_sensitive=True)
    new_case(lat=36.5575, lng=117.0433, now=now - timedelta(days=1))  # hidden, one cell away
    pairs = [((lat, lng), (lat + 0.00003, lng - 0.00003)) for lat, lng in GRID]
    for first, second in pairs:
        if location.cell_of(*first) == location.cell_of(*second):
            assert answers(city, now, [first]) == answers(city, now, [second])


def test_the_http_answer_carries_no_position_of_a_hidden_case(client, city, new_case, now):
    case = new_case(lat=SPOT_A[0], lng=SPOT_A[1], now=now - timedelta(days=1))
    first = [nearby(client, city.air, lat=36.5521, lng=117.0479)[1]["cases"]]
    move(case, SPOT_B)
    second = [nearby(client, city.air, lat=36.5521, lng=117.0479)[1]["cases"]]
    strip = [[{k: v for k, v in c.items() if k != "follow"} for c in a] for a in (first[0], second[0])]
    assert strip[0] == strip[1] and len(strip[0]) == 1
    assert first[0][0]["follow"] != second[0][0]["follow"]  # fresh nonce: tokens cannot be compared either
    assert tokens.case_id_from(first[0][0]["follow"]) == case.pk


def test_a_forged_or_foreign_follow_token_is_refused(client, city, new_case, now):
    case = new_case(now=now)
    for token in (str(case.pk), case.reference, "gAAAAA" + "x" * 80):
        response = follow(client, city, case, token)
        assert response.status_code == 200 and "cannot be followed" in response.content.decode()
    assert case.reporters.count() == 1


def found(item) -> int | None:
    return tokens.case_id_from(item.follow)


def token_for(client, city, case) -> str:
    """The follow token the nearby answer offers for `case` at HERE."""
    items = nearby(client, city.air)[1]["cases"]
    return next(i["follow"] for i in items if tokens.case_id_from(i["follow"]) == case.pk)


def follow(client, city, case, token=None, **overrides):
    data = report_data(city, follow_token=token or token_for(client, city, case), **overrides)
    return client.post("/en/report/follow/", data)


def test_following_attaches_the_contact_and_records_a_public_event(client, city, new_case, now):
    case = new_case(now=now)
    response = follow(client, city, case)
    assert response.status_code == 302 and response["Location"] == "/en/report/followed/"
    assert Case.objects.count() == 1
    follower = ReporterIdentity.objects.filter(case=case).order_by("pk").last()
    assert (follower.name, follower.phone, follower.email) == ("李四", "13800138000", "ls@example.org")
    assert follower.consented_at is not None and follower.ip_address == "127.0.0.1"
    event = CaseEvent.objects.get(case=case, kind="follower_added")
    with translation.override(settings.LANGUAGE_CODE):  # stored in the site's language
        assert event.is_public and event.public_text == _("Another resident reported the same problem.")
    page = client.get("/en/report/followed/").content.decode()
    # Not public: the follower learns nothing about the case, not even its reference.
    assert case.reference not in page and "no new case was filed" in page


def test_following_twice_with_the_same_form_adds_one_reporter(client, city, new_case, now):
    case = new_case(now=now)
    token = token_for(client, city, case)
    follow(client, city, case, token)
    follow(client, city, case, token)
    assert case.reporters.count() == 2 and CaseEvent.objects.filter(kind="follower_added").count() == 1


def test_a_case_that_is_not_nearby_cannot_be_followed(client, city, new_case, now):
    far = new_case(lat=36.58, lng=117.08, now=now)
    token = tokens.follow_token(far.pk)  # even with a valid token: not listed for this point
    response = follow(client, city, far, token)
    assert response.status_code == 200
    assert "cannot be followed" in response.content.decode()
    assert far.reporters.count() == 1


def test_following_needs_consent_and_shows_the_error_on_the_report_form(client, city, new_case, now):
    case = new_case(now=now)
    response = follow(client, city, case, consent=None, description="")
    errors = response.context["form"].errors
    assert list(errors) == ["consent"]  # the report's own fields are not judged here
    assert case.reporters.count() == 1


def test_anonymous_follower_keeps_no_name(client, city, new_case, now):
    case = new_case(now=now)
    follow(client, city, case, anonymity="anonymous", phone="", email="")
    follower = case.reporters.order_by("pk").last()
    assert follower.is_anonymous and follower.name == "" and follower.phone == ""
    assert "cannot tell you about the result" in client.get("/en/report/followed/").content.decode()
