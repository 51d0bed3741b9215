"""The task ledger kept by the rectification office: create and edit tasks, milestones
and their dates (backward scheduling confirmed and adjusted here)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import refcache
from cases.calendar import load_calendar, local_date
from cases.lifecycle import ConflictError, bump_version
from cases.models import Department, Milestone, MilestoneState, RectificationTask

from .access import require_office
from .lifecycles import MILESTONE_LIFECYCLE, TASK_LIFECYCLE, record_task_event
from .scheduling import check_dates

EDITABLE = ("number", "title", "problem", "source", "responsible_leader", "leader_post", "lead_department",
            "target", "measures", "start_date", "deadline", "notice_working_days")


@dataclass
class TaskInput:
    number: int
    title: str
    problem: str
    source: str
    responsible_leader: str
    lead_department: Department
    target: str
    measures: str
    deadline: date
    leader_post: str = ""
    start_date: date | None = None
    notice_working_days: int = 5
    co_departments: Sequence[Department] = field(default_factory=list)
    cases: Sequence = field(default_factory=list)
    batches: Sequence = field(default_factory=list)


def _validate(data: TaskInput, today: date, task: RectificationTask | None) -> None:
    errors = {}
    if data.deadline < today and (task is None or data.deadline != task.deadline):
        errors["deadline"] = _("The deadline is before today.")
    if task is not None:
        latest = task.milestones.order_by("-due_date").values_list("due_date", flat=True).first()
        if latest and data.deadline < latest:
            errors["deadline"] = _("The deadline is before the milestone due on %(day)s.") % {"day": latest}
    if RectificationTask.objects.filter(number=data.number).exclude(pk=getattr(task, "pk", None)).exists():
        errors["number"] = _("Another task already has this number.")
    if data.start_date and data.start_date > data.deadline:
        errors["start_date"] = _("The start date is after the deadline.")
    if data.lead_department in data.co_departments:
        errors["co_departments"] = _("The lead department cannot also be a co-department.")
    if errors:
        raise ValidationError(errors)


def create_task(data: TaskInput, actor, *, now: datetime | None = None) -> RectificationTask:
    require_office(actor)
    now = now or timezone.now()
    _validate(data, local_date(now), None)
    values = {name: getattr(data, name) for name in EDITABLE}
    values["start_date"] = data.start_date or local_date(now)
    with transaction.atomic():
        task = RectificationTask.objects.create(**values, created_at=now)
        _set_relations(task, data)
        record_task_event(task.pk, "created", actor, now, to_state=task.state, is_public=True,
                          text=_("Task entered in the ledger."))
        transaction.on_commit(refcache.public_data_changed)
    return task


def update_task(task: RectificationTask, data: TaskInput, actor, *, expected_version: int | None,
                now: datetime | None = None) -> RectificationTask:
    require_office(actor)
    now = now or timezone.now()
    _validate(data, local_date(now), task)
    values = {name: getattr(data, name) for name in EDITABLE}
    values["start_date"] = data.start_date or task.start_date
    changed = [name for name, value in values.items() if getattr(task, name) != value]
    with transaction.atomic():
        bump_version(TASK_LIFECYCLE, task.pk, expected_version, **values)
        _set_relations(task, data)
        record_task_event(task.pk, "edited", actor, now, text=", ".join(changed), data={"fields": changed})
        transaction.on_commit(refcache.public_data_changed)
    return RectificationTask.objects.get(pk=task.pk)


def _set_relations(task: RectificationTask, data: TaskInput) -> None:
    task.co_departments.set(data.co_departments)
    task.batches.set(data.batches)
    task.cases.set(data.cases)


def save_schedule(task: RectificationTask, actor, dates: Sequence[tuple], *,
                  expected_version: int | None, now: datetime | None = None) -> list[Milestone]:
    """Store the confirmed (and possibly adjusted) backward schedule as the task's milestones.

    ``dates``: (title, due date) or (title, due date, reporting department) per milestone; the
    department must be the lead or a co-department (default: the lead department).
    Milestones that already have progress stay; open milestones without reports are replaced.
    """
    require_office(actor)
    now = now or timezone.now()
    departments = [row[2] if len(row) > 2 else None for row in dates]
    dates = [(row[0], row[1]) for row in dates]
    allowed = {task.lead_department_id, *task.co_departments.values_list("pk", flat=True)}
    if any(d is not None and d.pk not in allowed for d in departments):
        raise ValidationError(_("A milestone's department must be the lead or a co-department of the task."))
    problems = check_dates(dates, task.deadline, local_date(now), load_calendar())
    if problems:
        raise ValidationError([f"{title}: {message}" for title, message in problems])
    with transaction.atomic():
        bump_version(TASK_LIFECYCLE, task.pk, expected_version)
        kept = task.milestones.exclude(state=MilestoneState.OPEN, reports__isnull=True,
                                       evidence_files__isnull=True)
        task.milestones.exclude(pk__in=kept.values("pk")).delete()
        start = (kept.order_by("-sort_order").values_list("sort_order", flat=True).first() or 0) + 1
        created = [Milestone.objects.create(task=task, sort_order=start + i, title=title, due_date=due,
                                            department=dept if dept != task.lead_department else None)
                   for i, ((title, due), dept) in enumerate(zip(dates, departments, strict=True))]
        record_task_event(task.pk, "scheduled", actor, now, is_public=True,
                          text="; ".join(f"{title} {due:%Y-%m-%d}" for title, due in dates))
        transaction.on_commit(refcache.public_data_changed)
    return created


def set_milestone_due(milestone: Milestone, actor, due: date, *, expected_version: int | None,
                      now: datetime | None = None) -> Milestone:
    """The office adjusts one milestone's date: same checks as the schedule, order kept."""
    require_office(actor)
    now = now or timezone.now()
    task = milestone.task
    others = list(task.milestones.exclude(pk=milestone.pk).values_list("sort_order", "due_date"))
    sequence = sorted([*others, (milestone.sort_order, due)], key=lambda pair: pair[0])
    problems = [p for p in check_dates([(str(o), d) for o, d in sequence], task.deadline, local_date(now),
                                       load_calendar()) if p[0] == str(milestone.sort_order)]
    if problems:
        raise ValidationError({"due_date": problems[0][1]})
    with transaction.atomic():
        old = milestone.due_date
        bump_version(MILESTONE_LIFECYCLE, milestone.pk, expected_version, due_date=due)
        record_task_event(task.pk, "milestone_date", actor, now, milestone_id=milestone.pk, is_public=True,
                          text=f"{milestone.title}: {old:%Y-%m-%d} → {due:%Y-%m-%d}")
        transaction.on_commit(refcache.public_data_changed)
    return Milestone.objects.get(pk=milestone.pk)


__all__ = ["ConflictError", "TaskInput", "create_task", "save_schedule", "set_milestone_due", "update_task"]
