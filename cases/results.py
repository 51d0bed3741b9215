"""Handling results and their verification: co-department parts, submit, send
back, close, stage-close, reopen (docs/product.md §4.2, §5)."""

from collections.abc import Callable
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases import notifications, roles
from cases.actions import lead_assignment
from cases.assignments import MoveLog, move, move_all
from cases.calendar import load_calendar
from cases.deadlines import start_clock, stop_clocks
from cases.lifecycle import bump_version
from cases.models import Assignment, Case, ClockKind, RectificationTask
from cases.rating_link import rating_url
from cases.workflow import (
    CASE_LIFECYCLE,
    NotPermitted,
    Outcome,
    WorkflowError,
    _transition,
    record_event,
    require,
)

REOPEN_KINDS = {
    "review_request": gettext_lazy("The reporter asked for a review"),
    "unsatisfied": gettext_lazy("The reporter was not satisfied"),
    "relapse": gettext_lazy("A spot check found the problem again"),
    "staff": gettext_lazy("Reopened by the intake desk"),
}


def _co_assignment(case: Case, actor) -> Assignment:
    dept = roles.department_id_of(actor)
    assignment = Assignment.objects.filter(case=case, department_id=dept, role=Assignment.Role.CO,
                                           is_active=True).first()
    if assignment is None or not roles.has_role(actor, roles.HANDLER, roles.HEAD):
        raise NotPermitted(_("You may not do this on this case."))
    return assignment


def _part_event(case: Case, kind: str, actor, text: str = "") -> Callable:
    def record(assignment: Assignment, from_state: str, to_state: str, at: datetime) -> None:
        record_event(case, kind, actor, at, internal_text=text,
                     data={"assignment": assignment.pk, "from": from_state, "to": to_state})

    return record


def accept_part(case: Case, actor, *, now: datetime | None = None,
                expected_version: int | None = None) -> Assignment:
    """A co-department accepts its part: its own acceptance and handling clock."""
    now = now or timezone.now()
    with transaction.atomic():
        assignment = _co_assignment(case, actor)
        bump_version(CASE_LIFECYCLE, case.pk, expected_version, updated_at=now)
        assignment = move(assignment, "accept", now, _part_event(case, "co_accepted", actor), accepted_at=now)
        stop_clocks(case, [ClockKind.ACCEPT], now, assignment=assignment)
        start_clock(load_calendar(), case, ClockKind.HANDLING, now, assignment=assignment)
    return assignment


def submit_part(case: Case, actor, contribution: str, *, now: datetime | None = None,
                expected_version: int | None = None) -> Assignment:
    contribution = require(contribution, gettext_lazy("Your department's part"))
    now = now or timezone.now()
    with transaction.atomic():
        assignment = _co_assignment(case, actor)
        bump_version(CASE_LIFECYCLE, case.pk, expected_version, updated_at=now)
        assignment = move(assignment, "submit_part", now,
                          _part_event(case, "co_part_submitted", actor, contribution),
                          contribution=contribution, finished_at=now, accepted_at=assignment.accepted_at or now)
        stop_clocks(case, None, now, assignment=assignment)
    return assignment


def overdue_co_parts(case: Case, now: datetime) -> list[Assignment]:
    return [a for a in Assignment.objects.filter(case=case, role=Assignment.Role.CO, is_active=True)
            .exclude(state=Assignment.State.DONE).select_related("department")
            if any(c.due_at < now for c in a.clocks.filter(stopped_at__isnull=True))]


def submit_result(case: Case, actor, *, findings: str, reply: str, public_summary: str = "",
                  co_note: str = "", now=None, expected_version=None) -> Case:
    """The lead submits the combined result: internal findings, the reply to the
    reporter and the public summary are kept apart."""
    findings = require(findings, gettext_lazy("Findings"))
    reply = require(reply, gettext_lazy("Reply to the reporter"))

    def effect(current: Case, at: datetime) -> Outcome:
        late = overdue_co_parts(current, at)
        if late and not co_note.strip():
            names = "、".join(a.department.name for a in late)
            raise WorkflowError(_("Co-department(s) %(names)s are overdue with their part; add a note "
                                  "explaining how the result covers it.") % {"names": names})
        stop_clocks(current, [ClockKind.HANDLING], at, assignment=lead_assignment(current))
        return Outcome(updates={"internal_findings": findings, "reply_text": reply,
                                "public_summary": public_summary, "result_submitted_at": at},
                       internal_text=co_note, data={"late_co_departments": [a.department_id for a in late]})

    return _transition(case, "submit_result", actor, effect, now=now, expected_version=expected_version,
                       event_kind="result_submitted")


def send_back(case: Case, actor, reason: str, *, now=None, expected_version=None) -> Case:
    reason = require(reason, gettext_lazy("Reason"))

    def effect(current: Case, at: datetime) -> Outcome:
        lead = lead_assignment(current)
        last = lead.clocks.filter(kind=ClockKind.HANDLING).order_by("-started_at").first()
        # The department's clock resumes against the due time it already had.
        start_clock(load_calendar(), current, ClockKind.HANDLING, at, assignment=lead,
                    due_override=last.due_at if last else None)
        notifications.notify_department(current, lead.department, "result_sent_back", {"reason": reason},
                                        f"sent_back:{current.version}", now=at)
        return Outcome(internal_text=reason)

    return _transition(case, "send_back", actor, effect, now=now, expected_version=expected_version,
                       event_kind="sent_back")


def _finish(current: Case, at: datetime) -> list[dict]:
    stop_clocks(current, None, at, all_assignments=True)
    log = MoveLog()
    move_all(Assignment.objects.filter(case=current, is_active=True), "finish", at, log, finished_at=at)
    notifications.notify_reporter(current, "case_closed", {"reply_text": current.reply_text,
                                                           "rate_url": rating_url(current.pk, at)},
                                  f"closed:{current.version}", now=at)
    return log.moves


def close(case: Case, actor, *, now=None, expected_version=None) -> Case:
    def effect(current: Case, at: datetime) -> Outcome:
        moves = _finish(current, at)
        return Outcome(updates={"closed_at": at, "replied_at": current.replied_at or at},
                       public_text=current.reply_text, moves=moves)

    return _transition(case, "close", actor, effect, now=now, expected_version=expected_version,
                       event_kind="closed", is_public=True)


def stage_close(case: Case, actor, task: RectificationTask, *, now=None, expected_version=None) -> Case:
    """Result given, long-term rectification continues under a task."""
    if task is None:
        raise WorkflowError(_("Choose the rectification task that carries on the work."))

    def effect(current: Case, at: datetime) -> Outcome:
        moves = _finish(current, at)
        current.tasks.add(task)
        return Outcome(updates={"replied_at": at}, public_text=current.reply_text, moves=moves,
                       data={"task": task.pk, "task_number": task.number})

    return _transition(case, "stage_close", actor, effect, now=now, expected_version=expected_version,
                       event_kind="stage_closed", is_public=True)


def reopen(case: Case, actor, reason: str, kind: str = "staff", *, now=None, expected_version=None) -> Case:
    """closed → in_progress: review request, unsatisfied feedback, or a relapse."""
    reason = require(reason, gettext_lazy("Reason"))
    if kind not in REOPEN_KINDS:
        raise WorkflowError(_("Unknown reason for reopening."))

    def effect(current: Case, at: datetime) -> Outcome:
        lead = Assignment.objects.filter(case=current, role=Assignment.Role.LEAD).order_by("-assigned_at").first()
        if lead is None:
            raise WorkflowError(_("The case has no lead department to reopen it with."))
        log = MoveLog()
        move(lead, "reopen", at, log, is_active=True, finished_at=None)
        start_clock(load_calendar(), current, ClockKind.HANDLING, at, assignment=lead)
        notifications.notify_department(current, lead.department, "case_reopened", {"reason": reason},
                                        f"reopened:{current.version}", now=at)
        return Outcome(updates={"closed_at": None, "reopen_count": current.reopen_count + 1,
                                "lead_department": lead.department},
                       public_text=f"{REOPEN_KINDS[kind]}: {reason}", data={"reopen_kind": kind},
                       moves=log.moves)

    return _transition(case, "reopen", actor, effect, now=now, expected_version=expected_version,
                       event_kind="reopened", is_public=True)

