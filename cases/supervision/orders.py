"""Supervision orders (督办单, PRODUCT §4.7): issue, reply, accept / send back, withdraw,
and the escalation of overdue replies.

Every state change goes through :func:`cases.lifecycle.guarded_transition` (table, row
lock, version compare-and-set) and writes the order's event in the same transaction; an
order on a case also writes an internal event on the case's timeline.
"""

from datetime import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from cases import notifications, roles
from cases.calendar import CalendarNotCovered, due_after, load_calendar
from cases.lifecycle import (
    Lifecycle,
    MissingReason,
    NotPermitted,
    WorkflowError,
    guarded_transition,
)
from cases.models import (
    DayUnit,
    OrderLevel,
    OrderState,
    SupervisionEvent,
    SupervisionEvidence,
    SupervisionOrder,
)
from cases.programme.lifecycles import record_task_event
from cases.supervision.evidence import check_uploads
from cases.workflow import record_event

S = OrderState
TRANSITIONS = {
    "reply": (frozenset({S.ISSUED}), S.REPLIED),
    "accept": (frozenset({S.REPLIED}), S.ACCEPTED),
    "send_back": (frozenset({S.REPLIED}), S.ISSUED),
    "withdraw": (frozenset({S.ISSUED, S.REPLIED}), S.WITHDRAWN),
    "escalate": (frozenset({S.ISSUED}), S.ISSUED),
}
ORDER_LIFECYCLE = Lifecycle(
    model=SupervisionOrder, transitions=TRANSITIONS,
    forbidden_message=gettext_lazy("This supervision order is %(state)s; that action is not possible now."),
    conflict_message=gettext_lazy("Someone else changed this supervision order first. Reload it and try again."),
)
EVENT_LABELS = {
    "issued": gettext_lazy("Supervision order issued"),
    "reply": gettext_lazy("Reply to the supervision order"),
    "accept": gettext_lazy("Reply accepted"),
    "send_back": gettext_lazy("Reply sent back"),
    "withdraw": gettext_lazy("Supervision order withdrawn"),
    "escalate": gettext_lazy("Reply overdue: order escalated"),
    "overdue": gettext_lazy("Reply overdue"),
}
MAX_REPLY_DAYS = 60


def may_issue(user) -> bool:
    return roles.has_role(user, *roles.SUPERVISION_ROLES)


def may_reply(user, order: SupervisionOrder) -> bool:
    dept = roles.department_id_of(user)
    return (roles.has_role(user, roles.HANDLER, roles.HEAD) and dept is not None
            and order.departments.filter(pk=dept).exists())


def _require(text: str, what) -> str:
    text = (text or "").strip()
    if not text:
        raise MissingReason(_("%(what)s is required.") % {"what": what})
    return text


def _reply_due(start: datetime, days: int) -> datetime:
    try:
        return due_after(load_calendar(), start, days, DayUnit.WORKING)
    except CalendarNotCovered as exc:
        raise WorkflowError(_("The work calendar does not cover the reply deadline; ask an administrator to "
                              "enter the year.")) from exc


def _next_number(now: datetime) -> str:
    year = timezone.localtime(now).year
    prefix = f"DB{year}-"
    last = (SupervisionOrder.objects.filter(number__startswith=prefix).order_by("-number")
            .values_list("number", flat=True).first())
    return f"{prefix}{int(last[len(prefix):]) + 1 if last else 1:04d}"


def _record(order: SupervisionOrder, kind: str, actor, now: datetime, *, from_state: str = "",
            to_state: str = "", text: str = "", data: dict | None = None, dedupe_key: str | None = None) -> None:
    SupervisionEvent.objects.create(order=order, kind=kind, actor=actor if actor is not None else None,
                                    created_at=now, from_state=from_state, to_state=to_state, text=text,
                                    data=data or {}, dedupe_key=dedupe_key)
    label = f"{EVENT_LABELS[kind]} {order.number}（{order.get_level_display()}）"
    line = f"{label}: {text}".rstrip(": ")
    if order.case_id:  # shown on the case timeline (internal: never to the reporter)
        record_event(order.case, f"supervision_{kind}", actor, now, internal_text=line,
                     data={"order": order.pk, "level": order.level})
    else:  # on the task timeline, internal
        task_id = order.task_id or order.milestone.task_id
        record_task_event(task_id, f"supervision_{kind}", actor, now, milestone_id=order.milestone_id, text=line,
                          data={"order": order.pk, "level": order.level})


def _check_subject(case, task, milestone) -> None:
    if sum(x is not None for x in (case, task, milestone)) != 1:
        raise ValidationError(_("Choose the one case, task or milestone the order is about."))


def issue_order(actor, *, level: int, required_action: str, departments, case=None, task=None,
                milestone=None, reply_days: int = 5, now: datetime | None = None) -> SupervisionOrder:
    """A supervisor or the rectification office issues an order; the departments are told."""
    if not may_issue(actor):
        raise NotPermitted(_("Only supervisors and the rectification office issue supervision orders."))
    _check_subject(case, task, milestone)
    required_action = _require(required_action, gettext_lazy("What must be done"))
    departments = list(departments or [])
    if not departments:
        raise ValidationError(_("Address the order to at least one department."))
    if level not in OrderLevel.values:
        raise ValidationError(_("Choose the level of the order."))
    if not 1 <= int(reply_days) <= MAX_REPLY_DAYS:
        raise ValidationError(_("The reply deadline must be 1 to %(n)s working days.") % {"n": MAX_REPLY_DAYS})
    now = now or timezone.now()
    due = _reply_due(now, int(reply_days))
    for attempt in range(3):
        try:
            with transaction.atomic():
                order = SupervisionOrder.objects.create(
                    number=_next_number(now), level=level, case=case, task=task, milestone=milestone,
                    required_action=required_action, reply_days=int(reply_days), issued_by=actor, issued_at=now,
                    reply_due_at=due)
                order.departments.set(departments)
                _record(order, "issued", actor, now, to_state=S.ISSUED, text=required_action)
                _notify(order, "issued", _department_recipients(order), now)
            return order
        except IntegrityError:  # two orders took the same number at once: take the next one
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def reply_to_order(order: SupervisionOrder, actor, text: str, files=(), *, expected_version: int | None = None,
                   now: datetime | None = None) -> SupervisionOrder:
    """An addressed department replies (text + evidence files)."""
    text = _require(text, pgettext_lazy("supervision", "Reply"))
    uploads = check_uploads(files)
    now = now or timezone.now()

    def check(current):
        if not may_reply(actor, current):
            raise NotPermitted(_("Only an addressed department may reply to this order."))

    def effect(current, at):
        return {"reply_text": text, "replied_at": at, "replied_by_id": actor.pk,
                "replying_department_id": roles.department_id_of(actor),
                "replied_on_time": current.overdue_at is None}

    def record(current, from_state, to_state, at):
        for upload, data, ext, digest in uploads:
            evidence = SupervisionEvidence(order=current, name=upload.name[:200], extension=ext, sha256=digest,
                                           size=len(data), uploaded_by=actor, uploaded_at=at)
            evidence.file.save(f"x{ext}", ContentFile(data), save=False)
            evidence.save()
        _record(current, "reply", actor, at, from_state=from_state, to_state=to_state, text=text,
                data={"files": len(uploads)})
        _notify(current, "reply", _issuer_recipients(current), at)

    return guarded_transition(ORDER_LIFECYCLE, order.pk, "reply", now=now, expected_version=expected_version,
                              check=check, effect=effect, record=record)


def _decide(order, actor, action: str, note: str, expected_version, now, extra=None):
    def check(current):
        if not may_issue(actor):
            raise NotPermitted(_("Only supervisors and the rectification office decide on replies."))

    def effect(current, at):
        return {"decided_at": at, "decided_by_id": actor.pk, **(extra(current, at) if extra else {})}

    def record(current, from_state, to_state, at):
        _record(current, action, actor, at, from_state=from_state, to_state=to_state, text=note)
        if action == "send_back":
            _notify(current, "send_back", _department_recipients(current), at, note=note)

    return guarded_transition(ORDER_LIFECYCLE, order.pk, action, now=now or timezone.now(),
                              expected_version=expected_version, check=check, effect=effect, record=record)


def accept_reply(order, actor, note: str = "", *, expected_version=None, now=None) -> SupervisionOrder:
    return _decide(order, actor, "accept", (note or "").strip(), expected_version, now)


def send_back_reply(order, actor, reason: str, *, expected_version=None, now=None) -> SupervisionOrder:
    """The reply is not enough: the order runs again with a fresh reply deadline."""
    reason = _require(reason, gettext_lazy("Reason"))
    return _decide(order, actor, "send_back", reason, expected_version, now,
                   extra=lambda cur, at: {"reply_due_at": _reply_due(at, cur.reply_days), "overdue_at": None,
                                          "replied_on_time": None})


def withdraw_order(order, actor, reason: str, *, expected_version=None, now=None) -> SupervisionOrder:
    reason = _require(reason, gettext_lazy("Reason"))
    return _decide(order, actor, "withdraw", reason, expected_version, now)


def escalate_overdue(now: datetime | None = None) -> int:
    """The sweep's part for orders: an overdue reply escalates one level (reminder →
    supervision → listed supervision) with a fresh deadline and tells the issuer and the
    department heads; an overdue listed order is marked overdue once. Idempotent."""
    now = now or timezone.now()
    done = 0
    due = SupervisionOrder.objects.filter(state=S.ISSUED, reply_due_at__lte=now).exclude(
        level=OrderLevel.LISTED, overdue_at__isnull=False)
    for pk, version in due.values_list("pk", "version"):
        try:
            _escalate_one(pk, version, now)
            done += 1
        except WorkflowError:
            continue  # replied or changed meanwhile: nothing to escalate
    return done


def _escalate_one(pk: int, version: int, now: datetime) -> None:
    kinds: list[str] = []

    def effect(current, at):
        if current.level >= OrderLevel.LISTED:
            kinds.append("overdue")
            return {"overdue_at": current.overdue_at or at}
        kinds.append("escalate")
        return {"level": current.level + 1, "overdue_at": current.overdue_at or at,
                "escalation_count": current.escalation_count + 1,
                "reply_due_at": _reply_due(at, current.reply_days)}

    def record(current, from_state, to_state, at):
        _record(current, kinds[0], None, at, from_state=from_state, to_state=to_state,
                data={"level": current.level}, dedupe_key=f"order:{current.pk}:{kinds[0]}:{current.version}")
        _notify(current, "escalate", _issuer_recipients(current) + _head_recipients(current), at)

    guarded_transition(ORDER_LIFECYCLE, pk, "escalate", now=now, expected_version=version, effect=effect,
                       record=record)


# --- notifications -------------------------------------------------------------------

def _department_recipients(order) -> list[tuple[str, str]]:
    return [(f"department:{d.pk}", d.email) for d in order.departments.all() if d.email]


def _issuer_recipients(order) -> list[tuple[str, str]]:
    issuer = order.issued_by
    return [(f"staff:{issuer.pk}", issuer.email)] if issuer.email else []


def _head_recipients(order) -> list[tuple[str, str]]:
    heads = get_user_model().objects.filter(
        groups__name=roles.HEAD, staff_profile__department__in=order.departments.all(), is_active=True,
    ).exclude(email="").distinct()
    return [(f"staff:{u.pk}", u.email) for u in heads] + _department_recipients(order)


def _notify(order, event: str, recipients, now, note: str = "") -> None:
    context = {"number": order.number, "level": str(order.get_level_display()), "event": str(EVENT_LABELS[event]),
               "subject": subject_label(order), "required_action": order.required_action,
               "due_at": order.reply_due_at, "note": note}
    for audience, address in dict(recipients).items():
        notifications.enqueue(case=order.case, audience=audience, channel="email", recipient=address,
                              template="supervision_order", context=context, now=now,
                              idempotency_key=f"order:{order.pk}:{event}:{order.version}:{audience}")


def subject_label(order) -> str:
    if order.case_id:
        return _("case %(ref)s") % {"ref": order.case.reference}
    if order.task_id:
        return _("rectification task %(n)s: %(title)s") % {"n": order.task.number, "title": order.task.title}
    return _("milestone %(title)s of task %(n)s") % {"title": order.milestone.title, "n": order.milestone.task.number}

