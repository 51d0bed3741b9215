"""The programme screens of the workbench: the access matrix over every URL (departments
see only their tasks, nobody but the office manages, verifies or writes off), the
flow through the forms, and the three .xlsx lists."""

import io
from datetime import date

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from cases import roles
from cases.models import EvidenceFile, MilestoneTemplate, MilestoneTemplateStep, RectificationTask, TaskState
from cases.programme import progress
from tests import factories as f
from tests.cases.programme.conftest import T0, at, in_notice, jpeg_bytes, pdf_bytes, scheduled_task, upload
from tests.workbench.helpers import body_text

pytestmark = pytest.mark.django_db
ROLES = ["office", "env_handler", "water_handler", "build_handler", "intake", "supervisor", "editor", "anonymous"]
SEE = {"office", "env_handler", "water_handler", "intake", "supervisor"}


@pytest.fixture
def office(city):
    return f.user("office", roles.OFFICE, city.desk)


@pytest.fixture
def world(city, office, login):
    task, m1, _m2 = scheduled_task(city, office)
    progress.post_progress(m1, city.env_handler, 30, "方案起草中", [upload("方案.pdf", pdf_bytes())], now=T0)
    evidence = EvidenceFile.objects.get()
    users = {"office": office, **{n: getattr(city, n) for n in ROLES if n not in ("office", "anonymous")}}
    clients = {name: login(user) for name, user in users.items()}
    clients["anonymous"] = Client()
    return {"task": task, "m1": m1, "evidence": evidence, "clients": clients}


def urls(w):
    t = {"task_id": w["task"].pk}
    return {
        "list": reverse("workbench:tasks"),
        "detail": reverse("workbench:task", kwargs=t),
        "edit": reverse("workbench:task_edit", kwargs=t),
        "new": reverse("workbench:task_new"),
        "schedule": reverse("workbench:task_schedule", kwargs=t),
        "problems": reverse("workbench:task_export", kwargs={"kind": "problems"}),
        "evidence": reverse("workbench:evidence", kwargs={**t, "evidence_id": w["evidence"].pk, "variant": "file"}),
    }


def expected(role: str, name: str) -> int:
    if role == "anonymous":
        return 302
    if name in ("edit", "new", "schedule"):
        return 200 if role == "office" else (403 if name == "new" else 404)
    if name in ("list", "problems"):
        return 403 if role == "editor" else 200
    return 200 if role in SEE else 404


@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(world, role):
    client = world["clients"][role]
    for name, url in urls(world).items():
        response = client.get(url)
        assert response.status_code == expected(role, name), (role, name, response.status_code)
        if name == "list" and response.status_code == 200:
            assert ("城区黑臭水体整治" in body_text(response)) == (role in SEE), role
        if name == "problems" and response.status_code == 200:
            rows = list(load_workbook(io.BytesIO(response.getvalue())).active.iter_rows(values_only=True))
            assert (len(rows) == 2) == (role in SEE), role


@pytest.mark.parametrize("role, action, status", [
    ("water_handler", "accept", 400),  # a co-department cannot verify
    ("env_handler", "accept", 400),
    ("supervisor", "accept", 400),
    ("build_handler", "accept", 404),  # no part in the task: it does not exist
    ("build_handler", "progress", 404),
    ("water_handler", "progress", 400),  # the lead department's milestone
])
def test_refused_milestone_posts_change_nothing(world, role, action, status):
    m1 = world["m1"]
    progress.report_done(m1, _lead(), now=T0)
    url = reverse("workbench:milestone_act", kwargs={"task_id": world["task"].pk, "milestone_id": m1.pk,
                                                     "name": action})
    prefix = f"m{m1.pk}" + ("a" if action == "accept" else "")
    before = list(m1.task.events.values_list("pk", flat=True))
    response = world["clients"][role].post(url, {f"{prefix}-version": 2, f"{prefix}-percent": 50,
                                                 f"{prefix}-narrative": "x"})
    assert response.status_code == status
    assert list(m1.task.events.values_list("pk", flat=True)) == before


def _lead():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="env_handler")


def test_only_the_office_verifies_and_writes_off(city, office, world):
    task = in_notice(city, office, world["task"])
    for role in ("env_handler", "water_handler", "supervisor", "intake"):
        response = world["clients"][role].post(reverse("workbench:task_act", kwargs={
            "task_id": task.pk, "name": "write_off"}), {"writeoff-version": task.version})
        assert response.status_code == 400, role
    with time_machine.travel(at("2026-03-20"), tick=False):
        early = world["clients"]["office"].post(reverse("workbench:task_act", kwargs={
            "task_id": task.pk, "name": "write_off"}), {"writeoff-version": task.version})
    assert early.status_code == 400 and "2026-03-23" in body_text(early)
    with time_machine.travel(at("2026-03-24"), tick=False):
        done = world["clients"]["office"].post(reverse("workbench:task_act", kwargs={
            "task_id": task.pk, "name": "write_off"}), {"writeoff-version": task.version})
    assert done.status_code == 302
    assert RectificationTask.objects.get().state == TaskState.WRITTEN_OFF


def test_office_creates_and_schedules_a_task_through_the_forms(city, office, login):
    template = MilestoneTemplate.objects.create(name="三步")
    for order, (title, share) in enumerate([("制定方案", 20), ("组织实施", 60), ("申请销号", 20)], start=1):
        MilestoneTemplateStep.objects.create(template=template, sort_order=order, title=title, share=share)
    client = login(office)
    data = {"number": 3, "title": "矿山生态修复", "problem": "问题", "source": "feedback", "responsible_leader": "张海涛",
            "leader_post": "副市长", "lead_department": city.env.pk, "co_departments": [city.water.pk],
            "target": "目标", "measures": "措施", "deadline": "2026-01-05", "notice_working_days": 5, "cases": ""}
    with time_machine.travel(T0, tick=False):
        refused = client.post(reverse("workbench:task_new"), data)
        assert refused.status_code == 400 and not RectificationTask.objects.exists()
        assert "before today" in body_text(refused) or "今天" in body_text(refused)
        created = client.post(reverse("workbench:task_new"), {**data, "deadline": "2026-10-13"})
        assert created.status_code == 302
        task = RectificationTask.objects.get()
        url = reverse("workbench:task_schedule", kwargs={"task_id": task.pk})
        plan = client.get(url, {"template": template.pk})
        assert plan.status_code == 200 and "2026-10-13" in body_text(plan)
        confirm = {"version": task.version, "s-TOTAL_FORMS": 3, "s-INITIAL_FORMS": 3, "s-MIN_NUM_FORMS": 1,
                   "s-MAX_NUM_FORMS": 30, "s-0-title": "制定方案", "s-0-due_date": "2026-05-06",
                   "s-1-title": "组织实施", "s-1-due_date": "2026-10-01", "s-2-title": "申请销号",
                   "s-2-due_date": "2026-10-13"}
        holiday = client.post(url, confirm)
        assert holiday.status_code == 400 and not task.milestones.exists()
        assert client.post(url, {**confirm, "s-1-due_date": "2026-10-10", "s-2-department": city.build.pk}
                           ).status_code == 400  # not a co-department of the task
        assert client.post(url, {**confirm, "s-1-due_date": "2026-10-10", "s-2-department": city.water.pk}
                           ).status_code == 302
    assert list(task.milestones.values_list("due_date", "department")) == [
        (date(2026, 5, 6), None), (date(2026, 10, 10), None), (date(2026, 10, 13), city.water.pk)]


def test_department_reports_progress_with_a_photo_and_a_pdf(city, office, world):
    m1 = world["m1"]
    client = world["clients"]["env_handler"]
    url = reverse("workbench:milestone_act", kwargs={"task_id": world["task"].pk, "milestone_id": m1.pk,
                                                     "name": "progress"})
    with time_machine.travel(T0, tick=False):
        response = client.post(url, {f"m{m1.pk}-version": 1, f"m{m1.pk}-percent": 80, f"m{m1.pk}-narrative": "现场完工",
                                     f"m{m1.pk}-files": [upload("现场.jpg", jpeg_bytes()), upload("验收.pdf", pdf_bytes())]})
    assert response.status_code == 302
    assert set(EvidenceFile.objects.values_list("kind", flat=True)) == {"pdf", "photo"}
    photo = EvidenceFile.objects.get(kind="photo")
    thumb = reverse("workbench:evidence", kwargs={"task_id": world["task"].pk, "evidence_id": photo.pk,
                                                  "variant": "thumb"})
    assert world["clients"]["water_handler"].get(thumb).status_code == 200
    assert world["clients"]["build_handler"].get(thumb).status_code == 404
