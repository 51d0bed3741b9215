"""Workbench dashboard counts (docs/product.md §4.3): my overdue, due this week, waiting
for my approval, escalations.

Every count reads an index only, never a case row (docs/performance.md): the open
cases per state (one grouped count over the state index, which also gives "waiting
for dispatch" and "waiting for verification"), then overdue, escalated and due this
week, each a range of its own index (a small share of the table); the pending
extension requests are a last, small query. One conditional aggregate over the open
cases, as before, read every open case's row for its flags: 10× a bare COUNT(*) at
1,000,000 cases."""

from datetime import datetime, timedelta

from django.db.models import Count
from django.utils import timezone

from cases import roles
from cases.access import visible_cases
from cases.models import CaseState, ExtensionRequest


def dashboard_counts(user, now: datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    qs = visible_cases(user)
    if roles.has_role(user, roles.HANDLER, roles.HEAD) and not roles.has_role(user, roles.INTAKE, roles.SUPERVISOR):
        # "My" cases for a department are those it leads now.
        qs = qs.filter(lead_department_id=roles.department_id_of(user))
    is_intake = roles.has_role(user, roles.INTAKE)
    open_cases = qs.filter(state__in=CaseState.OPEN).order_by()
    # Per state from the state index alone; the flags and the week each from their own
    # index range (small), so no count reads a case row (docs/performance.md).
    by_state = dict(open_cases.values_list("state").annotate(n=Count("pk")))
    result = {
        "open": sum(by_state.values()),
        "overdue": open_cases.filter(is_overdue__in=[True]).count(),  # __in: indexable on SQLite
        "due_this_week": open_cases.filter(next_due_at__gte=now, next_due_at__lt=now + timedelta(days=7)).count(),
        "escalated": open_cases.filter(is_supervised__in=[True]).count(),
    }
    if is_intake:  # an intake officer sees every case, so these are counts over all cases
        result["waiting_dispatch"] = by_state.get(CaseState.SUBMITTED, 0)
        result["waiting_verification"] = by_state.get(CaseState.PENDING_REVIEW, 0)
        result["waiting_extension"] = ExtensionRequest.objects.filter(state=ExtensionRequest.State.PENDING).count()
    return result
