"""What a reporter sees of their own case, and what they may do after the reply
(docs/product.md §4.1, §5, §6): look-up by reference + access code, the public timeline
in plain words, the department and due date, satisfaction feedback and review.

Only public events, the department's name (never a member of staff), the reply
and masked contact details leave this module.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cases.calendar import CalendarNotCovered, WorkCalendar, load_calendar, local_date
from cases.intake import check_access_code, hash_access_code
from cases.lifecycle import bump_version
from cases.models import Case, CaseEvent, CaseState, Clock, ClockKind, DeadlineSetting, Feedback, Photo
from cases.rating_link import read_rating_token
from cases.results import reopen
from cases.workflow import CASE_LIFECYCLE, WorkflowError, record_event

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
        bump_version(CASE_LIFECYCLE, current.pk, None, updated_at=now)  # staff forms opened before go stale
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
    due_sentence: str = ""
    citizen_photos: list[Photo] = field(default_factory=list)
    after_photos: list[Photo] = field(default_factory=list)


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
    """The deadline the reporter waits for and its kind: handling, acknowledge or next."""
    clocks = Clock.objects.filter(case=case, stopped_at__isnull=True, action_item__isnull=True)
    if case.state in (CaseState.IN_PROGRESS, CaseState.PENDING_REVIEW):
        handling = clocks.filter(kind=ClockKind.HANDLING, assignment__role="lead").order_by("due_at").first()
        if handling:
            return handling.due_at, "handling"
    if case.state in (CaseState.SUBMITTED, CaseState.ASSIGNED):
        ack = clocks.filter(kind=ClockKind.ACKNOWLEDGE).first()
        if ack:
            return ack.due_at, "acknowledge"
    if case.state in CaseState.OPEN and case.next_due_at:
        return case.next_due_at, "next"
    return None, ""


def _due_label(kind: str) -> str:
    return {
        "handling": _("The department is due to finish handling by"),
        "acknowledge": _("You will be told whether your report is accepted by"),
        "next": _("Next step due by"),
    }.get(kind, "")


def deadline_sentence(kind: str, due_at: datetime, now: datetime, calendar: WorkCalendar) -> str:
    """The deadline in plain words: "应于2026年3月12日前办结，还剩3个工作日"."""
    day = local_date(due_at)
    date_text = formats.date_format(day, "DATE_FORMAT")
    lead = {
        "handling": _("To be finished by %(date)s"),
        "acknowledge": _("You are to be told whether your report is accepted by %(date)s"),
    }.get(kind, _("The next step is due by %(date)s")) % {"date": date_text}
    remaining = _remaining(day, local_date(now), calendar)
    return _("%(deadline)s, %(remaining)s") % {"deadline": lead, "remaining": remaining} if remaining else lead


def _remaining(due_day, today, calendar: WorkCalendar) -> str:
    """Working days left (after today, up to and including the due day), or how late."""
    try:
        if due_day == today:
            return _("due today")
        if due_day < today:
            late = calendar.working_days_between(due_day, today)
            if not late:
                return _("the deadline has passed")
            return ngettext("%(n)s working day late", "%(n)s working days late", late) % {"n": late}
        left = calendar.working_days_between(today, due_day)
    except CalendarNotCovered:  # a year the administrators have not entered: the date alone
        return ""
    return ngettext("%(n)s working day left", "%(n)s working days left", left) % {"n": left}


def _timeline(case: Case) -> list[TimelineEntry]:
    # The same rule as CaseEvent.seen_by_reporter (the workbench's "public" badge).
    events = CaseEvent.objects.filter(case=case, is_public=True).exclude(public_text="").order_by("created_at", "pk")
    return [TimelineEntry(e.created_at, e.shown_public_text) for e in events]


def _contacts(case: Case) -> list[str]:
    reporter = case.reporters.order_by("pk").first()
    if reporter is None or reporter.contact_purged_at:
        return []
    return [m for m in (mask_phone(reporter.phone), mask_email(reporter.email)) if m]


def reporter_photos(case: Case):
    """Photos the reporter of `case` may see: their own report's photos, and the
    evidence of the result ("after") once it is made public and the city has replied."""
    own = Photo.objects.filter(case=case, kind=Photo.Kind.CITIZEN)
    if case.state not in CaseState.RESOLVED:
        return own
    return own | Photo.objects.filter(case=case, kind=Photo.Kind.AFTER, is_public=True)


def build_view(case: Case, now: datetime | None = None, *, nested: bool = False) -> TrackView:
    """The reporter's view; `nested` is the surviving case of a merge: its timeline
    and state only, nothing about its own reporters and no actions."""
    now = now or timezone.now()
    case = Case.objects.select_related("lead_department", "merged_into", "category", "subcategory").get(pk=case.pk)
    due_at, due_kind = _due(case)
    reply = ""
    if case.state in CaseState.RESOLVED:
        reply = case.reply_text
    elif case.state == CaseState.REJECTED:
        reply = case.rejection_reason
    co = [a.department.name for a in case.assignments.filter(is_active=True, role="co").select_related("department")]
    photos = [] if nested else list(reporter_photos(case).order_by("received_at", "pk"))
    view = TrackView(
        case=case, state_text=_state_text(case),
        department=case.lead_department.name if case.lead_department_id else "",
        due_at=due_at, due_text=_due_label(due_kind),
        due_sentence=deadline_sentence(due_kind, due_at, now, load_calendar()) if due_at else "",
        # An extension matters while the reporter waits; once the case is finished it is history.
        extensions=[e.shown_public_text for e in case.events.filter(kind="extension_approved", is_public=True)
                    .order_by("created_at")] if case.state in CaseState.OPEN else [],
        timeline=_timeline(case), reply=reply, contacts=[] if nested else _contacts(case),
        windows=Windows(None, None, None, False, None, False, False) if nested else windows(case, now),
        co_departments=co,
        citizen_photos=[p for p in photos if p.kind == Photo.Kind.CITIZEN],
        after_photos=[p for p in photos if p.kind == Photo.Kind.AFTER],
    )
    if not nested and case.state == CaseState.MERGED and case.merged_into_id:
        view.merged_into = build_view(case.merged_into, now, nested=True)
    return view


# --- The rating link of the closing message ----------------------------------------------


def case_for_rating(token: str) -> Case | None:
    """The case of a rating link still bound to the case's latest reply, else None."""
    signed = read_rating_token(token)
    case = Case.objects.filter(pk=signed[0]).first() if signed else None
    replied_at = reply_time(case) if case else None
    if replied_at is None or int(replied_at.timestamp()) != signed[1]:
        return None
    return case
