"""Headline numbers computed from data, never typed (docs/product.md §1, §4.5)."""

from django.db.models import Count, Q
from django.utils import timezone

from cases.models import Case, CaseSource, CaseState, RectificationTask


def headline_counters(today=None) -> dict:
    today = today or timezone.localdate()
    tasks = RectificationTask.objects.aggregate(
        total=Count("pk"),
        completed=Count("pk", filter=Q(verified_at__isnull=False)),
        overdue=Count("pk", filter=Q(verified_at__isnull=True, deadline__lt=today)),
    )
    tasks["in_progress"] = tasks["total"] - tasks["completed"]
    referrals = {}
    rows = (
        Case.objects.exclude(state=CaseState.MERGED)
        .values("source")
        .annotate(
            total=Count("pk"),
            closed=Count("pk", filter=Q(state=CaseState.CLOSED)),
            stage_closed=Count("pk", filter=Q(state=CaseState.STAGE_CLOSED)),
        )
    )
    by_source = {row["source"]: row for row in rows}
    for source in (CaseSource.CENTRAL, CaseSource.PROVINCIAL):
        row = by_source.get(source, {"total": 0, "closed": 0, "stage_closed": 0})
        referrals[source.value] = {
            "total": row["total"], "closed": row["closed"], "stage_closed": row["stage_closed"],
            "open": row["total"] - row["closed"] - row["stage_closed"],
        }
    citizen_sources = [s for s in by_source if s not in (CaseSource.CENTRAL, CaseSource.PROVINCIAL)]
    citizen_total = sum(by_source[s]["total"] for s in citizen_sources)
    citizen_closed = sum(by_source[s]["closed"] for s in citizen_sources)
    referrals["citizen"] = {"total": citizen_total, "closed": citizen_closed,
                            "open": citizen_total - citizen_closed}
    return {"tasks": tasks, "referrals": referrals}
