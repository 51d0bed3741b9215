"""Verification and write-off (验收销号) with a public notice period (公示).

The lead department submits the task; the office records the verification, which opens
the public notice (default 5 working days); anyone may object; after the period, with no
objection pending or upheld, the office writes the task off. An upheld objection or a later
relapse reopens the task with a reason.

Other capabilities (supervision, spot checks) call :func:`reopen_task` and
:func:`written_off_tasks`; status values are ``cases.models.TaskState``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases import refcache, roles
from cases.calendar import CalendarNotCovered, load_calendar, local_date
from cases.lifecycle import NotPermitted, WorkflowError, guarded_transition
from cases.models import (
    Department,
    MilestoneState,
    Notification,
    Objection,
    ObjectionState,
    RectificationTask,
    TaskVerification,
)
from cases.workflow import require

from .access import department_part, require_office
from .evidence import check_files, store_files
from .lifecycles import OBJECTION_LIFECYCLE, TASK_LIFECYCLE, record_task_event
from .scheduling import not_covered_message

REOPEN_SOURCES = ("objection", "relapse", "spot_check", "supervision", "office")


def written_off_tasks() -> QuerySet:
    """Tasks written off after verification and notice (the population spot checks sample)."""
    return RectificationTask.objects.written_off()


def _task_transition(task, action: str, actor, *, check, effect=None, text: str = "", is_public: bool = True,
                     data: dict | None = None, expected_version: int | None = None, now=None):
    def record(current, from_state, to_state, at):
        record_task_event(current.pk, action, actor, at, from_state=from_state, to_state=to_state,
                          is_public=is_public, text=text, data=data)
        transaction.on_commit(refcache.public_data_changed)

    return guarded_transition(TASK_LIFECYCLE, task.pk, action, now=now or timezone.now(),
                              expected_version=expected_version, check=check, effect=effect, record=record)


def submit_for_writeoff(task, actor, *, expected_version: int | None = None, now: datetime | None = None):
    """The lead department asks for verification once every milestone is verified."""
    def check(current):
        if department_part(actor, current) != "lead":
            raise NotPermitted(_("Only the lead department submits the task for write-off."))
        if not current.milestones.exists() or current.milestones.exclude(state=MilestoneState.ACCEPTED).exists():
            raise WorkflowError(_("Every milestone must be verified by the office before the task is submitted."))

    return _task_transition(task, "submit_for_writeoff", actor, check=check, expected_version=expected_version,
                            now=now, text=_("Submitted for verification and write-off."))


def return_submission(task, actor, reason: str, *, expected_version: int | None = None, now=None):
    reason = require(reason, gettext_lazy("Reason"))
    return _task_transition(task, "return_submission", actor, check=lambda c: require_office(actor),
                            text=reason, is_public=False, expected_version=expected_version, now=now)


def record_verification(task, actor, *, verified_on: date, verified_by: str, method: str, findings: str,
                        files: Sequence = (), expected_version: int | None = None,
                        now: datetime | None = None) -> TaskVerification:
    """The office's verification; the public notice period starts the same day."""
    require_office(actor)
    findings = require(findings, gettext_lazy("Findings"))
    verified_by = require(verified_by, gettext_lazy("Verified by"))
    if method not in TaskVerification.Method.values:
        raise ValidationError({"method": _("Choose how the task was verified.")})
    now = now or timezone.now()
    today = local_date(now)
    if verified_on > today:
        raise ValidationError({"verified_on": _("The verification date is in the future.")})
    checked = check_files(files)
    made: list[TaskVerification] = []

    def effect(current, at):
        try:
            ends = load_calendar().add_working_days(today, current.notice_working_days)
        except CalendarNotCovered as exc:
            raise WorkflowError(not_covered_message(exc.year)) from exc
        return {"notice_started_on": today, "notice_ends_on": ends, "verification_note": findings}

    def record(current, from_state, to_state, at):
        made.append(TaskVerification.objects.create(task=current, verified_on=verified_on, verified_by=verified_by,
                                                    method=method, findings=findings, recorded_by=actor,
                                                    recorded_at=at))
        store_files(checked, task=current, uploaded_by=actor, now=at, verification=made[0])
        record_task_event(current.pk, "verify", actor, at, from_state=from_state, to_state=to_state,
                          is_public=True, text=_("Verified; public notice until %(day)s.") % {
                              "day": current.notice_ends_on}, data={"verification": made[0].pk})
        transaction.on_commit(refcache.public_data_changed)

    guarded_transition(TASK_LIFECYCLE, task.pk, "verify", now=now, expected_version=expected_version,
                       check=lambda c: require_office(actor), effect=effect, record=record)
    return made[0]


def file_objection(task, text: str, contact: str = "", *, now: datetime | None = None) -> Objection:
    """Anyone may object while the task is in its public notice period."""
    text = require(text, gettext_lazy("Objection"))
    now = now or timezone.now()
    with transaction.atomic():
        current = RectificationTask.objects.select_for_update().get(pk=task.pk)
        if current.state != "notice" or (current.notice_ends_on and local_date(now) > current.notice_ends_on):
            raise WorkflowError(_("This task is not in its public notice period; objections are closed."))
        objection = Objection.objects.create(task=current, text=text[:4000], contact=contact[:200], received_at=now)
        record_task_event(current.pk, "objection", None, now, text=_("An objection was received."),
                          data={"objection": objection.pk})
        _tell_office(current, objection, now)
    return objection


def _tell_office(task, objection: Objection, now: datetime) -> None:
    """An e-mail to the rectification office (outbox row, sent by the worker): an objection
    must be decided before the task can be written off."""
    subject = _("Objection to the write-off of task %(number)s. %(title)s") % {"number": task.number,
                                                                               "title": task.title}
    for dept in Department.objects.filter(kind=Department.Kind.OFFICE, is_active=True).exclude(email=""):
        Notification.objects.get_or_create(idempotency_key=f"objection:{objection.pk}:{dept.pk}", defaults={
            "channel": Notification.Channel.EMAIL, "recipient": dept.email, "audience": f"department:{dept.pk}",
            "template": "programme_objection", "subject": subject[:200], "body": subject, "next_attempt_at": now})


def decide_objection(objection: Objection, actor, uphold: bool, note: str, *,
                     expected_version: int | None = None, now: datetime | None = None) -> Objection:
    """The office dismisses an objection or upholds it; an upheld objection reopens the task."""
    note = require(note, gettext_lazy("Decision"))
    now = now or timezone.now()
    action = "uphold" if uphold else "dismiss"

    def record(current, from_state, to_state, at):
        record_task_event(current.task_id, f"objection_{action}", actor, at, from_state=from_state,
                          to_state=to_state, text=note, data={"objection": current.pk})
        if uphold:
            reopen_task(current.task, actor, note, source="objection", now=at)

    return guarded_transition(
        OBJECTION_LIFECYCLE, objection.pk, action, now=now, expected_version=expected_version,
        check=lambda c: require_office(actor),
        effect=lambda c, at: {"decided_by_id": actor.pk, "decided_at": at, "decision_note": note}, record=record)


def write_off(task, actor, *, expected_version: int | None = None, now: datetime | None = None):
    """销号: only after the notice period ended with no objection pending or upheld."""
    now = now or timezone.now()

    def check(current):
        require_office(actor)
        if current.notice_ends_on is None or local_date(now) <= current.notice_ends_on:
            raise WorkflowError(_("The public notice period runs until %(day)s; write off after it ends.") % {
                "day": current.notice_ends_on})
        if current.objections.filter(state=ObjectionState.PENDING).exists():
            raise WorkflowError(_("Decide the pending objections before writing the task off."))

    def effect(current, at):
        last = current.milestones.order_by("-completed_at").values_list("completed_at", flat=True).first()
        return {"verified_at": at, "verified_by": actor, "completed_at": last or local_date(at)}

    return _task_transition(task, "write_off", actor, check=check, effect=effect, now=now,
                            expected_version=expected_version, text=_("Written off after verification and notice."))


def reopen_task(task, actor, reason: str, *, source: str, expected_version: int | None = None,
                now: datetime | None = None):
    """Reopen a task in verification, notice or written off (→ in progress), with a public reason.

    ``source`` says why: "objection", "relapse", "spot_check", "supervision" or "office".
    ``actor`` is the office or a supervisor, or None for the system (a spot-check service).
    """
    reason = require(reason, gettext_lazy("Reason"))
    if source not in REOPEN_SOURCES:
        raise ValueError(f"unknown reopen source {source!r}")

    def check(current):
        if actor is not None and not roles.has_role(actor, roles.OFFICE, roles.SUPERVISOR):
            raise NotPermitted(_("Only the rectification office or a supervisor may reopen a task."))

    effect = lambda current, at: {"verified_at": None, "verified_by": None, "completed_at": None,  # noqa: E731
                                  "notice_started_on": None, "notice_ends_on": None}
    return _task_transition(task, "reopen", actor, check=check, effect=effect, text=reason,
                            data={"source": source}, expected_version=expected_version, now=now)
