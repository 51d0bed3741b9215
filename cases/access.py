"""Who sees which cases (PRODUCT §3). The one place case visibility is decided;
every view, listing, export, history view and API uses it (ENGINEERING rule 11)."""

from django.db.models import Exists, OuterRef, QuerySet

from cases import roles
from cases.models import Assignment, Case


def visible_cases(user, base: QuerySet | None = None) -> QuerySet:
    qs = base if base is not None else Case.objects.all()
    if user is None or not user.is_authenticated or not user.is_active:
        return qs.none()
    if roles.has_role(user, roles.INTAKE, roles.SUPERVISOR, roles.OFFICE):
        return qs
    if roles.has_role(user, roles.HANDLER, roles.HEAD):
        dept = roles.department_id_of(user)
        if dept is None:
            return qs.none()
        # Lead or co-department, now or in the past (a transferred-away department
        # keeps read access to what it worked on).
        return qs.filter(Exists(Assignment.objects.filter(case=OuterRef("pk"), department_id=dept)))
    return qs.none()


def can_view_case(user, case: Case) -> bool:
    return visible_cases(user, Case.objects.filter(pk=case.pk)).exists()


def can_see_reporter(user) -> bool:
    """Reporter identity: intake officers only (every view is logged by the caller)."""
    return roles.has_role(user, roles.INTAKE)
