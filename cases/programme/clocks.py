"""Warnings and overdue flags of milestones and tasks (PRODUCT §6, as for cases).

A milestone not yet verified, and a task not yet written off, is warned a number of working
days before its due date and flagged overdue the day after. Each crossing writes one task
event and one e-mail to the responsible department and to the rectification office; unique
keys (with the due date, so a moved date warns again) make reruns and concurrent sweeps
harmless. The wall-chart status itself is computed from dates (status.py), so the public
pages follow without this sweep; it exists for the people who must act.
"""

from __future__ import annotations

import logging
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cases import refcache
from cases.calendar import CalendarNotCovered, WorkCalendar, load_calendar, local_date
from cases.models import (
    Department,
    Milestone,
    MilestoneState,
    Notification,
    RectificationTask,
    TaskEvent,
    TaskState,
)

WARN_WORKING_DAYS = 3
log = logging.getLogger("portal.programme")


def crossing(calendar: WorkCalendar, due: date, today: date, warn_days: int = WARN_WORKING_DAYS) -> str | None:
    """Pure: "overdue", "warning" or None for a due date seen on ``today``."""
    if today > due:
        return "overdue"
    try:
        return "warning" if today >= calendar.add_working_days(due, -warn_days) else None
    except CalendarNotCovered:
        log.warning("work calendar does not cover %s; no warning computed", due.year)
        return None


def sweep_programme(now: datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    today, calendar = local_date(now), load_calendar()
    counts = {"warning": 0, "overdue": 0}
    office = list(Department.objects.filter(kind=Department.Kind.OFFICE, is_active=True).exclude(email=""))
    open_milestones = (Milestone.objects.exclude(state=MilestoneState.ACCEPTED)
                       .filter(task__state=TaskState.IN_PROGRESS).select_related("task__lead_department",
                                                                                 "department"))
    with translation.override("zh-hans"):
        for m in open_milestones:
            kind = crossing(calendar, m.due_date, today)
            if kind and _mark(m.task, m, kind, m.due_date, m.department or m.task.lead_department, office, now):
                counts[kind] += 1
        tasks = RectificationTask.objects.exclude(state=TaskState.WRITTEN_OFF).select_related("lead_department")
        for task in tasks:
            kind = crossing(calendar, task.deadline, today)
            if kind and _mark(task, None, kind, task.deadline, task.lead_department, office, now):
                counts[kind] += 1
    return counts


def _mark(task, milestone, kind: str, due: date, department, office, now: datetime) -> bool:
    subject = f"milestone:{milestone.pk}" if milestone else f"task:{task.pk}"
    key = f"{subject}:{due.isoformat()}:{kind}"
    what = f"{task.number}. {task.title}" + (f" / {milestone.title}" if milestone else "")
    text = (_("Deadline approaching: %(what)s due %(due)s.") if kind == "warning"
            else _("Overdue: %(what)s was due %(due)s.")) % {"what": what, "due": due.isoformat()}
    with transaction.atomic():
        if TaskEvent.objects.filter(dedupe_key=key).exists():
            return False
        TaskEvent.objects.create(task=task, milestone=milestone, kind=f"deadline_{kind}", created_at=now,
                                 text=text, dedupe_key=key, data={"due": due.isoformat()})
        for dept in {department, *office}:
            if dept is None or not dept.email:
                continue
            Notification.objects.get_or_create(idempotency_key=f"{key}:{dept.pk}", defaults={
                "channel": Notification.Channel.EMAIL, "recipient": dept.email, "audience": f"department:{dept.pk}",
                "template": f"programme_{kind}", "subject": text[:200], "body": text, "next_attempt_at": now})
        transaction.on_commit(refcache.public_data_changed)
    return True
