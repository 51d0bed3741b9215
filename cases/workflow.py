"""The case lifecycle (docs/product.md, "Case lifecycle"): the only writer of Case.state.

Every verb goes through `_transition()`, which runs the shared guarded transition
(cases/lifecycle.py) on the case's table: the actor's permission, the row lock and the
compare-and-set on state + version, the verb's effects (which may move assignments, see
cases/assignments.py, and write notifications to the outbox), and the CaseEvent, all in one
transaction. Notifications leave the outbox after the commit (cases/notifications.py).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases import public_text as public_text_module
from cases import refcache, roles
from cases.access import can_view_case
from cases.deadlines import refresh_case_flags
from cases.lifecycle import (  # noqa: F401  (re-exported: callers import the errors from here)
    ConflictError,
    ForbiddenTransition,
    Lifecycle,
    MissingReason,
    NotPermitted,
    WorkflowError,
    bump_version,
    guarded_transition,
)
from cases.models import Case, CaseEvent
from cases.models import CaseState as S
from cases.searchindex import sync_case

TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "dispatch": (frozenset({S.SUBMITTED}), S.ASSIGNED),
    "auto_route": (frozenset({S.SUBMITTED}), S.ASSIGNED),
    "reject": (frozenset({S.SUBMITTED}), S.REJECTED),
    "accept": (frozenset({S.ASSIGNED}), S.IN_PROGRESS),
    "return": (frozenset({S.ASSIGNED}), S.SUBMITTED),
    "submit_result": (frozenset({S.IN_PROGRESS}), S.PENDING_REVIEW),
    "send_back": (frozenset({S.PENDING_REVIEW}), S.IN_PROGRESS),
    "close": (frozenset({S.PENDING_REVIEW, S.STAGE_CLOSED}), S.CLOSED),
    "stage_close": (frozenset({S.PENDING_REVIEW}), S.STAGE_CLOSED),
    "reopen": (frozenset({S.CLOSED}), S.IN_PROGRESS),
    # Also before acceptance: the intake desk re-routes a wrongly (auto-)assigned case.
    "transfer": (frozenset({S.ASSIGNED, S.IN_PROGRESS}), S.ASSIGNED),
    "merge": (frozenset({S.SUBMITTED, S.ASSIGNED, S.IN_PROGRESS, S.PENDING_REVIEW}), S.MERGED),
}

# Who may take each verb. "lead" = a handler or head of the current lead department.
PERMISSIONS: dict[str, str] = {
    "dispatch": "intake", "reject": "intake", "merge": "intake", "transfer": "intake",
    "send_back": "intake", "close": "intake", "stage_close": "intake", "reopen": "intake_or_system",
    "auto_route": "system", "accept": "lead", "return": "lead", "submit_result": "lead_submitter",
}


CASE_LIFECYCLE = Lifecycle(
    model=Case, transitions=TRANSITIONS,
    forbidden_message=gettext_lazy("This case is %(state)s; that action is not possible now."),
    conflict_message=gettext_lazy("Someone else changed this case first. Reload it and try again."),
    select_related=("lead_department", "category", "township"),
    after_write=sync_case,
)


@dataclass
class Outcome:
    """What a verb's effect function wants recorded besides the state change."""

    updates: dict = field(default_factory=dict)
    public_text: str = ""
    internal_text: str = ""
    data: dict = field(default_factory=dict)
    public_message: dict | None = None  # cases.public_text.message(): shown in the reader's language
    moves: list[dict] = field(default_factory=list)  # assignment moves (cases.assignments.MoveLog)


def may(actor, action: str, case: Case) -> bool:
    rule = PERMISSIONS[action]
    if rule == "system":
        return actor is None
    if rule == "intake_or_system" and actor is None:
        return True
    if rule in ("intake", "intake_or_system"):
        return roles.has_role(actor, roles.INTAKE)
    if not roles.has_role(actor, roles.HANDLER, roles.HEAD):
        return False
    if case.lead_department_id is None or roles.department_id_of(actor) != case.lead_department_id:
        return False
    if rule == "lead_submitter" and case.lead_department and case.lead_department.head_approval_required:
        return roles.has_role(actor, roles.HEAD)
    return True


def allowed_actions(actor, case: Case) -> list[str]:
    """Verbs this actor may take on this case now (for the workbench's buttons)."""
    return [a for a, (sources, _t) in TRANSITIONS.items()
            if case.state in sources and PERMISSIONS[a] != "system" and may(actor, a, case)]


def require(text: str, what: str) -> str:
    text = (text or "").strip()
    if not text:
        raise MissingReason(_("%(what)s is required.") % {"what": what})
    return text


def _transition(case: Case, action: str, actor, effect: Callable[[Case, datetime], Outcome], *,
                now: datetime | None = None, expected_version: int | None = None,
                event_kind: str | None = None, is_public: bool = False) -> Case:
    outcomes: list[Outcome] = []

    def check(current: Case) -> None:
        if not may(actor, action, current):
            raise NotPermitted(_("You may not do this on this case."))

    def apply(current: Case, at: datetime) -> dict:
        outcomes.append(effect(current, at))
        return {"updated_at": at, **outcomes[0].updates}

    def record(current: Case, from_state: str, to_state: str, at: datetime) -> None:
        outcome = outcomes[0]
        data = {**outcome.data, "assignments": outcome.moves} if outcome.moves else outcome.data
        record_event(current, event_kind or action, actor, at, from_state=from_state, to_state=to_state,
                     is_public=is_public, public_text=outcome.public_text,
                     internal_text=outcome.internal_text, data=data,
                     public_message=outcome.public_message)
        refresh_case_flags([current.pk])
        transaction.on_commit(refcache.public_data_changed, robust=True)  # public pages rebuild (cms.pagecache)

    current = guarded_transition(CASE_LIFECYCLE, case.pk, action, now=now or timezone.now(),
                                 expected_version=expected_version, check=check, effect=apply, record=record)
    current.refresh_from_db()
    return current


def record_event(case: Case, kind: str, actor, now: datetime, *, from_state: str = "", to_state: str = "",
                 is_public: bool = False, public_text: str = "", internal_text: str = "",
                 data: dict | None = None, dedupe_key: str | None = None,
                 public_message: dict | None = None) -> CaseEvent:
    if public_message is not None:
        data = {**(data or {}), public_text_module.KEY: public_message}
        public_text = public_text or public_text_module.render(public_message)
    return CaseEvent.objects.create(
        case=case, kind=kind, actor=actor if actor is not None and actor.is_authenticated else None,
        actor_department=roles.department_of(actor) if actor is not None else None,
        created_at=now, from_state=from_state, to_state=to_state, is_public=is_public,
        public_text=public_text, internal_text=internal_text, data=data or {}, dedupe_key=dedupe_key,
    )


def add_note(case: Case, actor, text: str, *, public: bool = False, now: datetime | None = None,
             expected_version: int | None = None) -> CaseEvent:
    """A note does not change the state, but it is still a scoped, logged change of the case."""
    text = require(text, gettext_lazy("Note"))
    if not can_view_case(actor, case) or roles.has_role(actor, roles.EDITOR) and not roles.has_role(
            actor, roles.INTAKE, roles.HANDLER, roles.HEAD, roles.SUPERVISOR):
        raise NotPermitted(_("You may not do this on this case."))
    if public and not roles.has_role(actor, roles.INTAKE):
        public = False  # only the intake desk speaks to the reporter directly
    now = now or timezone.now()
    with transaction.atomic():
        bump_version(CASE_LIFECYCLE, case.pk, expected_version, updated_at=now)
        return record_event(case, "note", actor, now, is_public=public,
                            public_text=text if public else "", internal_text="" if public else text)
