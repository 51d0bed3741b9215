"""Workbench dashboard counts (PRODUCT §4.3): my overdue, due this week, waiting
for my approval, escalations.

One aggregate over the user's open cases gives every case count (conditional
COUNTs in one pass over the open-state index range instead of one query per count:
seven queries became two for an intake officer, docs/performance.md); the pending
extension requests are a second, small query."""

from datetime import datetime, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from cases import roles
from cases.access import visible_cases
from cases.models import OPEN_STATES, CaseState, ExtensionRequest


def dashboard_counts(user, now: datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    qs = visible_cases(user)
    if roles.has_role(user, roles.HANDLER, roles.HEAD) and not roles.has_role(user, roles.INTAKE, roles.SUPERVISOR):
        # "My" cases for a department are those it leads now.
        qs = qs.filter(lead_department_id=roles.department_id_of(user))
    is_intake = roles.has_role(user, roles.INTAKE)
    counts = {
        "open": Count("pk"),
        "overdue": Count("pk", filter=Q(is_overdue=True)),
        "due_this_week": Count("pk", filter=Q(next_due_at__gte=now, next_due_at__lt=now + timedelta(days=7))),
        "escalated": Count("pk", filter=Q(is_supervised=True)),
    }
    if is_intake:  # an intake officer sees every case, so these are counts over all cases
        counts["waiting_dispatch"] = Count("pk", filter=Q(state=CaseState.SUBMITTED))
        counts["waiting_verification"] = Count("pk", filter=Q(state=CaseState.PENDING_REVIEW))
    result = {k: v or 0 for k, v in qs.filter(state__in=OPEN_STATES).aggregate(**counts).items()}
    if is_intake:
        result["waiting_extension"] = ExtensionRequest.objects.filter(state=ExtensionRequest.State.PENDING).count()
    return result
