"""Everything the case page shows, read in a fixed number of queries."""

from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cases import roles
from cases.access import can_see_reporter, visible_cases
from cases.maps.config import map_settings as shared_map_settings
from cases.models import Assignment, Case, CaseEvent, Clock, ExtensionRequest, Photo, SupervisionOrder
from cases.staffnames.names import display_name
from cases.workbench import forms as f
from cases.workbench.registry import Situation, available_specs, build_form

CASE_RELATED = ("category", "subcategory", "township", "lead_department", "batch", "merged_into")

EVENT_LABELS = {
    "received": _("Received"), "auto_routed": _("Routed automatically"), "dispatched": _("Dispatched"),
    "routing_needed": _("Needs manual dispatch"), "accepted": _("Accepted"), "returned": _("Returned"),
    "transferred": _("Transferred"), "rejected": pgettext_lazy("case state", "Rejected"), "merged": _("Merged"),
    "merged_in": _("Duplicate merged in"), "result_submitted": _("Result submitted"),
    "sent_back": _("Result sent back"), "closed": _("Closed"), "stage_closed": _("Stage-closed"),
    "reopened": _("Reopened"), "note": _("Note"), "co_accepted": _("Co-department accepted its part"),
    "co_part_submitted": _("Co-department submitted its part"), "extension_requested": _("Extension requested"),
    "extension_approved": _("Extension approved"), "extension_refused": _("Extension refused"),
    "deadline_warning": _("Deadline approaching"), "deadline_overdue": _("Overdue"),
    "escalated": _("Escalated for supervision"), "evidence_added": _("Evidence added"),
    "publicity_changed": _("Public visibility changed"), "meeting": _("Joint meeting"),
    "action_item_done": _("Meeting action item done"), "follower_added": _("Another reporter follows"),
    "feedback": _("Reporter's feedback"), "calendar_missing": _("Work calendar missing"),
    "photo_failed": _("Photo could not be processed"),
    "result_proposed": _("Result proposed for the head's approval"),
    "result_returned_by_head": _("Result sent back by the department head"),
    "spot_check_confirmed": _("Spot check: rectification holds"), "spot_check_relapse": _("Spot check: relapse"),
    "spot_check_not_verifiable": _("Spot check: not verifiable"),
    "supervision_issued": _("Supervision order issued"), "supervision_reply": _("Reply to the supervision order"),
    "supervision_accept": _("Reply accepted"), "supervision_send_back": _("Reply sent back"),
    "supervision_withdraw": _("Supervision order withdrawn"),
    "supervision_escalate": _("Reply overdue: order escalated"), "supervision_overdue": _("Reply overdue"),
    "accountability_recorded": _("Accountability recorded"),
}


def detail_queryset():
    return Case.objects.select_related(*CASE_RELATED)


@dataclass
class PhotoGroups:
    citizen: list
    before: list
    after: list
    other: list

    @classmethod
    def of(cls, photos) -> "PhotoGroups":
        groups = cls([], [], [], [])
        for photo in photos:
            {Photo.Kind.CITIZEN: groups.citizen, Photo.Kind.BEFORE: groups.before,
             Photo.Kind.AFTER: groups.after}.get(photo.kind, groups.other).append(photo)
        return groups


def event_rows(case: Case) -> list[dict]:
    events = CaseEvent.objects.filter(case=case).select_related("actor", "actor_department").order_by(
        "created_at", "pk")
    return [{"event": e, "label": EVENT_LABELS.get(e.kind, e.kind),
             "actor": display_name(e.actor) if e.actor else _("Reporter or system")}
            for e in events]


def clock_rows(case: Case, now) -> list[dict]:
    clocks = Clock.objects.filter(case=case).select_related("assignment__department").order_by("due_at", "pk")
    rows = []
    for clock in clocks:
        running = clock.stopped_at is None
        late = (clock.stopped_at or now) > clock.due_at
        rows.append({"clock": clock, "running": running, "late": late,
                     "extended": bool(clock.original_due_at and clock.original_due_at != clock.due_at),
                     "warning": running and not late and clock.warn_at <= now})
    return rows


def action_forms(situation: Situation, bound: dict | None = None) -> list[tuple]:
    bound = bound or {}
    return [(spec, bound.get(spec.name) or build_form(spec, situation)) for spec in available_specs(situation)]


def case_context(user, case: Case, bound: dict | None = None) -> dict:
    now = timezone.now()
    situation = Situation(user, case)
    assignments = Assignment.objects.filter(case=case).select_related("department").order_by("assigned_at", "pk")
    return {
        "case": case,
        "now": now,
        "photos": PhotoGroups.of(Photo.objects.filter(case=case).order_by("received_at", "pk")),
        "clocks": clock_rows(case, now),
        "events": event_rows(case),
        "assignments": list(assignments),
        "extensions": list(ExtensionRequest.objects.filter(case=case).select_related(
            "assignment__department", "requested_by", "decided_by")),
        "pending_extension": situation.pending_extension if situation.is_intake else None,
        "actions": action_forms(situation, bound),
        "tasks": list(case.tasks.all()),
        "meetings": list(case.meetings.prefetch_related(
            Prefetch("action_items", to_attr="items")).order_by("-held_on")),
        "merged_cases": list(visible_cases(user, case.merged_cases.all()).only("pk", "reference")),
        "can_see_reporter": can_see_reporter(user),
        "can_view_originals": roles.has_role(user, roles.INTAKE),
        "reveal_form": f.RevealReporterForm() if can_see_reporter(user) else None,
        "map": map_settings(case),
        "orders": list(SupervisionOrder.objects.visible_to(user).filter(case=case).order_by("-issued_at")),
        "can_issue_order": roles.has_role(user, *roles.SUPERVISION_ROLES),
    }


def map_settings(case: Case) -> dict | None:
    """The pin in WGS-84 and the shared map settings; static/js/portal_map.js draws it in
    the tiles' datum, on the township outlines when no tile server is configured."""
    if case.latitude is None or case.longitude is None:
        return None
    return {"lat": f"{float(case.latitude):.6f}", "lng": f"{float(case.longitude):.6f}",
            "wgs_lat": case.latitude, "wgs_lng": case.longitude, "settings": shared_map_settings()}
