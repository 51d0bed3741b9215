"""What the tracking page shows (docs/product.md §4.1): what was reported with the
reporter's own photos, the deadline in plain words, the result with the public
"after" photo, the rating link of the closing message, and the site navigation."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import signing
from django.test import Client
from django.utils import timezone, translation

from cases import actions, extensions, results
from cases.calendar import load_calendar
from cases.intake import ReporterInput, ReportInput, submit_case
from cases.models import Feedback, Notification, Photo
from cases.photos import attach_photos
from cases.tracking import deadline_sentence
from tests import factories as f
from tests.public.conftest import jpeg, upload

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
H = timedelta(hours=1)
D = timedelta(days=1)
TILES = "http://127.0.0.1:9/tiles/{z}/{x}/{y}.png"


def filed(city, now, photos=1):
    report = ReportInput(category=city.air, description="夜间有刺鼻气味，河边化工厂排气", latitude=36.55,
                         longitude=117.05, location_source="pin", address="东湖街道滨河路8号")
    reporter = ReporterInput(name="张三", phone="13800138000", email="zs@example.org", ip_address="10.1.2.3")
    result = submit_case(report, reporter, [upload(f"p{i}.jpg") for i in range(photos)], now=now)
    return result.case, result.access_code


def look_up(client, case, code):
    assert client.post("/track/", {"reference": case.reference, "access_code": code}).status_code == 302
    return client.get(f"/track/{case.reference}/").content.decode()


def close(city, case, at):
    actions.accept(case, city.env_handler, now=at - 3 * H)
    results.submit_result(case, city.env_handler, findings="内部", reply="已责令企业停产整改。",
                          public_summary="企业已整改", now=at - 2 * H)
    return results.close(case, city.intake, now=at)


@pytest.fixture
def now():
    return timezone.now()


def test_the_page_shows_what_was_reported_on_a_small_map_with_the_reporters_photos(client, city, now, settings):
    settings.PORTAL_MAP_TILE_URL = TILES
    case, code = filed(city, now, photos=2)
    page = look_up(client, case, code)
    assert "夜间有刺鼻气味，河边化工厂排气" in page and city.air.name in page and "东湖街道滨河路8号" in page
    assert 'id="track-map"' in page and 'data-lat="36.550000"' in page and 'data-lng="117.050000"' in page
    own = list(case.photos.filter(kind=Photo.Kind.CITIZEN))
    assert len(own) == 2
    for photo in own:
        thumb = f"/track/{case.reference}/photo/{photo.pk}/thumb"
        assert thumb in page
        response = client.get(thumb)
        assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
        assert response["Cache-Control"] == "private, no-store"
        assert client.get(f"/track/{case.reference}/photo/{photo.pk}/original").status_code == 404
    # Another browser without the access code gets no photo, and no one gets another case's photo.
    assert Client().get(f"/track/{case.reference}/photo/{own[0].pk}/image").status_code == 404
    other, _ = filed(city, now)
    other_photo = other.photos.get()
    assert client.get(f"/track/{case.reference}/photo/{other_photo.pk}/image").status_code == 404


def test_after_photo_is_shown_with_the_result_only_when_made_public(client, city, now):
    case, code = filed(city, now - 3 * D, photos=0)
    actions.accept(case, city.env_handler, now=now - 2 * D)
    after = attach_photos(case, [upload("after.jpg", jpeg(color=(10, 200, 10)))], kind=Photo.Kind.AFTER,
                          uploaded_by=city.env_handler, now=now - 2 * D)[0]
    url = f"/track/{case.reference}/photo/{after.pk}/image"
    assert url not in look_up(client, case, code)
    results.submit_result(case, city.env_handler, findings="内部", reply="已整改。", public_summary="已整改",
                          now=now - D)
    results.close(case, city.intake, now=now - H)
    page = client.get(f"/track/{case.reference}/").content.decode()
    assert url not in page and client.get(url).status_code == 404  # closed, but the photo is not public
    Photo.objects.filter(pk=after.pk).update(is_public=True)
    page = client.get(f"/track/{case.reference}/").content.decode()
    assert url in page and client.get(url).status_code == 200


def test_the_deadline_reads_as_a_sentence_in_chinese(city):
    calendar = load_calendar()
    due = datetime(2026, 3, 12, 23, 59, 59, tzinfo=SH)  # a Thursday
    monday = datetime(2026, 3, 9, 10, 0, tzinfo=SH)
    with translation.override("zh-hans"):
        assert deadline_sentence("handling", due, monday, calendar) == "应于2026年3月12日前办结，还剩3个工作日"
        assert deadline_sentence("handling", due, due - H, calendar) == "应于2026年3月12日前办结，今天到期"
        late = datetime(2026, 3, 16, 9, 0, tzinfo=SH)  # the next Monday: Fri and Mon are late
        assert deadline_sentence("handling", due, late, calendar) == "应于2026年3月12日前办结，已超期2个工作日"
        before_holiday = datetime(2026, 9, 30, 10, 0, tzinfo=SH)  # National Day: 1-7 Oct are days off
        due_after = datetime(2026, 10, 9, 23, 59, 59, tzinfo=SH)
        assert deadline_sentence("acknowledge", due_after, before_holiday, calendar).endswith("还剩2个工作日")


def test_the_tracking_page_shows_the_deadline_sentence(client, city, now):
    case, code = filed(city, now, photos=0)
    page = look_up(client, case, code)
    clock = case.clocks.get(kind="acknowledge")
    with translation.override("zh-hans"):
        expected = deadline_sentence("acknowledge", clock.due_at, timezone.now(), load_calendar())
    assert expected.startswith("应于") and expected in page


def test_the_extension_banner_goes_once_the_case_is_closed(client, city, now):
    case, code = filed(city, now - 5 * D, photos=0)
    actions.accept(case, city.env_handler, now=now - 4 * D)
    clock = case.clocks.get(kind="handling", stopped_at__isnull=True)
    ext = extensions.request_extension(case, city.env_handler, clock.due_at + 10 * D, "内部原因",
                                       "需要第三方监测报告", now=now - 3 * D)
    extensions.approve_extension(ext, city.intake, now=now - 3 * D)
    with translation.override("zh-hans"):
        banner = translation.gettext("The deadline was extended.")
    assert banner in look_up(client, case, code)
    results.submit_result(case, city.env_handler, findings="内部", reply="已整改。", public_summary="已整改",
                          now=now - D)
    results.close(case, city.intake, now=now - H)
    page = client.get(f"/track/{case.reference}/").content.decode()
    assert banner not in page and "已整改。" in page


def _rate_link(case) -> str:
    rows = Notification.objects.filter(case=case, template="case_closed", audience="reporter")
    assert {r.channel for r in rows} == {"email", "sms"}
    links = {line.split("http://testserver", 1)[1].split()[0] for r in rows for line in r.body.splitlines()
             if "http://testserver/track/rate/" in line}
    assert len(links) == 1, [r.body for r in rows]
    return links.pop()


def test_the_closing_message_carries_a_signed_one_time_rating_link(city, now, settings):
    settings.PORTAL_PUBLIC_BASE_URL = "http://testserver"
    case, _code = filed(city, now - 3 * D, photos=0)
    close(city, case, now - H)
    link = _rate_link(case)
    stranger = Client()  # the phone that got the SMS: no session, no access code
    page = stranger.get(link).content.decode()
    assert "已责令企业停产整改。" in page and 'name="rating"' in page
    assert "138****8000" not in page and "夜间有刺鼻气味" not in page  # the rating form only
    assert stranger.get(f"/track/{case.reference}/").status_code == 302  # no tracking access granted
    stranger.post(link, {"rating": Feedback.Rating.SATISFIED, "comment": "很好"})
    assert list(case.feedback.values_list("rating", flat=True)) == [Feedback.Rating.SATISFIED]
    again = stranger.post(link, {"rating": Feedback.Rating.UNSATISFIED})  # one time only
    assert again.status_code == 302 and case.feedback.count() == 1
    assert 'name="rating"' not in stranger.get(link).content.decode()
    # A forged or altered link is refused.
    forged = signing.dumps([case.pk + 1, 0], salt="another.salt", compress=True)
    assert stranger.get(f"/track/rate/{forged}/").status_code == 404
    assert stranger.get(link[:-3] + "xx/").status_code == 404


def test_a_rating_link_dies_when_the_case_is_reopened(city, now, settings):
    settings.PORTAL_PUBLIC_BASE_URL = "http://testserver"
    case, _code = filed(city, now - 3 * D, photos=0)
    close(city, case, now - 2 * H)
    link = _rate_link(case)
    results.reopen(case, city.intake, "企业复产后又有气味", now=now - H)
    assert Client().get(link).status_code == 404


def test_home_page_has_a_track_entry_and_every_citizen_page_has_the_site_navigation(client, city, now):
    f.site_home()
    case, code = filed(city, now, photos=0)
    look_up(client, case, code)
    for url in ("/", "/report/", "/track/", f"/track/{case.reference}/", "/privacy/", "/track/rate/x/",
                "/no-such-page/"):
        page = client.get(url).content.decode()
        assert 'class="section-nav"' in page and 'href="/track/"' in page and 'role="search"' in page, url
    with translation.override("zh-hans"):
        assert "查询办理进度" in client.get("/").content.decode()
