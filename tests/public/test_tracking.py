"""Tracking page, feedback and review (cases/tracking.py, cases/views/track.py)."""

from datetime import timedelta

import pytest
from django.utils import formats, timezone, translation

from cases import actions, extensions, results, workflow
from cases.intake import ReporterInput, ReportInput, submit_case
from cases.models import CaseEvent, CaseState, Feedback, Photo
from cases.pipeline import photos as pipeline_photos
from cases.tracking import mask_email, mask_phone
from tests.public.conftest import upload

pytestmark = pytest.mark.django_db
H = timedelta(hours=1)
D = timedelta(days=1)
INTERNAL = "内部核查：企业负责人王五承认夜间偷排"


def filed(city, now, **kw):
    report = ReportInput(category=city.air, description="夜间有刺鼻气味", latitude=36.55, longitude=117.05,
                         location_source="pin", **kw)
    reporter = ReporterInput(name="张三", phone="13800138000", email="zs@example.org", ip_address="10.1.2.3")
    result = submit_case(report, reporter, now=now)
    return result.case, result.access_code


def closed(city, case, at):
    city.env_handler.first_name = "赵科长"
    city.env_handler.save()
    actions.accept(case, city.env_handler, now=at - 3 * H)
    workflow.add_note(case, city.env_handler, "内部备注：联系了企业法人", now=at - 3 * H)
    results.submit_result(case, city.env_handler, findings=INTERNAL, reply="已责令企业停产整改，并安装在线监测。",
                          public_summary="企业已整改", now=at - 2 * H)
    return results.close(case, city.intake, now=at)


def look_up(client, reference, code):
    return client.post("/en/track/", {"reference": reference, "access_code": code})


@pytest.fixture
def now():
    return timezone.now()


def test_wrong_reference_and_wrong_code_get_byte_identical_answers(client, city, now):
    case, code = filed(city, now)
    wrong_ref = look_up(client, "HB2026-999999", code)
    wrong_code = look_up(client, case.reference, "AAAAAAAAAA")
    assert (wrong_ref.status_code, wrong_ref["Location"], wrong_ref.content) == (
        wrong_code.status_code, wrong_code["Location"], wrong_code.content)
    assert wrong_ref.status_code == 302
    page = client.get(wrong_ref["Location"]).content.decode()
    assert "could not find a report with this reference number and access code" in page
    assert client.get(f"/en/track/{case.reference}/").status_code == 302  # no access was granted


def test_the_right_code_shows_the_case_in_plain_words(client, city, now):
    case, code = filed(city, now)
    response = look_up(client, case.reference.lower(), code.lower())
    assert response["Location"] == f"/en/track/{case.reference}/"
    page = client.get(response["Location"]).content.decode()
    assert "waiting for the department to accept it" in page and "市生态环境局" in page
    public = [e.public_text for e in case.events.filter(is_public=True)]  # stored in the site's language
    assert len(public) == 2 and all(text and text in page for text in public)  # received, passed on
    assert "138****8000" in page and "z***@example.org" in page
    assert "13800138000" not in page and "zs@example.org" not in page and "张三" not in page
    assert "You are to be told whether your report is accepted by" in page  # the deadline as a sentence
    assert client.get(response["Location"])["Cache-Control"] == "no-store"


def test_only_public_events_and_no_staff_names_are_shown(client, city, now):
    case, code = filed(city, now - 2 * D)
    closed(city, case, now - D)
    look_up(client, case.reference, code)
    page = client.get(f"/en/track/{case.reference}/").content.decode()
    assert "已责令企业停产整改" in page  # the reply
    assert INTERNAL not in page and "王五" not in page
    assert "内部备注" not in page and "赵" not in page and "科长" not in page and "env_handler" not in page and "intake" not in page
    internal = CaseEvent.objects.filter(case=case, is_public=False).exclude(internal_text="")
    assert internal.exists()
    assert all(e.internal_text not in page for e in internal)


def test_an_approved_extension_is_shown_with_its_reason(client, city, now):
    case, code = filed(city, now - 2 * D)
    actions.accept(case, city.env_handler, now=now - D)
    clock = case.clocks.get(kind="handling", stopped_at__isnull=True)
    ext = extensions.request_extension(case, city.env_handler, clock.due_at + 10 * D, "等待监测报告",
                                       "需要第三方监测报告", now=now - H)
    extensions.approve_extension(ext, city.intake, now=now)
    look_up(client, case.reference, code)
    page = client.get(f"/en/track/{case.reference}/").content.decode()
    assert "The deadline was extended." in page and "需要第三方监测报告" in page and "等待监测报告" not in page
    with translation.override("en"):  # the new due date, as the page words it
        assert formats.date_format(timezone.localtime(clock.due_at + 10 * D).date(), "DATE_FORMAT") in page
    assert "is handling your report" in page


def test_a_merged_case_is_followed_under_the_surviving_case(client, city, now):
    survivor, _code = filed(city, now - 2 * D)
    case, code = filed(city, now - D, polluter_name="某厂")
    actions.merge(case, city.intake, survivor, note="同一企业", now=now - H)
    actions.accept(survivor, city.env_handler, now=now)
    look_up(client, case.reference, code)
    page = client.get(f"/en/track/{case.reference}/").content.decode()
    assert f"Followed as case {survivor.reference}" in page
    accepted = survivor.events.get(kind="accepted").public_text
    assert accepted and accepted in page  # the survivor's public timeline
    assert "同一企业" not in page and "138****8000" not in page  # no note, nobody's contact


def test_access_is_remembered_in_the_session_and_can_be_forgotten(client, city, now):
    case, code = filed(city, now)
    other, _ = filed(city, now)
    look_up(client, case.reference, code)
    assert client.get(f"/en/track/{case.reference}/").status_code == 200
    assert client.get(f"/en/track/{other.reference}/")["Location"] == "/en/track/"
    client.post(f"/en/track/{case.reference}/forget")
    assert client.get(f"/en/track/{case.reference}/").status_code == 302


def test_lookups_are_rate_limited(client, city, settings, now):
    settings.PORTAL_RATELIMIT_TRACK = "2/10m"
    case, code = filed(city, now)
    codes = [look_up(client, case.reference, "WRONG").status_code for _ in range(3)]
    assert codes == [302, 302, 429]
    assert look_up(client, case.reference, code).status_code == 429  # even the right code, for a while
    assert "Too many requests" in look_up(client, case.reference, code).content.decode()


def test_feedback_within_seven_days_once(client, city, now):
    case, code = filed(city, now - 3 * D)
    closed(city, case, now - 2 * D)
    look_up(client, case.reference, code)
    response = client.post(f"/en/track/{case.reference}/feedback", {"rating": 3, "comment": "处理及时"}, follow=True)
    assert "Thank you for your rating." in response.content.decode()
    assert Feedback.objects.get(case=case).rating == 3
    again = client.post(f"/en/track/{case.reference}/feedback", {"rating": 1}, follow=True).content.decode()
    assert "already rated" in again and Feedback.objects.count() == 1
    assert CaseEvent.objects.filter(case=case, kind="feedback").count() == 1


def test_feedback_after_seven_days_is_refused(client, city, now):
    case, code = filed(city, now - 9 * D)
    closed(city, case, now - 8 * D)
    look_up(client, case.reference, code)
    page = client.get(f"/en/track/{case.reference}/").content.decode()
    assert "The time for rating the handling ended" in page and 'name="rating"' not in page
    response = client.post(f"/en/track/{case.reference}/feedback", {"rating": 3}, follow=True)
    assert "time for rating has passed" in response.content.decode() and Feedback.objects.count() == 0


def test_feedback_needs_a_rating(client, city, now):
    case, code = filed(city, now - 3 * D)
    closed(city, case, now - 2 * D)
    look_up(client, case.reference, code)
    response = client.post(f"/en/track/{case.reference}/feedback", {"rating": ""})
    assert response.status_code == 400 and "Please choose a rating." in response.content.decode()


def test_no_feedback_before_the_reply(client, city, now):
    case, code = filed(city, now)
    look_up(client, case.reference, code)
    response = client.post(f"/en/track/{case.reference}/feedback", {"rating": 3}, follow=True)
    assert "once the city has replied" in response.content.decode() and Feedback.objects.count() == 0


def test_review_within_thirty_days_reopens_the_case(client, city, now):
    case, code = filed(city, now - 11 * D)
    closed(city, case, now - 10 * D)
    look_up(client, case.reference, code)
    response = client.post(f"/en/track/{case.reference}/review", {"reason": "气味仍然存在"}, follow=True)
    assert "The case has been reopened." in response.content.decode()
    case.refresh_from_db()
    assert case.state == CaseState.IN_PROGRESS and case.reopen_count == 1
    event = CaseEvent.objects.get(case=case, kind="reopened")
    assert event.data["reopen_kind"] == "review_request" and "气味仍然存在" in event.public_text


def test_review_after_an_unsatisfied_rating_is_recorded_as_such(client, city, now):
    case, code = filed(city, now - 3 * D)
    closed(city, case, now - 2 * D)
    look_up(client, case.reference, code)
    client.post(f"/en/track/{case.reference}/feedback", {"rating": 1, "comment": "没有解决"})
    page = client.get(f"/en/track/{case.reference}/").content.decode()
    assert "You were not satisfied" in page
    client.post(f"/en/track/{case.reference}/review", {"reason": "问题没有解决"})
    assert CaseEvent.objects.get(case=case, kind="reopened").data["reopen_kind"] == "unsatisfied"


def test_review_after_thirty_days_is_refused(client, city, now):
    case, code = filed(city, now - 32 * D)
    closed(city, case, now - 31 * D)
    look_up(client, case.reference, code)
    response = client.post(f"/en/track/{case.reference}/review", {"reason": "还有气味"}, follow=True)
    assert "time for asking for a review has passed" in response.content.decode()
    case.refresh_from_db()
    assert case.state == CaseState.CLOSED


def test_review_needs_a_reason(client, city, now):
    case, code = filed(city, now - 3 * D)
    closed(city, case, now - 2 * D)
    look_up(client, case.reference, code)
    response = client.post(f"/en/track/{case.reference}/review", {"reason": "  "})
    assert response.status_code == 400 and "Please give a reason" in response.content.decode()


def test_text_from_the_reporter_is_escaped_on_the_tracking_page(client, city, now):
    case, code = filed(city, now - 3 * D)
    closed(city, case, now - 2 * D)
    look_up(client, case.reference, code)
    client.post(f"/en/track/{case.reference}/review", {"reason": "<script>alert(1)</script>"})
    page = client.get(f"/en/track/{case.reference}/").content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


@pytest.mark.parametrize("phone, masked", [("13800138000", "138****8000"), ("+8613800138000", "+86****8000"),
                                           ("0531-8888", "*****8888"), ("123", "***"), ("", "")])
def test_mask_phone(phone, masked):
    assert mask_phone(phone) == masked


def test_mask_email():
    assert mask_email("zhang.san@example.org") == "z***@example.org"
    assert mask_email("broken") == ""


def test_standard_events_read_in_the_readers_language(client, city, now):
    from django.utils import translation

    with translation.override("zh-hans"):  # filed through the Chinese form
        case, code = filed(city, now)
    look_up(client, case.reference, code)
    english = client.get(f"/en/track/{case.reference}/").content.decode()
    assert "Your report was received." in english and "Your report has been passed to 市生态环境局." in english
    chinese = client.get(f"/track/{case.reference}/").content.decode()
    assert "您的举报已收到" in chinese and "Your report was received." not in chinese


def test_access_granted_to_an_existing_session_changes_its_id(client, city, now):
    """Session fixation: a session id known before the access code was given is never the one
    that opens the case; a browser without a session gets one new id, written once."""
    case, code = filed(city, now)
    other, other_code = filed(city, now)
    look_up(client, case.reference, code)
    first = client.session.session_key
    assert first
    look_up(client, other.reference, other_code)
    second = client.session.session_key
    assert second and second != first
    assert client.get(f"/en/track/{case.reference}/").status_code == 200  # both still open in this browser
    assert client.get(f"/en/track/{other.reference}/").status_code == 200


def _photo_list(page: str) -> str:
    return page.split('class="track-photos"', 1)[1].split("</ul>", 1)[0]


def test_a_photo_the_worker_has_not_prepared_yet_shows_a_note_not_a_broken_image(client, city, now):
    report = ReportInput(category=city.air, description="夜间有刺鼻气味", latitude=36.55, longitude=117.05,
                         location_source="pin")
    result = submit_case(report, ReporterInput(phone="13800138000"), [upload()], now=now, defer=True)
    look_up(client, result.case.reference, result.access_code)
    photos = _photo_list(client.get(f"/en/track/{result.case.reference}/").content.decode())
    assert "This photo is being prepared" in photos and "<img" not in photos
    assert pipeline_photos.process(Photo.objects.get(case=result.case).pk) == "ready"
    photos = _photo_list(client.get(f"/en/track/{result.case.reference}/").content.decode())
    assert "<img" in photos and "being prepared" not in photos
