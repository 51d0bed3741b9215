"""Rectification tasks, joint meetings and spot checks (PRODUCT §1, §4.2, §4.4).

Task status is computed from dates, never typed: done / on track / at risk / late.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases import refcache, roles
from cases.calendar import load_calendar
from cases.deadlines import clock_times, policy_for
from cases.models import (
    ActionItem,
    Clock,
    ClockKind,
    JointMeeting,
    RectificationTask,
)
from cases.workflow import NotPermitted, WorkflowError, record_event, require

AT_RISK_DAYS = 14

STATUS_LABELS = {
    "done": gettext_lazy("Completed"),
    "on_track": gettext_lazy("On track"),
    "at_risk": gettext_lazy("At risk"),
    "late": gettext_lazy("Late"),
}


@dataclass(frozen=True)
class TaskProgress:
    status: str  # done | on_track | at_risk | late
    percent: int
    next_milestone_due: date | None

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self.status])


def task_progress(task: RectificationTask, milestones, today: date) -> TaskProgress:
    """Pure: progress rolls up from milestone weights; status from dates."""
    total = sum(m.weight for m in milestones) or 1
    done = sum(m.weight for m in milestones if m.completed_at)
    percent = round(100 * done / total) if milestones else (100 if task.verified_at else 0)
    pending = sorted((m for m in milestones if not m.completed_at), key=lambda m: m.due_date)
    next_due = pending[0].due_date if pending else None
    if task.verified_at:
        status = "done"
    elif today > task.deadline or (next_due and next_due < today):
        status = "late"
    elif (next_due and (next_due - today).days <= AT_RISK_DAYS) or _behind_schedule(task, percent, today):
        status = "at_risk"
    else:
        status = "on_track"
    return TaskProgress(status, percent, next_due)


def _behind_schedule(task: RectificationTask, percent: int, today: date) -> bool:
    span = (task.deadline - task.start_date).days or 1
    expected = 100 * min(max((today - task.start_date).days, 0), span) / span
    return percent + 25 < expected


def verify_task(task: RectificationTask, actor, note: str, *, now: datetime | None = None) -> RectificationTask:
    """Write-off (验收销号): only through a recorded verification, only when every
    milestone is complete."""
    note = require(note, gettext_lazy("Verification record"))
    if not roles.has_role(actor, roles.INTAKE, roles.ADMINISTRATOR):
        raise NotPermitted(_("Only the rectification office may verify and write off a task."))
    now = now or timezone.now()
    with transaction.atomic():
        locked = RectificationTask.objects.select_for_update().get(pk=task.pk)
        if locked.verified_at:
            raise WorkflowError(_("This task has already been written off."))
        if locked.milestones.filter(completed_at__isnull=True).exists():
            raise WorkflowError(_("Every milestone must be completed before the task is written off."))
        RectificationTask.objects.filter(pk=task.pk).update(
            verified_at=now, verified_by=actor, verification_note=note,
            completed_at=locked.completed_at or timezone.localdate(now))
        transaction.on_commit(refcache.public_data_changed)
    task.refresh_from_db()
    return task


def record_meeting(*, held_on: date, title: str, convener: str, departments, minutes: str, cases=(), tasks=(),
                   decisions=(), actor=None, now: datetime | None = None) -> JointMeeting:
    """A joint meeting (联席会议); each decision (text, department, due) becomes an
    action item on its own clock, shown on the linked cases."""
    now = now or timezone.now()
    with transaction.atomic():
        meeting = JointMeeting.objects.create(held_on=held_on, title=title, convener=convener, minutes=minutes)
        meeting.departments.set(departments)
        meeting.cases.set(cases)
        meeting.tasks.set(tasks)
        calendar = load_calendar()
        for text, department, due in decisions:
            item = ActionItem.objects.create(meeting=meeting, decision=text, department=department, due_at=due)
            times = clock_times(calendar, now, policy_for(ClockKind.ACTION_ITEM), due_override=due)
            Clock.objects.create(action_item=item, kind=ClockKind.ACTION_ITEM, started_at=now, due_at=times.due_at,
                                 warn_at=times.warn_at, escalate_at=times.escalate_at, original_due_at=due)
        for case in cases:
            record_event(case, "meeting", actor, now, internal_text=title,
                         data={"meeting": meeting.pk, "decisions": len(decisions)})
    return meeting


def complete_action_item(item: ActionItem, actor, outcome: str, *, now: datetime | None = None) -> ActionItem:
    outcome = require(outcome, gettext_lazy("Outcome"))
    if not (roles.has_role(actor, roles.INTAKE) or roles.department_id_of(actor) == item.department_id):
        raise NotPermitted(_("You may not do this on this case."))
    now = now or timezone.now()
    with transaction.atomic():
        if ActionItem.objects.filter(pk=item.pk, done_at__isnull=True).update(done_at=now, outcome=outcome) != 1:
            raise WorkflowError(_("This action item is already done."))
        Clock.objects.filter(action_item=item, stopped_at__isnull=True).update(stopped_at=now)
        transaction.on_commit(refcache.public_data_changed)
        for case in item.meeting.cases.all():
            record_event(case, "action_item_done", actor, now, internal_text=f"{item.decision}: {outcome}",
                         data={"action_item": item.pk})
    item.refresh_from_db()
    return item
