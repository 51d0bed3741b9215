"""Cases as GeoReport v2 service requests, and public events as updates.

Only what the public may know leaves here. Every case shows its reference,
status, service, agency, dates and a status notice; a public case (made public
by an intake officer, not merged) adds its public summary, location, status
notes and public photo. Reporter identity, internal findings and internal event
text are never read by this module.
"""

from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.models import OPEN_STATES, Assignment, Case, CaseEvent, CaseState, Clock, ClockKind, Photo
from cases.privacy.location import public_point_of

from .services import display_name

# What is being done now, by state (the spec's service_notice); no case content.
STATE_NOTICES = {
    CaseState.SUBMITTED: gettext_lazy("Received; waiting to be passed to the responsible department."),
    CaseState.ASSIGNED: gettext_lazy("Passed to the responsible department, which is to accept it."),
    CaseState.IN_PROGRESS: gettext_lazy("The responsible department is handling the report."),
    CaseState.PENDING_REVIEW: gettext_lazy("The handling result is being verified by the rectification office."),
    CaseState.STAGE_CLOSED: gettext_lazy("A result was given; the long-term rectification continues under a "
                                         "rectification task."),
}


def w3c(value) -> str | None:
    """ISO 8601 with the offset, in the portal's time zone (e.g. 2026-03-02T09:00:00+08:00)."""
    if value is None:
        return None
    return timezone.localtime(value, ZoneInfo(settings.TIME_ZONE)).isoformat(timespec="seconds")


def status_of(state: str) -> str:
    """open: reported and being worked on; closed: resolved (closed, stage-closed, rejected, merged)."""
    return "open" if state in OPEN_STATES else "closed"


def shows_details(case: Case) -> bool:
    return case.is_public and case.state != CaseState.MERGED


def with_relations(queryset: QuerySet) -> QuerySet:
    """Everything serialize_case() reads, in a fixed number of queries."""
    handling = Clock.objects.filter(kind=ClockKind.HANDLING, stopped_at__isnull=True,
                                    assignment__role=Assignment.Role.LEAD, assignment__is_active=True)
    queryset = queryset.select_related("category", "subcategory", "lead_department", "township", "merged_into")
    return queryset.prefetch_related(
        Prefetch("clocks", queryset=handling.order_by("due_at"), to_attr="api_handling_clocks"),
        Prefetch("photos", queryset=Photo.objects.filter(is_public=True).order_by("received_at", "pk"),
                 to_attr="api_public_photos"),
        Prefetch("events", queryset=CaseEvent.objects.filter(is_public=True, kind="rejected")
                 .order_by("-created_at", "-pk"), to_attr="api_rejections"),
    )


def expected_datetime(case: Case):
    clocks = getattr(case, "api_handling_clocks", None)
    if clocks is None:
        clocks = list(with_relations(Case.objects.filter(pk=case.pk))[0].api_handling_clocks)
    return clocks[0].due_at if clocks else case.next_due_at


def status_notes(case: Case) -> str | None:
    if case.state == CaseState.MERGED and case.merged_into_id:
        return _("Duplicate: merged into %(reference)s, which is followed instead.") % {
            "reference": case.merged_into.reference}
    if not shows_details(case):
        return None
    # The reply to the reporter is for the reporter (tracking page): never published here.
    if case.state == CaseState.REJECTED:
        rejections = getattr(case, "api_rejections", None) or []
        return rejections[0].public_text if rejections else None
    return None


def updated_datetime(case: Case):
    if case.state in (CaseState.CLOSED, CaseState.REJECTED) and case.closed_at:
        return case.closed_at
    return case.updated_at


def media_url(case: Case, request) -> str | None:
    photos = getattr(case, "api_public_photos", None) or []
    if not photos or not shows_details(case):
        return None
    return request.build_absolute_uri(reverse("open311-media", kwargs={"photo_id": photos[0].pk, "fmt": "jpg"}))


def _location(case: Case) -> dict:
    """The same public location as the public map (cases/privacy/location.py)."""
    point = public_point_of(case)
    address = case.address or (case.township.name if case.township_id else "")
    if point is None or point.approximate:
        address = case.township.name if case.township_id else ""
    return {"address": address or None, "address_id": None, "zipcode": None,
            "lat": point.latitude if point else None, "long": point.longitude if point else None}


def serialize_case(case: Case, request) -> dict:
    service = case.subcategory or case.category
    public = shows_details(case)
    location = _location(case) if public else dict.fromkeys(("address", "address_id", "zipcode", "lat", "long"))
    return {
        "service_request_id": case.reference,
        "status": status_of(case.state),
        "status_notes": status_notes(case),
        "service_name": display_name(service),
        "service_code": service.code,
        "description": (case.public_summary or None) if public else None,
        "agency_responsible": case.lead_department.name if case.lead_department_id else None,
        "service_notice": str(STATE_NOTICES[case.state]) if case.state in STATE_NOTICES else None,
        "requested_datetime": w3c(case.received_at),
        "updated_datetime": w3c(updated_datetime(case)),
        "expected_datetime": w3c(expected_datetime(case)) if case.is_open else None,
        **location,
        "media_url": media_url(case, request),
    }
