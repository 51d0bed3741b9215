"""The verbs of the case lifecycle. Each builds an effect for workflow._transition;
none touches Case.state itself."""

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from cases import notifications, public_text
from cases.calendar import load_calendar
from cases.deadlines import start_clock, stop_clocks
from cases.models import Assignment, Case, ClockKind, Department, ReporterIdentity
from cases.workflow import (
    ConflictError,
    ForbiddenTransition,
    Outcome,
    WorkflowError,
    _transition,
    require,
)

PASSED_ON = gettext_noop("Your report has been passed to %(dept)s.")
ACCEPTED = gettext_noop("%(dept)s has accepted your report and is handling it.")
MERGED = gettext_noop("Your report concerns the same problem as case %(ref)s and is followed there.")

CASE_CLOCKS = [ClockKind.DISPATCH, ClockKind.ACKNOWLEDGE, ClockKind.HANDLING, ClockKind.BATCH_REPLY]


def _assign(case: Case, department: Department, co_departments, now: datetime) -> list[Assignment]:
    calendar = load_calendar()
    # A co-department already working on the case keeps its assignment (and clocks).
    active = set(Assignment.objects.filter(case=case, is_active=True).values_list("department_id", flat=True))
    co = [d for d in dict.fromkeys(co_departments or ()) if d.pk != department.pk and d.pk not in active]
    made = []
    for dept, role in [(department, Assignment.Role.LEAD)] + [(d, Assignment.Role.CO) for d in co]:
        assignment = Assignment.objects.create(case=case, department=dept, role=role, assigned_at=now)
        start_clock(calendar, case, ClockKind.ACCEPT, now, assignment=assignment)
        notifications.notify_department(case, dept, "case_assigned", {"role": role}, f"assigned:{assignment.pk}",
                                        now=now)
        made.append(assignment)
    return made


def _end_assignments(case: Case, state: str, now: datetime, only_lead: bool = False) -> None:
    qs = Assignment.objects.filter(case=case, is_active=True)
    if only_lead:
        qs = qs.filter(role=Assignment.Role.LEAD)
    for assignment in qs:
        stop_clocks(case, None, now, assignment=assignment)
    qs.update(is_active=False, state=state, finished_at=now)


def lead_assignment(case: Case) -> Assignment | None:
    return Assignment.objects.filter(case=case, is_active=True, role=Assignment.Role.LEAD).first()


def dispatch(case: Case, actor, department: Department, co_departments=(), *, note: str = "",
             now: datetime | None = None, expected_version: int | None = None, auto_rule: str = "") -> Case:
    def effect(current: Case, at: datetime) -> Outcome:
        stop_clocks(current, [ClockKind.DISPATCH], at)
        assignments = _assign(current, department, co_departments, at)
        co_names = [a.department.name for a in assignments[1:]]
        return Outcome(
            updates={"lead_department": department, "dispatched_at": at},
            public_message=public_text.message(PASSED_ON, dept=department.name),
            internal_text=note,
            data={"department": department.pk, "co_departments": [a.department_id for a in assignments[1:]],
                  "co_names": co_names, **({"rule": auto_rule} if auto_rule else {})},
        )

    return _transition(case, "auto_route" if auto_rule else "dispatch", None if auto_rule else actor, effect,
                       now=now, expected_version=expected_version, is_public=True,
                       event_kind="auto_routed" if auto_rule else "dispatched")


def reject(case: Case, actor, reason: str, redirect_authority: str, *, now=None, expected_version=None) -> Case:
    reason = require(reason, gettext_lazy("Reason"))

    def effect(current: Case, at: datetime) -> Outcome:
        stop_clocks(current, CASE_CLOCKS, at)
        notifications.notify_reporter(current, "case_rejected",
                                      {"reason": reason, "authority": redirect_authority}, "rejected", now=at)
        text = _("Not accepted: %(reason)s") % {"reason": reason}
        if redirect_authority:
            text += " " + _("Please contact: %(authority)s") % {"authority": redirect_authority}
        return Outcome(updates={"rejection_reason": reason, "redirect_authority": redirect_authority,
                                "replied_at": at, "closed_at": at}, public_text=text)

    return _transition(case, "reject", actor, effect, now=now, expected_version=expected_version,
                       event_kind="rejected", is_public=True)


def accept(case: Case, actor, *, now=None, expected_version=None) -> Case:
    def effect(current: Case, at: datetime) -> Outcome:
        lead = lead_assignment(current)
        stop_clocks(current, [ClockKind.ACCEPT], at, assignment=lead)
        stop_clocks(current, [ClockKind.ACKNOWLEDGE], at)
        Assignment.objects.filter(pk=lead.pk).update(state=Assignment.State.ACCEPTED, accepted_at=at)
        start_clock(load_calendar(), current, ClockKind.HANDLING, at, assignment=lead)
        notifications.notify_reporter(current, "case_accepted", {}, f"accepted:{lead.pk}", now=at)
        return Outcome(updates={"accepted_at": current.accepted_at or at},
                       public_message=public_text.message(ACCEPTED, dept=current.lead_department.name))

    return _transition(case, "accept", actor, effect, now=now, expected_version=expected_version,
                       event_kind="accepted", is_public=True)


def return_case(case: Case, actor, reason: str, *, now=None, expected_version=None) -> Case:
    reason = require(reason, gettext_lazy("Reason"))

    def effect(current: Case, at: datetime) -> Outcome:
        _end_assignments(current, Assignment.State.RETURNED, at)
        start_clock(load_calendar(), current, ClockKind.DISPATCH, at)
        return Outcome(updates={"lead_department": None}, internal_text=reason,
                       data={"department": current.lead_department_id})

    return _transition(case, "return", actor, effect, now=now, expected_version=expected_version,
                       event_kind="returned")


def transfer(case: Case, actor, department: Department, reason: str, *, co_departments=(), now=None,
             expected_version=None) -> Case:
    reason = require(reason, gettext_lazy("Reason"))

    def effect(current: Case, at: datetime) -> Outcome:
        if department.pk == current.lead_department_id:
            raise WorkflowError(_("The case is already with that department."))
        old = current.lead_department_id
        _end_assignments(current, Assignment.State.TRANSFERRED, at, only_lead=True)
        Assignment.objects.filter(case=current, is_active=True, department=department).update(
            is_active=False, state=Assignment.State.CANCELLED, finished_at=at)
        _assign(current, department, co_departments, at)
        return Outcome(updates={"lead_department": department}, internal_text=reason,
                       public_message=public_text.message(PASSED_ON, dept=department.name),
                       data={"from_department": old, "department": department.pk})

    return _transition(case, "transfer", actor, effect, now=now, expected_version=expected_version,
                       event_kind="transferred", is_public=True)


def merge(case: Case, actor, target: Case, *, note: str = "", now=None, expected_version=None) -> Case:
    """Merge a duplicate into `target`; its reporters follow the surviving case."""
    if target.pk == case.pk:
        raise WorkflowError(_("A case cannot be merged into itself."))

    def effect(current: Case, at: datetime) -> Outcome:
        survivor = Case.objects.select_for_update().get(pk=target.pk)
        if survivor.merged_into_id or survivor.state in ("merged", "rejected"):
            raise ConflictError(_("The target case is itself merged or rejected; choose another."))
        stop_clocks(current, None, at, all_assignments=True)
        _end_assignments(current, Assignment.State.CANCELLED, at)
        moved = ReporterIdentity.objects.filter(case=current).update(case=survivor)
        from cases.workflow import record_event

        record_event(survivor, "merged_in", actor, at, internal_text=note,
                     data={"from_case": current.pk, "reference": current.reference, "reporters": moved})
        return Outcome(updates={"merged_into": survivor}, internal_text=note,
                       public_message=public_text.message(MERGED, ref=survivor.reference),
                       data={"into": survivor.pk, "reference": survivor.reference, "reporters": moved})

    return _transition(case, "merge", actor, effect, now=now, expected_version=expected_version,
                       event_kind="merged", is_public=True)


def auto_route(case: Case, *, now: datetime | None = None) -> Case:
    """Route a new case by pin and rule table; without a confident match it stays
    with the dispatch desk (an internal event says why)."""
    from cases.event_texts import stored_text
    from cases.routing import route
    from cases.workflow import record_event

    now = now or timezone.now()
    decision = route(case.subcategory or case.category, case.township)
    if not decision.confident:
        data = {"reason": decision.reason}
        record_event(case, "routing_needed", None, now, internal_text=stored_text("routing_needed", data), data=data)
        return case
    return dispatch(case, None, decision.department, decision.co_departments, now=now,
                    auto_rule=decision.reason)


__all__ = ["ForbiddenTransition", "accept", "auto_route", "dispatch", "lead_assignment", "merge", "reject",
           "return_case", "transfer"]
