"""The figures a snapshot freezes: the portal's public figures (one definition each,
shared with the public pages) plus the supervision, accountability and spot-check
counts. Plain JSON data, so a stored snapshot never changes when code does."""

from datetime import date

from cases.supervision.figures import accountability_counts, spot_check_counts, supervision_counts


def collect(as_of: date) -> dict:
    figures = dict(_public_figures(as_of))
    figures["as_of"] = as_of.isoformat()
    figures["supervision"] = supervision_counts()
    figures["accountability"] = accountability_counts()
    figures["spot_checks"] = spot_check_counts()
    return figures


def _public_figures(as_of: date) -> dict:
    try:
        from cases.figures import all_figures
    except ImportError:  # the shared figures module is not there yet: same shape, computed here
        return _fallback(as_of)
    return all_figures(as_of)


def _fallback(as_of: date) -> dict:
    from django.db.models import Count, Q

    from cases.models import OPEN_STATES, Case, CaseSource, CaseState, RectificationTask, ReferralBatch
    from cases.programme import task_progress

    aggregates = {
        "received": Count("pk"), "closed": Count("pk", filter=Q(state=CaseState.CLOSED)),
        "stage_closed": Count("pk", filter=Q(state=CaseState.STAGE_CLOSED)),
        "rejected": Count("pk", filter=Q(state=CaseState.REJECTED)),
        "in_progress": Count("pk", filter=Q(state__in=OPEN_STATES)),
        "overdue": Count("pk", filter=Q(state__in=OPEN_STATES, is_overdue=True)),
    }
    counted = Case.objects.exclude(state=CaseState.MERGED)
    statuses = {"done": "completed", "on_track": "on_schedule", "at_risk": "at_risk", "late": "overdue"}
    tasks = dict.fromkeys(statuses.values(), 0)
    all_tasks = list(RectificationTask.objects.prefetch_related("milestones"))
    for task in all_tasks:
        tasks[statuses[task_progress(task, list(task.milestones.all()), as_of).status]] += 1
    tasks.update(total=len(all_tasks), in_progress=len(all_tasks) - tasks["completed"])
    referral = (CaseSource.CENTRAL, CaseSource.PROVINCIAL)
    citizen = counted.filter(~Q(source__in=referral)).aggregate(**aggregates)
    return {
        "tasks": tasks,
        "referrals": {str(s): counted.filter(source=s).aggregate(**aggregates) for s in referral},
        "batches": [{"source": b.source, "number": b.number, "title": b.title or str(b),
                     **counted.filter(batch=b).aggregate(**aggregates)}
                    for b in ReferralBatch.objects.order_by("source", "number")],
        "citizen": {**citizen, "on_time": {"part": 0, "whole": 0, "percent": None},
                    "satisfaction": {"part": 0, "whole": 0, "percent": None}},
    }
