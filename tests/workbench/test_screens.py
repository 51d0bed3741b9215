"""Dashboard panels, referral import, tasks and meetings, and cases from other
channels (PRODUCT §4.2–§4.4)."""

import re
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cases.models import (
    ActionItem,
    Case,
    CaseEvent,
    Clock,
    ExtensionRequest,
    ImportJob,
    JointMeeting,
    Milestone,
    Photo,
    RectificationTask,
    ReporterIdentity,
)
from tests.workbench.helpers import REPORTER_MARKS, body_text, jpeg_bytes

pytestmark = pytest.mark.django_db


def listed_count(client, url: str) -> int:
    heading = re.search(r'id="results-heading">([^<]*)<', body_text(client.get(url))).group(1)
    return int(re.search(r"\d+", heading).group(0))  # "3 cases" or its translation


def panel_links(page: str) -> dict[str, tuple[int, str]]:
    found = re.findall(r'<a href="([^"]+)"><span class="wb-count__n">(\d+)</span> <span class="wb-count__label">'
                       r'([^<]+)</span>', page)
    return {label: (int(n), url.replace("&amp;", "&")) for url, n, label in found}


def test_dashboard_counts_link_to_lists_with_the_same_numbers(city, new_case, login):
    overdue = new_case()
    Case.objects.filter(pk=overdue.pk).update(is_overdue=True, is_supervised=True)
    new_case(route=False)
    for user in (city.intake, city.env_handler, city.supervisor):
        client = login(user)
        links = panel_links(body_text(client.get(reverse("wagtailadmin_home"))))
        assert len(links) >= 4, user
        for label, (count, url) in links.items():
            assert listed_count(client, url) == count, (user, label)
    handler_links = panel_links(body_text(login(city.env_handler).get(reverse("wagtailadmin_home"))))
    # open, overdue, escalated: 1 each; due within 7 days: 0 (the case was filed in March 2026, its due time passed)
    assert sorted(n for n, _u in handler_links.values()) == [0, 1, 1, 1]
    water = body_text(login(city.water_handler).get(reverse("wagtailadmin_home")))
    assert overdue.reference not in water


def test_intake_sees_what_waits_for_approval(city, new_case, login):
    case = new_case()
    from cases import actions, extensions

    case = actions.accept(case, city.env_handler)
    clock = Clock.objects.get(case=case, kind="handling", stopped_at__isnull=True)
    extensions.request_extension(case, city.env_handler, clock.due_at + timedelta(days=5), "r", "p")
    client = login(city.intake)
    links = panel_links(body_text(client.get(reverse("wagtailadmin_home"))))
    waiting = [v for k, v in links.items() if "xtension" in k or "延期" in k][0]
    assert waiting[0] == ExtensionRequest.objects.count() == 1 and listed_count(client, waiting[1]) == 1


def test_escalations_panel_lists_the_newest(city, new_case, login):
    case = new_case()
    Case.objects.filter(pk=case.pk).update(is_supervised=True)
    CaseEvent.objects.create(case=case, kind="escalated", created_at=timezone.now())
    page = body_text(login(city.supervisor).get(reverse("wagtailadmin_home")))
    assert "workbench-escalations" in page and case.reference in page


CSV_OK = "序号,受理编号,重点件,乡镇街道,问题类型,举报内容,行政区域\n1,D3SX202605280001,是,东湖街道,大气污染,某厂夜间排放废气,东湖\n"
CSV_BAD = "序号,受理编号,重点件,乡镇街道,问题类型,举报内容\n1,D3SX202605280002,否,不存在的镇,大气污染,内容\n"


def upload(client, content: str, number: int, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("workbench:import"), {
            "file": SimpleUploadedFile("batch.csv", content.encode("utf-8"), content_type="text/csv"),
            "source": "central", "number": number, "received_on": "2026-05-28", "due_days": 10})


def test_referral_import_with_progress_and_summary(city, login, django_capture_on_commit_callbacks):
    client = login(city.intake)
    response = upload(client, CSV_OK, 1, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    job = ImportJob.objects.get()
    progress = client.get(reverse("workbench:import_progress", kwargs={"job_id": job.pk})).json()
    assert progress["state"] == "done" and progress["percent"] == 100 and progress["result"]["cases"] == 1
    page = body_text(client.get(response["Location"]))
    assert "第1批" in page and f"batch={progress['result']['batch']}" in page
    case = Case.objects.get(original_code="D3SX202605280001")
    assert case.is_key_case and case.source == "central" and case.lead_department == city.env


def test_referral_import_reports_errors_by_row_and_column(city, login, django_capture_on_commit_callbacks):
    client = login(city.intake)
    response = upload(client, CSV_BAD, 2, django_capture_on_commit_callbacks)
    progress = client.get(response["Location"].rstrip("/") + "/progress.json").json()
    assert progress["state"] == "failed" and progress["finished"]
    assert {(e["row"], e["column"]) for e in progress["errors"]} == {(2, "乡镇街道")}
    page = body_text(client.get(response["Location"]))
    assert "乡镇街道" in page and "<td>2</td>" in page
    assert not Case.objects.exists()


def test_import_form_refuses_a_bad_file_and_missing_due(city, login):
    client = login(city.intake)
    response = client.post(reverse("workbench:import"), {
        "file": SimpleUploadedFile("x.exe", b"MZ"), "source": "central", "number": 3, "received_on": "2026-05-28"})
    assert response.status_code == 200 and not ImportJob.objects.exists()


@pytest.fixture
def task(city):
    task = RectificationTask.objects.create(number=7, title="城区餐饮油烟整治", problem="p", responsible_leader="副市长",
                                            lead_department=city.env, target="t", measures="m",
                                            start_date=date(2026, 1, 1), deadline=date(2026, 12, 31))
    Milestone.objects.create(task=task, title="排查", due_date=date(2026, 3, 1))
    return task


def test_meeting_record_with_decisions_and_action_items(city, new_case, task, login):
    case = new_case()
    client = login(city.intake)
    response = client.post(reverse("workbench:meeting_new"), {
        "held_on": "2026-03-10", "title": "油烟整治联席会议", "convener": "副市长",
        "departments": [city.env.pk, city.water.pk], "minutes": "会议纪要", "cases": f"{case.reference}",
        "tasks": [task.pk], "d-TOTAL_FORMS": 3, "d-INITIAL_FORMS": 0,
        "d-0-decision": "一周内完成排查", "d-0-department": city.env.pk, "d-0-due_on": "2026-03-17"})
    assert response.status_code == 302, body_text(response)[:2000]
    meeting = JointMeeting.objects.get()
    item = ActionItem.objects.get(meeting=meeting)
    assert Clock.objects.filter(action_item=item).exists()
    assert CaseEvent.objects.filter(case=case, kind="meeting").exists()
    handler = login(city.env_handler)
    done = handler.post(reverse("workbench:complete_item", kwargs={"meeting_id": meeting.pk, "item_id": item.pk}),
                        {f"item{item.pk}-outcome": "已完成排查"})
    assert done.status_code == 302
    item.refresh_from_db()
    assert item.done_at and item.outcome == "已完成排查"
    assert login(city.build_handler).get(reverse("workbench:meeting", kwargs={"meeting_id": meeting.pk})
                                         ).status_code == 404


def test_meeting_with_unknown_case_reference_is_refused(city, login):
    response = login(city.intake).post(reverse("workbench:meeting_new"), {
        "held_on": "2026-03-10", "title": "t", "convener": "c", "departments": [city.env.pk], "minutes": "m",
        "cases": "HB2026-999999", "d-TOTAL_FORMS": 0, "d-INITIAL_FORMS": 0})
    assert response.status_code == 200 and "HB2026-999999" in body_text(response)
    assert not JointMeeting.objects.exists()


def test_phone_case_through_the_intake_service(city, login):
    client = login(city.intake)
    response = client.post(reverse("workbench:new"), {
        "source": "phone", "source_detail": "12369热线", "category": city.air.pk, "description": "工地扬尘严重",
        "latitude": "36.550000", "longitude": "117.050000", "name": "张三", "phone": "13800138000",
        "consented": "on", "photos": [SimpleUploadedFile("p.jpg", jpeg_bytes(), content_type="image/jpeg")]})
    assert response.status_code == 200
    case = Case.objects.get()
    page = body_text(response)
    assert case.reference in page and re.search(r'class="wb-code">[A-Z2-9]{10}<', page)
    assert (case.source, case.source_detail, case.lead_department) == ("phone", "12369热线", city.env)
    assert ReporterIdentity.objects.get(case=case).phone == "13800138000"
    assert Photo.objects.get(case=case).kind == "citizen"
    handler_page = body_text(login(city.env_handler).get(reverse("workbench:detail", args=[case.pk])))
    assert not any(mark in handler_page for mark in REPORTER_MARKS)


def test_staff_form_needs_a_location_and_consent(city, login):
    response = login(city.intake).post(reverse("workbench:new"), {
        "source": "letter", "category": city.air.pk, "description": "x"})
    assert response.status_code == 200 and not Case.objects.exists()
