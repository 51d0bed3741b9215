"""What a reporter sees of their own case, and what they may do after the reply
(PRODUCT §4.1, §5, §6): look-up by reference + access code, the public timeline
in plain words, the department and due date, satisfaction feedback and review.

Only public events, the department's name (never a member of staff), the reply
and masked contact details leave this module.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cases.intake import check_access_code, hash_access_code
from cases.models import Case, CaseEvent, CaseState, Clock, ClockKind, DeadlineSetting, Feedback
from cases.results import reopen
from cases.workflow import WorkflowError, record_event

REFERENCE_MAX = 20


def find_case(reference: str, code: str) -> Case | None:
    """The case when both match; None otherwise, with the same work done either way."""
    reference = (reference or "").strip().upper()[:REFERENCE_MAX]
    case = Case.objects.filter(reference=reference).first() if reference else None
    if case is None:
        hash_access_code(reference or "-", code or "")  # equal work for a wrong reference
        return None
    return case if check_access_code(case, code) else None


def mask_phone(phone: str) -> str:
    digits = (phone or "").strip()
    if len(digits) <= 4:
        return "*" * len(digits)
    if len(digits) >= 11:
        return f"{digits[:3]}****{digits[-4:]}"
    return f"{'*' * (len(digits) - 4)}{digits[-4:]}"


def mask_email(email: str) -> str:
    email = (email or "").strip()
    if "@" not in email:
        return ""
    local, domain = email.rsplit("@", 1)
    return f"{local[:1]}***@{domain}"


# --- Windows after the reply -------------------------------------------------------------


def reply_time(case: Case) -> datetime | None:
    """When the reporter was last given a reply: the last closure, else the reply itself."""
    if case.state == CaseState.CLOSED and case.closed_at:
        return case.closed_at
    if case.state in (CaseState.STAGE_CLOSED, CaseState.REJECTED):
        return case.replied_at
    return None


@dataclass(frozen=True)
class Windows:
    replied_at: datetime | None
    feedback_until: datetime | None
    review_until: datetime | None
    has_feedback: bool
    last_rating: int | None
    can_rate: bool
    can_review: bool


def windows(case: Case, now: datetime | None = None) -> Windows:
    now = now or timezone.now()
    replied = reply_time(case)
    if replied is None:
        return Windows(None, None, None, False, None, False, False)
    limits = DeadlineSetting.current()
    feedback_until = replied + timedelta(days=limits.satisfaction_days)
    review_until = replied + timedelta(days=limits.review_days)
    latest = case.feedback.filter(created_at__gte=replied).order_by("-created_at").first()
    return Windows(
        replied_at=replied, feedback_until=feedback_until, review_until=review_until,
        has_feedback=latest is not None, last_rating=latest.rating if latest else None,
        can_rate=latest is None and now <= feedback_until,
        can_review=case.state == CaseState.CLOSED and now <= review_until,
    )


def give_feedback(case: Case, rating: int, comment: str, now: datetime | None = None) -> Feedback:
    """Once per reply, within the satisfaction window."""
    now = now or timezone.now()
    if rating not in Feedback.Rating.values:
        raise WorkflowError(_("Choose one of the ratings."))
    with transaction.atomic():
        current = Case.objects.select_for_update().get(pk=case.pk)
        state = windows(current, now)
        if state.replied_at is None:
            raise WorkflowError(_("You can rate the handling once the city has replied."))
        if state.has_feedback:
            raise WorkflowError(_("You have already rated the handling of this case. Thank you."))
        if not state.can_rate:
            raise WorkflowError(_("The time for rating has passed: ratings are taken for %(days)s days after "
                                  "the reply.") % {"days": DeadlineSetting.current().satisfaction_days})
        feedback = Feedback.objects.create(case=current, rating=rating, comment=comment.strip()[:2000],
                                           created_at=now)
        with translation.override(settings.LANGUAGE_CODE):  # stored texts are in the site's language
            text = _("You rated the handling: %(rating)s.") % {"rating": Feedback.Rating(rating).label}
        record_event(current, "feedback", None, now, is_public=True, internal_text=feedback.comment,
                     public_text=text, data={"rating": rating, "feedback": feedback.pk})
    return feedback


def request_review(case: Case, reason: str, now: datetime | None = None) -> Case:
    """Reopen a closed case at the reporter's request, within the review window."""
    now = now or timezone.now()
    state = windows(case, now)
    if case.state != CaseState.CLOSED or state.replied_at is None:
        raise WorkflowError(_("A review can be asked for once the case is closed."))
    if not state.can_review:
        raise WorkflowError(_("The time for asking for a review has passed: it is %(days)s days after the "
                              "reply.") % {"days": DeadlineSetting.current().review_days})
    kind = "unsatisfied" if state.last_rating == Feedback.Rating.UNSATISFIED else "review_request"
    return reopen(case, None, reason, kind=kind, now=now)


# --- What the tracking page shows -------------------------------------------------------


@dataclass
class TimelineEntry:
    at: datetime
    text: str


@dataclass
class TrackView:
    case: Case
    state_text: str
    department: str
    due_at: datetime | None
    due_text: str
    extensions: list[str]
    timeline: list[TimelineEntry]
    reply: str
    contacts: list[str]
    windows: Windows
    merged_into: "TrackView | None" = None
    co_departments: list[str] = field(default_factory=list)


def _state_text(case: Case) -> str:
    dept = case.lead_department.name if case.lead_department_id else ""
    texts = {
        CaseState.SUBMITTED: _("Received. It is waiting to be passed to the department responsible."),
        CaseState.ASSIGNED: _("Passed to %(dept)s, waiting for the department to accept it.") % {"dept": dept},
        CaseState.IN_PROGRESS: _("%(dept)s is handling your report.") % {"dept": dept},
        CaseState.PENDING_REVIEW: _("The department has reported what it did; the rectification office is "
                                    "checking the result."),
        CaseState.STAGE_CLOSED: _("The city has replied. Long-term rectification is still going on."),
        CaseState.CLOSED: _("Closed: the city has replied."),
        CaseState.REJECTED: _("Not accepted. See the reason below."),
        CaseState.MERGED: _("Merged with another report about the same problem."),
    }
    return texts.get(case.state, str(case.get_state_display()))


def _due(case: Case) -> tuple[datetime | None, str]:
    clocks = Clock.objects.filter(case=case, stopped_at__isnull=True, action_item__isnull=True)
    if case.state in (CaseState.IN_PROGRESS, CaseState.PENDING_REVIEW):
        handling = clocks.filter(kind=ClockKind.HANDLING, assignment__role="lead").order_by("due_at").first()
        if handling:
            return handling.due_at, _("The department is due to finish handling by")
    if case.state in (CaseState.SUBMITTED, CaseState.ASSIGNED):
        ack = clocks.filter(kind=ClockKind.ACKNOWLEDGE).first()
        if ack:
            return ack.due_at, _("You will be told whether your report is accepted by")
    if case.state in (CaseState.SUBMITTED, CaseState.ASSIGNED, CaseState.IN_PROGRESS, CaseState.PENDING_REVIEW):
        return case.next_due_at, _("Next step due by")
    return None, ""


def _timeline(case: Case) -> list[TimelineEntry]:
    # The same rule as CaseEvent.seen_by_reporter (the workbench's "public" badge).
    events = CaseEvent.objects.filter(case=case, is_public=True).exclude(public_text="").order_by("created_at", "pk")
    return [TimelineEntry(e.created_at, e.shown_public_text) for e in events]


def _contacts(case: Case) -> list[str]:
    reporter = case.reporters.order_by("pk").first()
    if reporter is None or reporter.contact_purged_at:
        return []
    return [m for m in (mask_phone(reporter.phone), mask_email(reporter.email)) if m]


def build_view(case: Case, now: datetime | None = None, *, nested: bool = False) -> TrackView:
    """The reporter's view; `nested` is the surviving case of a merge: its timeline
    and state only, nothing about its own reporters and no actions."""
    case = Case.objects.select_related("lead_department", "merged_into").get(pk=case.pk)
    due_at, due_text = _due(case)
    reply = ""
    if case.state in (CaseState.CLOSED, CaseState.STAGE_CLOSED):
        reply = case.reply_text
    elif case.state == CaseState.REJECTED:
        reply = case.rejection_reason
    co = [a.department.name for a in case.assignments.filter(is_active=True, role="co").select_related("department")]
    view = TrackView(
        case=case, state_text=_state_text(case),
        department=case.lead_department.name if case.lead_department_id else "",
        due_at=due_at, due_text=due_text,
        extensions=[e.shown_public_text for e in case.events.filter(kind="extension_approved", is_public=True)
                    .order_by("created_at")],
        timeline=_timeline(case), reply=reply, contacts=[] if nested else _contacts(case),
        windows=Windows(None, None, None, False, None, False, False) if nested else windows(case, now),
        co_departments=co,
    )
    if not nested and case.state == CaseState.MERGED and case.merged_into_id:
        view.merged_into = build_view(case.merged_into, now, nested=True)
    return view
