"""The assignment lifecycle: one department's part of a case, as lead or co-department.

Assignments change state only here, through the shared guarded transition
(cases/lifecycle.py): the table below, a row lock on PostgreSQL, a compare-and-set on
state + version, and an event on the assignment's case in the same transaction.

Most moves happen inside a case transition (accepting the case accepts the lead's part,
closing it finishes every part …); there the case's own event lists the moves
(``data["assignments"]``, collected by :class:`MoveLog`). A co-department's own verbs
(accepting and submitting its part) write their own event.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy

from cases.lifecycle import Lifecycle, guarded_transition
from cases.models import Assignment

S = Assignment.State

TRANSITIONS = {
    # The department takes the part on (the lead by accepting the case).
    "accept": (frozenset({S.ASSIGNED}), S.ACCEPTED),
    # A co-department hands in its part of the result.
    "submit_part": (S.WORKING, S.DONE),
    # The case is closed or stage-closed: every part still working is done.
    "finish": (S.WORKING, S.DONE),
    # The lead returns the case to the dispatch desk; every current part ends with it.
    "return": (S.CURRENT, S.RETURNED),
    # The intake desk moves the lead part to another department.
    "transfer": (S.CURRENT, S.TRANSFERRED),
    # The case is merged away, or the department becomes the new lead of a transferred case.
    "cancel": (S.CURRENT, S.CANCELLED),
    # A closed case is reopened with its last lead department.
    "reopen": (frozenset({S.DONE}), S.ACCEPTED),
}

ASSIGNMENT_LIFECYCLE = Lifecycle(
    model=Assignment, transitions=TRANSITIONS,
    forbidden_message=gettext_lazy("This department's part is %(state)s; that action is not possible now."),
    conflict_message=gettext_lazy("Someone else changed this department's part first. Reload the case and "
                                  "try again."),
    select_related=("department",),
)

Record = Callable[[Assignment, str, str, datetime], None]


class MoveLog:
    """Collects the assignment moves made inside one case transition for the case's event."""

    def __init__(self) -> None:
        self.moves: list[dict] = []

    def __call__(self, assignment: Assignment, from_state: str, to_state: str, now: datetime) -> None:
        self.moves.append({"assignment": assignment.pk, "department": assignment.department_id,
                           "from": from_state, "to": to_state})


def move(assignment: Assignment | int, action: str, now: datetime, record: Record, *,
         expected_version: int | None = None, check: Callable[[Assignment], None] | None = None,
         **updates) -> Assignment:
    """Move one assignment along ``action``; ``updates`` are written with the state."""
    pk = assignment if isinstance(assignment, int) else assignment.pk
    return guarded_transition(ASSIGNMENT_LIFECYCLE, pk, action, now=now, expected_version=expected_version,
                              check=check, effect=lambda current, at: dict(updates), record=record)


def move_all(assignments: QuerySet[Assignment], action: str, now: datetime, record: Record,
             **updates) -> list[Assignment]:
    """Move each assignment of ``assignments`` whose state allows ``action``; the others stay."""
    sources = ASSIGNMENT_LIFECYCLE.sources(action)
    pks = list(assignments.filter(state__in=sources).order_by("pk").values_list("pk", flat=True))
    return [move(pk, action, now, record, **updates) for pk in pks]
