"""Live counters for the home page (docs/product.md §1, §4.5): computed from data, never typed.

Definitions (the tests count the same things independently):

* tasks: total, completed (written off through a recorded verification), overdue
  (not written off, deadline passed).
* referrals per source (central, provincial) and citizen reports (every other
  source): merged duplicates are not counted.
* closure rate: closed or stage-closed cases / cases that were not merged or
  rejected.
* on-time rate: of the closed or stage-closed cases that had a handling clock, the
  share whose handling clocks all stopped no later than they were due.
"""

from datetime import date

from django.db.models import Count, Exists, F, OuterRef, Q
from django.utils import timezone

from cases.models import Case, CaseState, Clock, ClockKind, RectificationTask
from cases.stats import headline_counters
from cms.caching import cached

FINISHED = CaseState.RESOLVED


def task_counters(today: date) -> dict:
    tasks = RectificationTask.objects.aggregate(
        total=Count("pk"),
        completed=Count("pk", filter=Q(verified_at__isnull=False)),
        overdue=Count("pk", filter=Q(verified_at__isnull=True, deadline__lt=today)),
    )
    tasks["in_progress"] = tasks["total"] - tasks["completed"]
    return tasks


def handling_clocks():
    return Clock.objects.filter(case=OuterRef("pk"), kind=ClockKind.HANDLING)


def on_time_annotated(qs):
    """Annotate `has_handling` and `late`: the two facts the on-time rate needs."""
    late = handling_clocks().filter(Q(stopped_at__gt=F("due_at")) | Q(stopped_at__isnull=True))
    return qs.annotate(has_handling=Exists(handling_clocks()), late=Exists(late))


def percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def rates() -> dict:
    counted = Case.objects.exclude(state__in=CaseState.DISMISSED)
    totals = counted.aggregate(total=Count("pk"), finished=Count("pk", filter=Q(state__in=FINISHED)))
    timed = on_time_annotated(counted.filter(state__in=FINISHED)).filter(has_handling=True).aggregate(
        n=Count("pk"), on_time=Count("pk", filter=Q(late=False)))
    return {
        "closure": percent(totals["finished"], totals["total"]),
        "on_time": percent(timed["on_time"], timed["n"]),
        "finished": totals["finished"], "counted": totals["total"],
        "timed": timed["n"], "on_time_count": timed["on_time"],
    }


def _case_counters() -> dict:
    return {"referrals": headline_counters()["referrals"], "rates": rates()}


def live_counters(today: date | None = None) -> dict:
    """Task counters (live) and case counters (cached, see cms/caching.py)."""
    today = today or timezone.localdate()
    case_part = cached("counters", _case_counters)
    return {"tasks": task_counters(today), **case_part}
