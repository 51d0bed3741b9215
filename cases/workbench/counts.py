"""Workbench dashboard counts (docs/product.md §4.3): my overdue, due this week, waiting
for my approval, escalations.

Every count reads an index only, never a case row (docs/performance.md): the open
cases per state (one COUNT(*) per state over the state index, which also gives
"waiting for dispatch" and "waiting for verification"), then overdue, escalated and
due this week, each a range of its own index (a small share of the table); the pending
extension requests are a last, small query. One conditional aggregate over the open
cases, as before, read every open case's row for its flags: 10× a bare COUNT(*) at
1,000,000 cases."""

from datetime import datetime, timedelta

from django.utils import timezone

from cases import roles
from cases.access import visible_cases
from cases.models import Case, CaseState, ExtensionRequest


def dashboard_counts(user, now: datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    qs = visible_cases(user)
    if (roles.has_role(user, roles.HANDLER, roles.HEAD) and not roles.has_role(user, roles.INTAKE, roles.SUPERVISOR)
            and not qs.query.is_empty()):
        # "My" cases for a department are those it leads now. Every case a department
        # leads has that department's assignment (dispatch and transfer write both in one
        # transition), so the lead filter alone is within visible_cases: without its EXISTS
        # per case the counts read the (lead department, state) indexes only
        # (5× a bare COUNT(*) at 1,000,000 cases with it; docs/performance.md).
        qs = Case.objects.filter(lead_department_id=roles.department_id_of(user))
    is_intake = roles.has_role(user, roles.INTAKE)
    qs = qs.order_by()
    # One plain COUNT(*) per open state, each a range of the state index (a GROUP BY
    # over the same range cost 3-4× as much on SQLite); the flags and the week each from
    # their own index range (small), so no count reads a case row (docs/performance.md).
    by_state = {state: qs.filter(state=state).count() for state in sorted(CaseState.OPEN)}
    open_cases = qs.filter(state__in=CaseState.OPEN)
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
