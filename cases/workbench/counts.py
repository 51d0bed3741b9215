"""Workbench dashboard counts (docs/product.md §4.3): my overdue, due this week, waiting
for my approval, escalations. Each count is one indexed query."""

from datetime import datetime, timedelta

from django.utils import timezone

from cases import roles
from cases.access import visible_cases
from cases.models import Case, CaseState, ExtensionRequest


def dashboard_counts(user, now: datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    qs = visible_cases(user)
    if roles.has_role(user, roles.HANDLER, roles.HEAD) and not roles.has_role(user, roles.INTAKE, roles.SUPERVISOR):
        # "My" cases for a department are those it leads now.
        qs = qs.filter(lead_department_id=roles.department_id_of(user))
    counts = {
        "open": qs.filter(state__in=CaseState.OPEN).count(),
        "overdue": qs.filter(is_overdue=True, state__in=CaseState.OPEN).count(),
        "due_this_week": qs.filter(state__in=CaseState.OPEN, next_due_at__gte=now,
                                   next_due_at__lt=now + timedelta(days=7)).count(),
        "escalated": qs.filter(is_supervised=True, state__in=CaseState.OPEN).count(),
    }
    if roles.has_role(user, roles.INTAKE):
        counts["waiting_dispatch"] = Case.objects.filter(state=CaseState.SUBMITTED).count()
        counts["waiting_verification"] = Case.objects.filter(state=CaseState.PENDING_REVIEW).count()
        counts["waiting_extension"] = ExtensionRequest.objects.filter(state=ExtensionRequest.State.PENDING).count()
    return counts
