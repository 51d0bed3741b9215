"""Clocks (PRODUCT §6): which policy applies, when a clock is due, warned and
escalated, and the bookkeeping the workflow does when clocks start and stop.

The time arithmetic is pure (`clock_times`); the rest reads and writes Clock rows
inside the caller's transaction.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone

from cases.calendar import WorkCalendar, due_after, end_of_day, local_date, shift_working_days
from cases.models import Case, Clock, ClockKind, DayUnit, DeadlinePolicy
from cases.refcache import cached

# A clock warns in the last third of its length at most, so a 1-working-day clock
# warns in its last hours instead of from the moment it starts (the configured
# "warning, working days before" is the longest window, not a fixed one).
WARN_SHARE = 1 / 3

# PRODUCT §6 defaults, used when an administrator has not entered a policy row.
DEFAULTS = {
    ClockKind.DISPATCH: (1, DayUnit.WORKING, None),
    ClockKind.ACCEPT: (2, DayUnit.WORKING, None),
    ClockKind.ACKNOWLEDGE: (15, DayUnit.CALENDAR, 15),
    ClockKind.HANDLING: (15, DayUnit.WORKING, 60),
    ClockKind.BATCH_REPLY: (10, DayUnit.CALENDAR, None),
    ClockKind.ACTION_ITEM: (10, DayUnit.WORKING, None),
}


@dataclass(frozen=True)
class Policy:
    amount: int
    unit: str
    warn_before: int = 3
    escalate_after: int = 2
    statutory_limit_days: int | None = None


@dataclass(frozen=True)
class ClockTimes:
    due_at: datetime
    warn_at: datetime
    escalate_at: datetime


def policy_for(kind: str, source: str = "", category=None) -> Policy:
    """Most specific policy: source+category, source+parent, category, parent, source, any."""
    cat_ids = [c for c in (category.pk if category is not None else None,
                           category.parent_id if category is not None else None) if c]
    rows = cached("policies", _read_policies)
    order = [(source, c) for c in cat_ids] + [("", c) for c in cat_ids] + [(source, None), ("", None)]
    for source_key, cat_id in order:
        policy = rows.get((kind, source_key, cat_id))
        if policy:
            return policy
    amount, unit, limit = DEFAULTS[kind]
    return Policy(amount, unit, statutory_limit_days=limit)


def _read_policies() -> dict[tuple, Policy]:
    return {(p.clock, p.source, p.category_id): Policy(p.amount, p.unit, p.warn_before, p.escalate_after,
                                                       p.statutory_limit_days)
            for p in DeadlinePolicy.objects.all()}


def clock_times(calendar: WorkCalendar, start: datetime, policy: Policy,
                due_override: datetime | None = None) -> ClockTimes:
    due = due_override or due_after(calendar, start, policy.amount, policy.unit)
    if policy.statutory_limit_days is not None and due_override is None:
        due = min(due, end_of_day(local_date(start) + timedelta(days=policy.statutory_limit_days)))
    return ClockTimes(
        due_at=due,
        warn_at=warn_time(calendar, start, due, policy.warn_before),
        escalate_at=shift_working_days(calendar, due, policy.escalate_after),
    )


def warn_time(calendar: WorkCalendar, start: datetime, due: datetime, warn_before: int) -> datetime:
    """When a clock running from `start` to `due` starts to warn: `warn_before` working
    days before the due time, but never earlier than the last WARN_SHARE of the clock."""
    configured = shift_working_days(calendar, due, -warn_before)
    proportionate = due - (due - start) * WARN_SHARE
    return max(start, configured, proportionate)


def start_clock(calendar: WorkCalendar, case: Case, kind: str, start: datetime, *, assignment=None,
                policy: Policy | None = None, due_override: datetime | None = None, fresh: bool = False) -> Clock:
    if not fresh:  # a new case or assignment has no clock of this kind to stop
        stop_clocks(case, [kind], start, assignment=assignment)
    policy = policy or policy_for(kind, case.source, case.subcategory or case.category)
    times = clock_times(calendar, start, policy, due_override)
    return Clock.objects.create(
        case=case, assignment=assignment, kind=kind, started_at=start, due_at=times.due_at,
        warn_at=times.warn_at, escalate_at=times.escalate_at, original_due_at=times.due_at,
    )


def stop_clocks(case: Case, kinds, now: datetime, *, assignment=None, all_assignments=False) -> int:
    qs = Clock.objects.filter(case=case, stopped_at__isnull=True)
    if kinds is not None:
        qs = qs.filter(kind__in=list(kinds))
    if not all_assignments:
        qs = qs.filter(assignment=assignment) if assignment is not None else qs.filter(assignment__isnull=True)
    return qs.update(stopped_at=now)


def running_clock(case: Case, kind: str, assignment=None) -> Clock | None:
    qs = Clock.objects.filter(case=case, kind=kind, stopped_at__isnull=True)
    qs = qs.filter(assignment=assignment) if assignment is not None else qs
    return qs.order_by("due_at").first()


def move_clock(calendar: WorkCalendar, clock: Clock, new_due: datetime, policy: Policy) -> None:
    """An approved extension: new due, thresholds recomputed, old crossings cleared
    so the case is never counted overdue against its old due time."""
    clock.due_at = new_due
    clock.warn_at = warn_time(calendar, clock.started_at, new_due, policy.warn_before)
    clock.escalate_at = shift_working_days(calendar, new_due, policy.escalate_after)
    clock.warned_at = clock.overdue_at = clock.escalated_at = None
    clock.save(update_fields=["due_at", "warn_at", "escalate_at", "warned_at", "overdue_at", "escalated_at"])


def refresh_case_flags(case_ids) -> None:
    """Recompute next_due_at / is_overdue from running clocks: one UPDATE with
    subqueries, in the caller's transaction."""
    running = Clock.objects.filter(case_id=OuterRef("pk"), stopped_at__isnull=True)
    Case.objects.filter(pk__in=set(case_ids)).update(
        next_due_at=Subquery(running.order_by("due_at").values("due_at")[:1]),
        is_overdue=Exists(running.filter(overdue_at__isnull=False)),
        updated_at=timezone.now(),  # every change moves updated_at: cms.caching relies on it
    )
