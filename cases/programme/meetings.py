"""Joint meetings (联席会议) with their action items, and case spot checks (回头看)."""

import math
import random
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
    Case,
    CaseState,
    Clock,
    ClockKind,
    JointMeeting,
    SpotCheck,
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


def sample_spot_checks(round_name: str, *, share: float, categories=None, actor=None, seed: int | None = None,
                       now: datetime | None = None) -> list[SpotCheck]:
    """Sample closed cases for re-inspection (回头看): `share` of each category,
    at least one per category that has closed cases. Idempotent per round."""
    if not 0 < share <= 1:
        raise WorkflowError(_("The share must be between 0 and 1."))
    existing = list(SpotCheck.objects.filter(round_name=round_name).select_related("case").order_by("pk"))
    if existing:  # a round is drawn once; asking again returns the same sample
        return existing
    now = now or timezone.now()
    rng = random.Random(seed)
    closed = Case.objects.filter(state=CaseState.CLOSED)
    if categories:
        closed = closed.filter(category__in=categories)
    by_category: dict[int, list[int]] = {}
    for pk, cat in closed.order_by("pk").values_list("pk", "category_id"):
        by_category.setdefault(cat, []).append(pk)
    chosen = [pk for ids in by_category.values() for pk in rng.sample(ids, max(1, math.ceil(share * len(ids))))]
    with transaction.atomic():
        SpotCheck.objects.bulk_create(
            [SpotCheck(case_id=pk, round_name=round_name, sampled_at=now, sampled_by=actor) for pk in chosen],
            ignore_conflicts=True)
    return list(SpotCheck.objects.filter(round_name=round_name, case_id__in=chosen).select_related("case")
                .order_by("pk"))


def record_spot_check(check: SpotCheck, actor, outcome: str, note: str, *,
                      now: datetime | None = None) -> SpotCheck:
    """Record the re-inspection. A relapse reopens the case with a public event."""
    from cases.results import reopen

    if not roles.has_role(actor, roles.INTAKE, roles.SUPERVISOR):
        raise NotPermitted(_("You may not do this on this case."))
    if outcome not in (SpotCheck.Outcome.CONFIRMED, SpotCheck.Outcome.RELAPSE):
        raise WorkflowError(_("Choose whether the rectification holds or the problem came back."))
    note = require(note, gettext_lazy("Inspection note"))
    now = now or timezone.now()
    with transaction.atomic():
        if SpotCheck.objects.filter(pk=check.pk, outcome=SpotCheck.Outcome.PENDING).update(
                outcome=outcome, note=note, checked_at=now, checked_by=actor) != 1:
            raise WorkflowError(_("This spot check has already been recorded."))
        transaction.on_commit(refcache.public_data_changed)
        record_event(check.case, f"spot_check_{outcome}", actor, now, internal_text=note,
                     data={"spot_check": check.pk, "round": check.round_name})
        if outcome == SpotCheck.Outcome.RELAPSE:
            reopen(check.case, None, note, kind="relapse", now=now)
    check.refresh_from_db()
    return check
