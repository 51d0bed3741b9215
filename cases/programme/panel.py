"""What the task page shows a given user: milestones with reports and evidence, the
timeline, and only the actions this user may take now (with their forms)."""

from datetime import date

from django.db.models import Prefetch, Q

from cases import roles
from cases.access import visible_cases
from cases.models import EvidenceFile, MilestoneState, ObjectionState, ProgressReport, TaskState

from .access import department_part, is_office, may_report
from .forms import (
    MilestoneDueForm,
    ObjectionDecisionForm,
    ProgressForm,
    ReasonForm,
    VerificationForm,
    VersionForm,
)
from .lifecycles import EVENT_LABELS, STATE_LABELS
from .status import task_progress


def _form(bound, key, cls, prefix, version, **initial):
    return bound.get(key) or cls(prefix=prefix, initial={"version": version, **initial})


def milestone_forms(user, task, m, bound, office: bool) -> dict:
    forms = {}
    prefix, v = f"m{m.pk}", m.version
    if task.state == TaskState.IN_PROGRESS and m.state == MilestoneState.OPEN and may_report(user, m):
        forms["progress"] = _form(bound, ("progress", m.pk), ProgressForm, prefix, v, percent=m.percent)
        forms["done"] = _form(bound, ("done", m.pk), VersionForm, prefix + "d", v)
    if office and m.state == MilestoneState.SUBMITTED:
        forms["accept"] = _form(bound, ("accept", m.pk), VersionForm, prefix + "a", v)
        forms["send_back"] = _form(bound, ("send_back", m.pk), ReasonForm, prefix + "s", v)
    if office and m.state != MilestoneState.ACCEPTED:
        forms["due"] = _form(bound, ("due", m.pk), MilestoneDueForm, prefix + "u", v, due_date=m.due_date)
    return forms


def task_forms(user, task, bound, office: bool, part: str | None) -> dict:
    v, forms = task.version, {}
    if part == "lead" and task.state == TaskState.IN_PROGRESS:
        forms["submit"] = _form(bound, ("submit", 0), VersionForm, "submit", v)
    if office and task.state == TaskState.VERIFICATION:
        forms["verify"] = _form(bound, ("verify", 0), VerificationForm, "verify", v)
        forms["return"] = _form(bound, ("return", 0), ReasonForm, "return", v)
    if office and task.state == TaskState.NOTICE:
        forms["write_off"] = _form(bound, ("write_off", 0), VersionForm, "writeoff", v)
    if office and task.state != TaskState.IN_PROGRESS:
        forms["reopen"] = _form(bound, ("reopen", 0), ReasonForm, "reopen", v)
    return forms


def task_orders_context(user, task) -> dict:
    """Supervision orders on the task and its milestones (cases.supervision), in the user's scope."""
    from cases.models import SupervisionOrder

    orders = (SupervisionOrder.objects.visible_to(user).filter(Q(task=task) | Q(milestone__task=task))
              .select_related("milestone").order_by("-issued_at"))
    return {"orders": list(orders), "can_issue_order": roles.has_role(user, *roles.SUPERVISION_ROLES)}


def task_page_context(user, task, today: date, bound: dict) -> dict:
    office, part = is_office(user), department_part(user, task)
    milestones = list(task.milestones.select_related("department").prefetch_related(
        Prefetch("reports", queryset=ProgressReport.objects.select_related("department", "author")),
        Prefetch("evidence_files", queryset=EvidenceFile.objects.select_related("department"))))
    rows = [{"m": m, "forms": milestone_forms(user, task, m, bound, office)} for m in milestones]
    objections = list(task.objections.all()) if roles.has_role(user, roles.OFFICE, roles.SUPERVISOR) else []
    objection_rows = [{"o": o, "form": _form(bound, ("decide", o.pk), ObjectionDecisionForm, f"o{o.pk}", o.version)
                       if office and o.state == ObjectionState.PENDING else None} for o in objections]
    return {
        "task": task, "progress": task_progress(task, milestones, today), "milestones": rows,
        "forms": task_forms(user, task, bound, office, part), "is_office": office, "part": part,
        "co_departments": list(task.co_departments.all()), "batches": list(task.batches.all()),
        "cases": visible_cases(user, task.cases.all()).select_related("category")[:100],
        "verifications": list(task.verifications.prefetch_related("evidence_files")),
        "objections": objection_rows,
        **task_orders_context(user, task),
        "events": [{"e": e, "label": EVENT_LABELS.get(e.kind, e.kind), "to": STATE_LABELS.get(e.to_state, "")}
                   for e in task.events.select_related("actor", "actor_department").order_by("-created_at", "-pk")[:200]],
    }
