"""The service request updates extension used by FixMyStreet
(GET servicerequestupdates.{xml,json}: <service_requests_updates><request_update>).

Built from public events only. `status` uses FixMyStreet's extended values; the
description is the event's public text, and only for cases that are public.
"""

from bisect import bisect_right
from datetime import datetime

from django.http import QueryDict

from cases import public_text
from cases.models import CaseEvent, CaseState

from .queries import MAX_RESULTS, parse_window
from .renderers import Many
from .serializers import shows_details, w3c

EXTENDED_STATUS = {
    CaseState.SUBMITTED: "open",
    CaseState.ASSIGNED: "investigating",
    CaseState.IN_PROGRESS: "in_progress",
    CaseState.PENDING_REVIEW: "in_progress",
    CaseState.STAGE_CLOSED: "action_scheduled",
    CaseState.CLOSED: "fixed",
    CaseState.REJECTED: "not_councils_responsibility",
    CaseState.MERGED: "duplicate",
}


def _states_before(events: list[CaseEvent], end: datetime) -> dict[int, tuple[list, list]]:
    """Per case, the times and target states of its state changes up to `end`."""
    case_ids = {e.case_id for e in events}
    history: dict[int, tuple[list, list]] = {}
    rows = (CaseEvent.objects.filter(case_id__in=case_ids, created_at__lte=end).exclude(to_state="")
            .order_by("created_at", "pk").values_list("case_id", "created_at", "pk", "to_state"))
    for case_id, created_at, pk, to_state in rows:
        keys, states = history.setdefault(case_id, ([], []))
        keys.append((created_at, pk))
        states.append(to_state)
    return history


def _state_at(event: CaseEvent, history: dict) -> str:
    if event.to_state:
        return event.to_state
    keys, states = history.get(event.case_id, ([], []))
    index = bisect_right(keys, (event.created_at, event.pk))
    return states[index - 1] if index else CaseState.SUBMITTED


# Public events whose free text is written for the reporter (the reply, their own review
# reason, their rating): shown on the tracking page, never published (only standard texts).
REPORTER_ONLY_KINDS = frozenset({"closed", "stage_closed", "replied", "reopened", "feedback"})


def update_text(event: CaseEvent) -> str:
    if event.kind in REPORTER_ONLY_KINDS and not (event.data or {}).get(public_text.KEY):
        return ""
    return event.shown_public_text


def service_request_updates(params: QueryDict, now: datetime) -> Many:
    window = parse_window(params, now)
    events = list(CaseEvent.objects.filter(is_public=True, created_at__gte=window.start,
                                           created_at__lte=window.end)
                  .select_related("case").order_by("created_at", "pk")[:MAX_RESULTS])
    history = _states_before(events, window.end)
    items = []
    for event in events:
        status = "reopen" if event.kind == "reopened" else EXTENDED_STATUS.get(_state_at(event, history), "open")
        items.append({
            "update_id": str(event.pk),
            "service_request_id": event.case.reference,
            "status": status,
            "updated_datetime": w3c(event.created_at),
            "description": update_text(event) if shows_details(event.case) else "",
            "media_url": "",
        })
    return Many("request_update", items)
