"""Rectification tasks, joint meetings and spot checks."""

from datetime import date, timedelta

import pytest

from cases import actions, results
from cases.models import CaseEvent, Milestone, Notification, RectificationTask, SpotCheck
from cases.programme import (
    complete_action_item,
    record_meeting,
    record_spot_check,
    sample_spot_checks,
    task_progress,
)
from cases.sweep import sweep
from cases.workflow import NotPermitted, WorkflowError
from tests.cases.conftest import T0


def make_task(city, number=1, start="2025-01-01", deadline="2026-12-31", milestones=()):
    task = RectificationTask.objects.create(
        number=number, title="城区黑臭水体整治", problem="p", responsible_leader="王建国", lead_department=city.env,
        target="t", measures="m", start_date=date.fromisoformat(start), deadline=date.fromisoformat(deadline))
    for i, (due, done) in enumerate(milestones):
        Milestone.objects.create(task=task, sort_order=i, title=f"节点{i}", due_date=date.fromisoformat(due),
                                 completed_at=date.fromisoformat(done) if done else None)
    return task


@pytest.mark.parametrize("today, milestones, status, percent", [
    ("2026-03-01", [("2025-06-30", "2025-06-20"), ("2026-09-30", None)], "on_track", 50),
    ("2026-09-20", [("2025-06-30", "2025-06-20"), ("2026-09-30", None)], "at_risk", 50),
    ("2026-10-05", [("2025-06-30", "2025-06-20"), ("2026-09-30", None)], "late", 50),
    ("2026-11-01", [("2025-06-30", None), ("2026-12-01", None)], "late", 0),
    ("2026-06-01", [("2026-12-01", None), ("2026-12-10", None)], "at_risk", 0),  # far behind by time
])
def test_task_status_from_dates(city, today, milestones, status, percent):
    task = make_task(city, milestones=milestones)
    progress = task_progress(task, list(task.milestones.all()), date.fromisoformat(today))
    assert (progress.status, progress.percent) == (status, percent)


def test_meeting_action_items_run_on_clocks(city, new_case):
    case = new_case()
    task = make_task(city)
    due = T0 + timedelta(days=10)
    meeting = record_meeting(held_on=T0.date(), title="黑臭水体联席会议", convener="市整改办",
                             departments=[city.env, city.water], minutes="会议纪要", cases=[case], tasks=[task],
                             decisions=[("水利局负责河道清淤", city.water, due)], actor=city.intake, now=T0)
    item = meeting.action_items.get()
    assert case.events.filter(kind="meeting").exists() and list(task.meetings.all()) == [meeting]
    sweep(now=due + timedelta(minutes=1))
    overdue = Notification.objects.filter(template="deadline_overdue", case__isnull=True)  # the action item
    assert [n.recipient for n in overdue] == ["water@example.org"]
    with pytest.raises(NotPermitted):
        complete_action_item(item, city.env_handler, "完成")
    complete_action_item(item, city.water_handler, "清淤完成", now=due)
    assert case.events.filter(kind="action_item_done").exists()
    with pytest.raises(WorkflowError):
        complete_action_item(item, city.water_handler, "again")


def close_case(case, city, at):
    actions.accept(case, city.env_handler, now=at)
    results.submit_result(case, city.env_handler, findings="属实", reply="已整改", now=at)
    return results.close(case, city.intake, now=at)


def test_spot_check_samples_by_category_and_relapse_reopens(city, new_case):
    closed = [close_case(new_case(), city, T0) for _ in range(4)]
    checks = sample_spot_checks("2026年回头看第一轮", share=0.5, actor=city.supervisor, seed=1, now=T0)
    assert len(checks) == 2 and {c.case for c in checks} <= set(closed)
    assert sample_spot_checks("2026年回头看第一轮", share=0.9, seed=2, now=T0) == checks  # drawn once per round
    ok, bad = checks
    with pytest.raises(NotPermitted):
        record_spot_check(ok, city.env_handler, "confirmed", "无异味")
    record_spot_check(ok, city.supervisor, "confirmed", "现场无异味", now=T0)
    record_spot_check(bad, city.supervisor, "relapse", "夜间再次出现异味", now=T0)
    bad.case.refresh_from_db()
    assert bad.case.state == "in_progress" and bad.case.reopen_count == 1
    reopened = bad.case.events.get(kind="reopened")
    assert reopened.is_public and "夜间再次出现异味" in reopened.public_text
    assert SpotCheck.objects.filter(outcome="relapse").count() == 1
    assert CaseEvent.objects.filter(kind="spot_check_confirmed").count() == 1
