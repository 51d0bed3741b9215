"""Rectification tasks and joint meetings (spot checks: tests/cases/supervision)."""

from datetime import date, timedelta

import pytest

from cases import actions, results
from cases.models import Milestone, Notification, RectificationTask
from cases.programme import (
    complete_action_item,
    record_meeting,
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


