"""Joint meetings (联席会议) with their action items (spot checks: cases/supervision/spotchecks.py)."""

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
)
from cases.workflow import NotPermitted, WorkflowError, record_event, require


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
