"""The access matrix (PRODUCT §3, ENGINEERING rule 11): every URL the case views
generate, for every role, against a case of department A (市生态环境局).

B's handler gets 404 on object URLs and never sees the case in lists, counts,
exports or search; reporter identity appears only for the intake officer, in the
logged reveal; editors never open case views; anonymous users go to the login;
refused POSTs change nothing, whatever extra fields they carry.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from cases.models import Case, IdentityAccessLog, ImportJob, JointMeeting, Photo
from cases.photos import attach_photos
from cases.workbench.registry import SPECS
from tests.workbench.helpers import REPORTER_MARKS, body_text, jpeg_bytes

pytestmark = pytest.mark.django_db

ROLES = ["intake", "env_handler", "water_handler", "env_head", "supervisor", "editor", "anonymous"]
LOGIN = "login"
# Actions each role may take on a freshly routed (assigned) case of department A.
AVAILABLE = {
    "intake": {"merge", "note", "evidence", "publicity", "transfer"},
    "env_handler": {"accept", "return", "note", "evidence"},
    "env_head": {"accept", "return", "note", "evidence"},
    "supervisor": {"note"},
}


@pytest.fixture
def world(city, new_case, login):
    case = new_case(description="化工厂夜间偷排废气")
    assert case.lead_department == city.env and case.state == "assigned"
    photo = attach_photos(case, [SimpleUploadedFile("a.jpg", jpeg_bytes())], kind="citizen", now=case.received_at)[0]
    job = ImportJob.objects.create(kind="referral_batch", state="failed", errors=[{"row": 2, "column": "x",
                                                                                  "message": "m"}])
    meeting = JointMeeting.objects.create(held_on="2026-03-03", title="联席会议", convener="副市长", minutes="m")
    meeting.departments.add(city.env)
    meeting.cases.add(case)
    clients = {name: login(getattr(city, name)) for name in ROLES if name != "anonymous"}
    clients["anonymous"] = Client()
    return {"case": case, "photo": photo, "job": job, "meeting": meeting, "clients": clients}


def get_urls(w):
    case, photo = w["case"], w["photo"]
    obj = {"pk": case.pk}
    return {
        "list": reverse("workbench:list"),
        "search_reference": reverse("workbench:list") + f"?q={case.reference}",
        "search_text": reverse("workbench:list") + "?q=偷排",
        "export": reverse("workbench:export"),
        "export_search": reverse("workbench:export") + f"?q={case.reference}",
        "detail": reverse("workbench:detail", kwargs=obj),
        "merge_candidates": reverse("workbench:merge_candidates", kwargs=obj) + "?q=HB",
        "thumb": reverse("workbench:photo", kwargs={**obj, "photo_id": photo.pk, "variant": "thumb"}),
        "image": reverse("workbench:photo", kwargs={**obj, "photo_id": photo.pk, "variant": "image"}),
        "original": reverse("workbench:photo", kwargs={**obj, "photo_id": photo.pk, "variant": "original"}),
        "scorecard": reverse("workbench:scorecard"),
        "scorecard_export": reverse("workbench:scorecard_export"),
        "import": reverse("workbench:import"),
        "import_job": reverse("workbench:import_job", kwargs={"job_id": w["job"].pk}),
        "import_progress": reverse("workbench:import_progress", kwargs={"job_id": w["job"].pk}),
        "new": reverse("workbench:new"),
        "tasks": reverse("workbench:tasks"),
        "meetings": reverse("workbench:meetings"),
        "meeting": reverse("workbench:meeting", kwargs={"meeting_id": w["meeting"].pk}),
        "dashboard": reverse("wagtailadmin_home"),
    }


ALL = {"intake", "env_handler", "water_handler", "env_head", "supervisor"}
SEES_A = {"intake", "env_handler", "env_head", "supervisor"}
EXPECTED_GET = {
    # url name: roles answered 200; other signed-in roles get `refusal`
    "list": (ALL, 403), "search_reference": (ALL, 403), "search_text": (ALL, 403),
    "export": (ALL, 403), "export_search": (ALL, 403),
    "detail": (SEES_A, 404), "thumb": (SEES_A, 404), "image": (SEES_A, 404),
    "original": ({"intake"}, 404), "merge_candidates": ({"intake"}, 404),
    "scorecard": ({"intake", "supervisor"}, 403), "scorecard_export": ({"intake", "supervisor"}, 403),
    "import": ({"intake"}, 403), "import_job": ({"intake"}, 404), "import_progress": ({"intake"}, 404),
    "new": ({"intake"}, 403), "tasks": (ALL, 403), "meetings": (ALL, 403),
    "meeting": ({"intake", "supervisor", "env_handler", "env_head"}, 404),
    "dashboard": (ALL | {"editor"}, None),
}


def shows_case(text: str, case: Case) -> bool:
    """A link to the case (pages) or its reference in a cell (exports); a search box
    echoing the typed reference is not showing the case."""
    link = f'href="{reverse("workbench:detail", kwargs={"pk": case.pk})}"'
    return link in text or f"\n{case.reference}\n" in f"\n{text}\n"


def assert_login_redirect(response):
    assert response.status_code == 302 and "/admin/login/" in response["Location"], response


def test_every_get_url_for_every_role(world):
    urls = get_urls(world)
    for role in ROLES:
        client = world["clients"][role]
        for name, url in urls.items():
            response = client.get(url)
            if role == "anonymous":
                assert_login_redirect(response)
                continue
            allowed, refusal = EXPECTED_GET[name]
            expected = 200 if role in allowed else refusal
            assert response.status_code == expected, (role, name, response.status_code)
            text = body_text(response) if response.status_code == 200 else ""
            for mark in REPORTER_MARKS:
                assert mark not in text, (role, name, mark)
            if role == "water_handler":
                assert not shows_case(text, world["case"]), (name, "B must never see A's case")


def test_lists_and_search_show_the_case_only_to_those_who_see_it(world):
    urls = get_urls(world)
    for role in SEES_A:
        client = world["clients"][role]
        for name in ("list", "search_reference", "search_text", "export", "export_search"):
            assert shows_case(body_text(client.get(urls[name])), world["case"]), (role, name)
    assert not shows_case(body_text(world["clients"]["intake"].get(urls["list"] + "?q=没有这个词")), world["case"])


def test_dashboard_counts_for_b_leave_out_a_case(world):
    from cases.dashboard import dashboard_counts

    counts = dashboard_counts(world["case"].lead_department.staff.first().user)
    assert counts["open"] == 1
    water = world["clients"]["water_handler"].get(reverse("wagtailadmin_home"))
    assert world["case"].reference not in body_text(water)
    from django.contrib.auth.models import User

    assert dashboard_counts(User.objects.get(username="water_handler"))["open"] == 0


def snapshot(case: Case) -> tuple:
    case = Case.objects.get(pk=case.pk)
    return (case.state, case.version, case.lead_department_id, case.next_due_at, case.is_public,
            case.public_summary, case.accepted_at, case.closed_at)


def extra_fields(city) -> dict:
    return {"state": "closed", "lead_department": city.water.pk, "next_due_at": "2030-01-01T00:00",
            "due_at": "2030-01-01", "is_overdue": "", "accepted_at": "2020-01-01", "version": "999"}


def test_every_action_url_for_every_role_changes_nothing_unless_allowed(world, city):
    case = world["case"]
    before = snapshot(case)
    for role in ROLES:
        client = world["clients"][role]
        for name in SPECS:
            url = reverse("workbench:act", kwargs={"pk": case.pk, "name": name})
            allowed = name in AVAILABLE.get(role, set())
            # Allowed actions get a stale version (or miss their fields): nothing may change.
            version = case.version + 100 if allowed else case.version
            data = {**extra_fields(city), **{f"{name}-{k}": v for k, v in extra_fields(city).items()},
                    f"{name}-version": version}
            response = client.post(url, data)
            if role == "anonymous":
                assert_login_redirect(response)
            elif role in ("water_handler", "editor"):
                assert response.status_code == 404, (role, name)
            elif allowed:
                assert response.status_code in (200, 302), (role, name, response.status_code)
            else:
                assert response.status_code == 403, (role, name, response.status_code)
            for mark in REPORTER_MARKS:
                assert mark not in body_text(response), (role, name)
    after = snapshot(case)
    assert after[:4] == before[:4] and after[6:] == before[6:]


def test_reporter_identity_only_for_the_intake_officer_and_logged(world):
    case = world["case"]
    url = reverse("workbench:reporter", kwargs={"pk": case.pk})
    for role in ROLES:
        response = world["clients"][role].post(url, {"purpose": "回访"})
        if role == "intake":
            assert response.status_code == 200
            assert "张三" in body_text(response) and "13800138000" in body_text(response)
        elif role == "anonymous":
            assert_login_redirect(response)
        else:
            assert response.status_code == 404, role
            assert not any(m in body_text(response) for m in REPORTER_MARKS)
        # A GET never shows it, not even to the intake officer.
        assert world["clients"][role].get(url).status_code in (302, 404, 405)
    log = IdentityAccessLog.objects.get()
    assert (log.case_id, log.user.username, log.purpose) == (case.pk, "intake", "回访")


def test_bulk_dispatch_is_for_intake_only(world, city, new_case):
    waiting = new_case(route=False)
    url = reverse("workbench:bulk_dispatch")
    data = {"bulk-cases": [f"{waiting.pk}:{waiting.version}"], "bulk-department": city.water.pk}
    for role in ("env_handler", "water_handler", "env_head", "supervisor", "editor"):
        assert world["clients"][role].post(url, data).status_code == 403, role
    assert_login_redirect(world["clients"]["anonymous"].post(url, data))
    assert Case.objects.get(pk=waiting.pk).state == "submitted"
    assert world["clients"]["intake"].post(url, data).status_code == 302
    assert Case.objects.get(pk=waiting.pk).lead_department == city.water


def test_photo_responses_are_not_sniffable_and_originals_are_for_intake(world):
    urls = get_urls(world)
    response = world["clients"]["env_handler"].get(urls["image"])
    assert response["X-Content-Type-Options"] == "nosniff" and response["Content-Type"] == "image/jpeg"
    original = world["clients"]["intake"].get(urls["original"])
    assert original.status_code == 200 and original["X-Content-Type-Options"] == "nosniff"
    assert b"".join(original.streaming_content)[:2] == b"\xff\xd8"
    assert Photo.objects.count() == 1
