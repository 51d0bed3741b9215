"""Every figure on every public page and export agrees with an independent count of
the rows: on the demo city, then after a case is closed, a task written off and a
referral batch imported (tests/cms/figure_pages.py reads the pages)."""

import io
from datetime import datetime, time, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from cases import roles
from cases.calendar import SHANGHAI as SH
from cases.models import (
    Case,
    CaseSource,
    CaseState,
    Category,
    MilestoneState,
    RectificationTask,
    TaskState,
    Township,
)
from cases.programme import progress, writeoff
from cases.referrals import import_batch
from cases.results import close, submit_result
from tests.cms.figure_pages import check_all

NOW = "2026-11-29T10:00:00+08:00"


def staff(role: str, department=None):
    users = get_user_model().objects.filter(groups__name=role, is_active=True).order_by("pk")
    return (users.filter(staff_profile__department=department) if department else users).first()


def close_the_open_central_case() -> Case:
    case = Case.objects.get(source=CaseSource.CENTRAL, state=CaseState.IN_PROGRESS)
    handler = staff(roles.HANDLER, case.lead_department)
    case = submit_result(case, handler, findings="现场核查属实。", reply="已整改到位。", public_summary="已整改到位。")
    return close(case, staff(roles.INTAKE))


def write_off_a_task(time_machine) -> RectificationTask:
    """Through the programme services: milestones reported and verified, the task
    submitted, verified, noticed and, after the notice period, written off."""
    task = RectificationTask.objects.filter(state=TaskState.IN_PROGRESS).order_by("number").first()
    office = staff(roles.OFFICE)
    for m in task.milestones.exclude(state=MilestoneState.ACCEPTED).order_by("sort_order"):
        if m.state == MilestoneState.OPEN:
            progress.report_done(m, staff(roles.HANDLER, m.department or task.lead_department))
        progress.accept_milestone(m, office)
    writeoff.submit_for_writeoff(task, staff(roles.HANDLER, task.lead_department))
    writeoff.record_verification(task, office, verified_on=timezone.localdate(), verified_by="市整改办",
                                 method="on_site", findings="现场验收合格。")
    task.refresh_from_db()
    time_machine.move_to(datetime.combine(task.notice_ends_on + timedelta(days=3), time(10), tzinfo=SH), tick=False)
    return writeoff.write_off(task, office)


def import_a_batch():
    township = Township.objects.order_by("sort_order", "pk").first()
    category = Category.objects.filter(parent__isnull=True).order_by("sort_order", "pk").first()
    lines = ["序号,受理编号,重点件,乡镇街道,问题类型,举报内容,行政区域"] + [
        f"{n},D3SX2026112900{n:02d},否,{township.name},{category.name},反映某企业夜间排放异味（{n}）,{township.name}"
        for n in (1, 2, 3)]
    result = import_batch(io.BytesIO("\n".join(lines).encode("utf-8-sig")), "第9批.csv", source="central",
                          number=9, received_at=timezone.now(), due_at=timezone.localdate() + timedelta(days=10))
    assert not result.errors, result.errors
    return result


@pytest.mark.slow
@pytest.mark.django_db
def test_every_public_figure_agrees_on_the_demo_city_and_after_changes(client, time_machine,
                                                                      django_capture_on_commit_callbacks):
    time_machine.move_to(NOW, tick=False)
    call_command("seed_demo", now=NOW, citizen_cases=10, stdout=io.StringIO())
    oracle = check_all(client)
    assert oracle.checked > 100
    assert [oracle.values[k] for k in ("tasks.completed", "central.received", "central.closed")] == ["12", "153", "152"]
    # The clock is frozen, so a change does not move the newest updated_at: what reaches
    # the pages is the public-data version bumped on commit (run here as after a commit).
    with django_capture_on_commit_callbacks(execute=True):
        close_the_open_central_case()
    assert check_all(client).values["central.closed"] == "153"
    with django_capture_on_commit_callbacks(execute=True):
        write_off_a_task(time_machine)
    assert check_all(client).values["tasks.completed"] == "13"
    with django_capture_on_commit_callbacks(execute=True):
        import_a_batch()
    oracle = check_all(client)
    assert (oracle.values["central.received"], oracle.values["batch.central.9.in_progress"]) == ("156", "3")
