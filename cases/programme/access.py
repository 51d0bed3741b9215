"""Who may do what with tasks and milestones (PRODUCT §3). Scoping of lists and objects
is ``RectificationTask.objects.visible_to(user)``; these predicates decide actions."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from cases import roles
from cases.lifecycle import NotPermitted
from cases.models import Milestone, RectificationTask

#: Roles that open the programme screens of the workbench.
PROGRAMME_ROLES = (roles.OFFICE, roles.INTAKE, roles.SUPERVISOR, roles.HANDLER, roles.HEAD)
DEPARTMENT_ROLES = (roles.HANDLER, roles.HEAD)


def is_office(user) -> bool:
    return roles.has_role(user, roles.OFFICE)


def require_office(user) -> None:
    if not is_office(user):
        raise NotPermitted(_("Only the rectification office may do this."))


def department_part(user, task: RectificationTask) -> str | None:
    """"lead" or "co" when the user is a handler or head of a department with a part in the task."""
    if not roles.has_role(user, *DEPARTMENT_ROLES):
        return None
    dept = roles.department_id_of(user)
    if dept is None:
        return None
    if dept == task.lead_department_id:
        return "lead"
    if task.co_departments.filter(pk=dept).exists():
        return "co"
    return None


def reporting_department_id(milestone: Milestone) -> int:
    return milestone.department_id or milestone.task.lead_department_id


def may_report(user, milestone: Milestone) -> bool:
    """The department a milestone belongs to reports on it (the lead department by default)."""
    return (roles.has_role(user, *DEPARTMENT_ROLES)
            and roles.department_id_of(user) == reporting_department_id(milestone))


def require_reporter(user, milestone: Milestone) -> None:
    if not may_report(user, milestone):
        raise NotPermitted(_("Only the department responsible for this milestone may report on it."))


def task_for(user, pk: int) -> RectificationTask:
    """The one way views load a task: outside the user's scope it does not exist (404)."""
    return get_object_or_404(RectificationTask.objects.visible_to(user).select_related("lead_department"), pk=pk)


def milestone_for(user, task: RectificationTask, pk: int) -> Milestone:
    milestone = get_object_or_404(Milestone.objects.select_related("task", "department"), pk=pk, task=task)
    if milestone.task_id != task.pk:
        raise Http404
    return milestone
