"""Extension requests (延期申请): a department asks, the intake officer decides
(docs/product.md §4.2, §6). Approval moves the clock and tells the reporter why."""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from cases import notifications, public_text, roles
from cases.calendar import load_calendar
from cases.deadlines import move_clock, policy_for, refresh_case_flags
from cases.lifecycle import bump_version
from cases.models import Assignment, Case, ClockKind, DeadlineSetting, ExtensionRequest
from cases.workflow import CASE_LIFECYCLE, NotPermitted, WorkflowError, record_event, require


def _handling_clock(case: Case, actor):
    dept = roles.department_id_of(actor)
    assignment = Assignment.objects.filter(case=case, department_id=dept, is_active=True).first()
    if assignment is None or not roles.has_role(actor, roles.HANDLER, roles.HEAD):
        raise NotPermitted(_("You may not do this on this case."))
    clock = assignment.clocks.filter(kind=ClockKind.HANDLING, stopped_at__isnull=True).first()
    if clock is None:
        raise WorkflowError(_("There is no running handling deadline to extend."))
    return assignment, clock


def check_limits(clock, new_due: datetime, settings_row: DeadlineSetting) -> None:
    """Statutory limits: at most `extension_max_days` beyond the current due time,
    and never beyond the statutory handling limit plus that extension."""
    if new_due <= clock.due_at:
        raise WorkflowError(_("The new due time must be later than the current one."))
    if new_due - clock.due_at > timedelta(days=settings_row.extension_max_days):
        raise WorkflowError(_("An extension may add at most %(days)s days.")
                            % {"days": settings_row.extension_max_days})
    ceiling = clock.started_at + timedelta(days=settings_row.handling_statutory_days
                                           + settings_row.extension_max_days)
    if new_due > ceiling:
        raise WorkflowError(_("The new due time is beyond the statutory limit of %(days)s days.")
                            % {"days": settings_row.handling_statutory_days + settings_row.extension_max_days})


def request_extension(case: Case, actor, new_due: datetime, reason: str, public_reason: str, *,
                      now: datetime | None = None, expected_version: int | None = None) -> ExtensionRequest:
    reason = require(reason, gettext_lazy("Reason"))
    public_reason = require(public_reason, gettext_lazy("Reason told to the reporter"))
    now = now or timezone.now()
    with transaction.atomic():
        assignment, clock = _handling_clock(case, actor)
        check_limits(clock, new_due, DeadlineSetting.current())
        if ExtensionRequest.objects.filter(case=case, state=ExtensionRequest.State.PENDING).exists():
            raise WorkflowError(_("An extension request for this case is already waiting for a decision."))
        bump_version(CASE_LIFECYCLE, case.pk, expected_version, updated_at=now)
        ext = ExtensionRequest.objects.create(
            case=case, assignment=assignment, requested_by=actor, requested_at=now, reason=reason,
            public_reason=public_reason, old_due_at=clock.due_at, requested_due_at=new_due)
        record_event(case, "extension_requested", actor, now, internal_text=reason,
                     data={"extension": ext.pk, "old_due": clock.due_at.isoformat(),
                           "requested_due": new_due.isoformat()})
    return ext


def _lock_pending(ext: ExtensionRequest, actor) -> ExtensionRequest:
    if not roles.has_role(actor, roles.INTAKE):
        raise NotPermitted(_("You may not do this on this case."))
    locked = ExtensionRequest.objects.select_for_update().get(pk=ext.pk)
    if locked.state != ExtensionRequest.State.PENDING:
        raise WorkflowError(_("This request has already been decided."))
    return locked


def approve_extension(ext: ExtensionRequest, actor, note: str = "", *, now=None,
                      expected_version: int | None = None) -> ExtensionRequest:
    now = now or timezone.now()
    with transaction.atomic():
        ext = _lock_pending(ext, actor)
        bump_version(CASE_LIFECYCLE, ext.case_id, expected_version, updated_at=now)
        clock = ext.assignment.clocks.filter(kind=ClockKind.HANDLING, stopped_at__isnull=True).first()
        if clock is None:
            raise WorkflowError(_("The deadline this request was for is no longer running."))
        check_limits(clock, ext.requested_due_at, DeadlineSetting.current())
        case = ext.case
        move_clock(load_calendar(), clock, ext.requested_due_at,
                   policy_for(ClockKind.HANDLING, case.source, case.subcategory or case.category))
        ExtensionRequest.objects.filter(pk=ext.pk).update(state=ExtensionRequest.State.APPROVED,
                                                          decided_by=actor, decided_at=now, decision_note=note)
        record_event(case, "extension_approved", actor, now, is_public=True, internal_text=note,
                     public_message=public_text.message(
                         gettext_noop("The handling deadline was extended to %(date)s. Reason: %(reason)s"),
                         date=public_text.moment(ext.requested_due_at), reason=ext.public_reason),
                     data={"extension": ext.pk, "old_due": ext.old_due_at.isoformat(),
                           "new_due": ext.requested_due_at.isoformat()})
        refresh_case_flags([case.pk])
        notifications.notify_reporter(case, "extension_approved",
                                      {"new_due": ext.requested_due_at, "reason": ext.public_reason},
                                      f"extension:{ext.pk}", now=now)
    ext.refresh_from_db()
    return ext


def refuse_extension(ext: ExtensionRequest, actor, note: str, *, now=None,
                     expected_version: int | None = None) -> ExtensionRequest:
    note = require(note, gettext_lazy("Reason"))
    now = now or timezone.now()
    with transaction.atomic():
        ext = _lock_pending(ext, actor)
        bump_version(CASE_LIFECYCLE, ext.case_id, expected_version, updated_at=now)
        ExtensionRequest.objects.filter(pk=ext.pk).update(state=ExtensionRequest.State.REFUSED,
                                                          decided_by=actor, decided_at=now, decision_note=note)
        record_event(ext.case, "extension_refused", actor, now, internal_text=note, data={"extension": ext.pk})
    ext.refresh_from_db()
    return ext
