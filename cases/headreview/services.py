"""Propose, approve and send back a result under head review.

A proposal is a HeadReview row with its own lifecycle (pending → approved | sent back),
moved by the guarded transition of cases.lifecycle; each step bumps the case version
and writes an internal case event in the same transaction."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases import roles
from cases.lifecycle import Lifecycle, NotPermitted, WorkflowError, bump_version, guarded_transition
from cases.models import Case, CaseState, HeadReview
from cases.results import submit_result
from cases.workflow import CASE_LIFECYCLE, record_event, require

S = HeadReview.State
REVIEW_LIFECYCLE = Lifecycle(
    model=HeadReview,
    transitions={"approve": (frozenset({S.PENDING}), S.APPROVED), "send_back": (frozenset({S.PENDING}), S.SENT_BACK)},
    forbidden_message=gettext_lazy("This result is %(state)s; that action is not possible now."),
    conflict_message=gettext_lazy("Someone else decided on this result first. Reload the case."),
)


def needs_head_review(case: Case) -> bool:
    return bool(case.lead_department_id and case.lead_department.head_approval_required)


def _in_lead_department(actor, case: Case) -> bool:
    return (roles.has_role(actor, roles.HANDLER, roles.HEAD)
            and roles.department_id_of(actor) == case.lead_department_id)


def pending_review(case: Case) -> HeadReview | None:
    return HeadReview.objects.filter(case=case, state=S.PENDING).select_related("proposed_by").first()


def may_propose(actor, case: Case) -> bool:
    return (case.state == CaseState.IN_PROGRESS and needs_head_review(case) and _in_lead_department(actor, case)
            and not roles.has_role(actor, roles.HEAD) and pending_review(case) is None)


def may_decide(actor, case: Case) -> bool:
    return roles.has_role(actor, roles.HEAD) and _in_lead_department(actor, case) and pending_review(case) is not None


def propose(case: Case, actor, *, findings: str, reply: str, public_summary: str = "", co_note: str = "",
            now: datetime | None = None, expected_version: int | None = None) -> HeadReview:
    findings = require(findings, gettext_lazy("Findings"))
    reply = require(reply, gettext_lazy("Reply to the reporter"))
    now = now or timezone.now()
    with transaction.atomic():
        current = CASE_LIFECYCLE.lock(case.pk)
        if not may_propose(actor, current):
            raise NotPermitted(_("You may not do this on this case."))
        bump_version(CASE_LIFECYCLE, current.pk, expected_version, updated_at=now)
        review = HeadReview.objects.create(
            case=current, department=current.lead_department, findings=findings, reply=reply,
            public_summary=public_summary, co_note=co_note, proposed_by=actor, proposed_at=now)
        record_event(current, "result_proposed", actor, now, data={"head_review": review.pk})
    return review


def approve(case: Case, actor, *, findings: str, reply: str, public_summary: str = "", co_note: str = "",
            now: datetime | None = None, expected_version: int | None = None) -> Case:
    """The head approves (possibly edited) texts: the result goes to the intake officer."""
    now = now or timezone.now()
    with transaction.atomic():
        review = _pending_for(case, actor)
        guarded_transition(REVIEW_LIFECYCLE, review.pk, "approve", now=now,
                           effect=lambda _r, at: {"decided_by": actor, "decided_at": at,
                                                  "findings": findings, "reply": reply,
                                                  "public_summary": public_summary})
        return submit_result(case, actor, findings=findings, reply=reply, public_summary=public_summary,
                             co_note=co_note or review.co_note, now=now, expected_version=expected_version)


def send_back(case: Case, actor, reason: str, *, now: datetime | None = None,
              expected_version: int | None = None) -> HeadReview:
    reason = require(reason, gettext_lazy("Reason"))
    now = now or timezone.now()
    with transaction.atomic():
        review = _pending_for(case, actor)
        bump_version(CASE_LIFECYCLE, case.pk, expected_version, updated_at=now)

        def record(current, _from, _to, at):
            record_event(case, "result_returned_by_head", actor, at, internal_text=reason,
                         data={"head_review": current.pk})

        return guarded_transition(REVIEW_LIFECYCLE, review.pk, "send_back", now=now, record=record,
                                  effect=lambda _r, at: {"decided_by": actor, "decided_at": at, "reason": reason})


def _pending_for(case: Case, actor) -> HeadReview:
    current = CASE_LIFECYCLE.lock(case.pk)
    if not may_decide(actor, current):
        raise NotPermitted(_("You may not do this on this case."))
    review = pending_review(current)
    if review is None:
        raise WorkflowError(_("No result is waiting for your approval."))
    return review
