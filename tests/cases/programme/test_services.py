"""Programme services: every action and who may take it."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from cases.lifecycle import ConflictError, ForbiddenTransition, MissingReason, NotPermitted, WorkflowError
from cases.models import Milestone, Notification, Objection, RectificationTask, TaskEvent, TaskState
from cases.programme import ledger, progress, reopen_task, task_progress, writeoff, written_off_tasks
from tests.cases.programme.conftest import T0, at, in_notice, scheduled_task, task_input

pytestmark = pytest.mark.django_db


def test_only_the_office_creates_and_bad_input_saves_nothing(city, office):
    with pytest.raises(NotPermitted):
        ledger.create_task(task_input(city), city.intake, now=T0)
    with pytest.raises(ValidationError) as exc:
        ledger.create_task(task_input(city, deadline=date(2026, 2, 1), co_departments=[city.env]), office, now=T0)
    assert set(exc.value.message_dict) == {"deadline", "co_departments"}
    assert not RectificationTask.objects.exists() and not TaskEvent.objects.exists()
    task = ledger.create_task(task_input(city), office, now=T0)
    assert task.state == TaskState.IN_PROGRESS and task.start_date == T0.date()
    assert list(task.co_departments.all()) == [city.water]
    assert task.events.get().kind == "created"


def test_edit_checks_the_version_and_milestone_dates(city, office):
    task, m1, m2 = scheduled_task(city, office)
    with pytest.raises(ConflictError):
        ledger.update_task(task, task_input(city, title="新标题"), office, expected_version=task.version - 1, now=T0)
    with pytest.raises(ValidationError, match="milestone"):
        ledger.update_task(task, task_input(city, deadline=date(2026, 7, 31)), office, expected_version=task.version,
                           now=T0)
    updated = ledger.update_task(task, task_input(city, title="新标题"), office, expected_version=task.version, now=T0)
    assert updated.title == "新标题" and updated.version == task.version + 1
    assert task.events.filter(kind="edited", data__fields=["title"]).exists()


def test_schedule_and_date_adjustments_are_checked(city, office):
    task = ledger.create_task(task_input(city), office, now=T0)
    with pytest.raises(ValidationError):
        ledger.save_schedule(task, office, [("a", date(2026, 5, 1))], expected_version=0, now=T0)  # holiday
    with pytest.raises(ValidationError):
        ledger.save_schedule(task, office, [("a", date(2026, 6, 1)), ("b", date(2026, 5, 6))], expected_version=0,
                             now=T0)
    assert not task.milestones.exists()
    m1, m2 = ledger.save_schedule(task, office, [("a", date(2026, 4, 30)), ("b", date(2026, 9, 30))],
                                  expected_version=0, now=T0)
    with pytest.raises(ValidationError):
        ledger.set_milestone_due(m1, office, date(2026, 10, 1), expected_version=m1.version, now=T0)
    moved = ledger.set_milestone_due(m1, office, date(2026, 5, 6), expected_version=m1.version, now=T0)
    assert moved.due_date == date(2026, 5, 6)
    with pytest.raises(NotPermitted):
        ledger.set_milestone_due(m1, city.env_handler, date(2026, 5, 7), expected_version=None, now=T0)


def test_departments_report_only_on_their_own_milestones(city, office):
    task, m1, m2 = scheduled_task(city, office)
    with pytest.raises(NotPermitted):
        progress.post_progress(m1, city.water_handler, 50, "进展", now=T0)  # co-department, lead's milestone
    with pytest.raises(NotPermitted):
        progress.post_progress(m2, city.build_handler, 50, "进展", now=T0)  # no part in the task
    with pytest.raises(ValidationError):
        progress.post_progress(m1, city.env_handler, 120, "进展", now=T0)
    with pytest.raises(MissingReason):
        progress.post_progress(m1, city.env_handler, 40, " ", now=T0)
    report = progress.post_progress(m2, city.water_handler, 40, "完成排查", now=T0)
    assert report.department == city.water and Milestone.objects.get(pk=m2.pk).percent == 40
    assert task_progress(task, list(task.milestones.all()), T0.date()).percent == 20


def test_milestone_done_goes_to_the_office(city, office):
    task, m1, _m2 = scheduled_task(city, office)
    with pytest.raises(NotPermitted):
        progress.report_done(m1, city.water_handler, now=T0)
    progress.report_done(m1, city.env_handler, now=at("2026-04-20"))
    with pytest.raises(NotPermitted):
        progress.accept_milestone(m1, city.env_head, now=T0)
    with pytest.raises(MissingReason):
        progress.send_back_milestone(m1, office, "", now=T0)
    progress.send_back_milestone(m1, office, "佐证材料不全", now=T0)
    progress.report_done(m1, city.env_handler, now=at("2026-04-22"))
    accepted = progress.accept_milestone(m1, office, now=at("2026-04-25"))
    assert accepted.state == "accepted" and accepted.completed_at == date(2026, 4, 22)
    with pytest.raises(ForbiddenTransition):
        progress.accept_milestone(m1, office, now=T0)


def test_submission_needs_the_lead_department_and_verified_milestones(city, office):
    task, m1, m2 = scheduled_task(city, office)
    with pytest.raises(WorkflowError, match="milestone"):
        writeoff.submit_for_writeoff(task, city.env_handler, now=T0)
    for m, who in ((m1, city.env_handler), (m2, city.water_handler)):
        progress.report_done(m, who, now=T0)
        progress.accept_milestone(m, office, now=T0)
    with pytest.raises(NotPermitted):
        writeoff.submit_for_writeoff(task, city.water_handler, now=T0)  # a co-department
    assert writeoff.submit_for_writeoff(task, city.env_head, now=T0).state == TaskState.VERIFICATION
    with pytest.raises(NotPermitted):
        writeoff.record_verification(task, city.supervisor, verified_on=T0.date(), verified_by="x",
                                     method="on_site", findings="y", now=T0)


def test_two_offices_verifying_at_once_one_wins(city, office):
    task, m1, m2 = scheduled_task(city, office)
    for m, who in ((m1, city.env_handler), (m2, city.water_handler)):
        progress.report_done(m, who, now=T0)
        progress.accept_milestone(m, office, now=T0)
    seen = writeoff.submit_for_writeoff(task, city.env_handler, now=T0).version
    writeoff.record_verification(task, office, verified_on=T0.date(), verified_by="甲", method="documents",
                                 findings="合格", expected_version=seen, now=T0)
    with pytest.raises(ConflictError):
        writeoff.record_verification(task, office, verified_on=T0.date(), verified_by="乙", method="on_site",
                                     findings="合格", expected_version=seen, now=T0)
    assert task.verifications.count() == 1


def test_notice_period_objections_and_write_off(city, office):
    task = in_notice(city, office, scheduled_task(city, office)[0])
    assert task.state == TaskState.NOTICE
    assert (task.notice_started_on, task.notice_ends_on) == (date(2026, 3, 16), date(2026, 3, 23))  # 5 working days
    objection = writeoff.file_objection(task, "河道仍有异味", now=at("2026-03-18"))
    assert Notification.objects.get(template="programme_objection").audience == f"department:{city.desk.pk}"
    with pytest.raises(WorkflowError, match="notice period"):
        writeoff.write_off(task, office, now=at("2026-03-23"))
    with pytest.raises(WorkflowError, match="objection"):
        writeoff.write_off(task, office, now=at("2026-03-24"))
    writeoff.decide_objection(objection, office, False, "经复核，异味来自上游，已另行交办", now=at("2026-03-24"))
    with pytest.raises(WorkflowError):
        writeoff.file_objection(task, "迟到的异议", now=at("2026-03-24"))
    with pytest.raises(NotPermitted):
        writeoff.write_off(task, city.supervisor, now=at("2026-03-24"))
    done = writeoff.write_off(task, office, now=at("2026-03-24"))
    assert done.state == TaskState.WRITTEN_OFF and done.verified_by == office
    assert task_progress(done, list(done.milestones.all()), date(2026, 4, 1)).status == "done"
    assert list(written_off_tasks()) == [done]


def test_an_upheld_objection_reopens_the_task(city, office):
    task = in_notice(city, office, scheduled_task(city, office)[0])
    objection = writeoff.file_objection(task, "仍有排污", now=at("2026-03-17"))
    writeoff.decide_objection(objection, office, True, "经核实仍有排污", now=at("2026-03-18"))
    task.refresh_from_db()
    assert task.state == TaskState.IN_PROGRESS and task.notice_ends_on is None
    assert Objection.objects.get().state == "upheld"
    assert task.events.filter(kind="reopen", data__source="objection", is_public=True).exists()


def test_reopen_a_written_off_task_for_a_relapse(city, office):
    task = in_notice(city, office, scheduled_task(city, office)[0])
    writeoff.write_off(task, office, now=at("2026-03-24"))
    with pytest.raises(NotPermitted):
        reopen_task(task, city.env_handler, "复发", source="relapse")
    with pytest.raises(MissingReason):
        reopen_task(task, None, "", source="spot_check")
    reopened = reopen_task(task, None, "回头看发现问题反弹", source="spot_check", now=at("2026-05-01"))
    assert reopened.state == TaskState.IN_PROGRESS and reopened.verified_at is None
    assert not written_off_tasks().exists()
    assert RectificationTask.objects.visible_to(city.build_handler).count() == 0
    assert RectificationTask.objects.visible_to(city.water_handler).get() == task


def test_timeline_is_written_with_every_change(city, office):
    task = in_notice(city, office, scheduled_task(city, office)[0])
    kinds = list(task.events.values_list("kind", flat=True))
    assert kinds[:2] == ["created", "scheduled"] and kinds[-2:] == ["submit_for_writeoff", "verify"]
    assert kinds.count("milestone_accept") == 2
    assert T0 + timedelta(days=1) > task.events.first().created_at
