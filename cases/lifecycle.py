"""Guarded state transitions for every model with a lifecycle.

Cases, assignments, rectification tasks, milestones, supervision orders and objections all
change state the same way (docs/architecture.md, "Lifecycles"):

1. a transition table names, per action, the states it may start from and the state it ends in;
   anything not in the table is refused;
2. the row is locked (``SELECT … FOR UPDATE`` on PostgreSQL; a no-op on SQLite) and, when the
   caller read a version (a form's hidden field), that version must still be current;
3. the write is a compare-and-set on ``state`` + ``version`` (``version`` is bumped), so two
   writers racing on SQLite, where the row lock does not exist, still produce one winner;
4. the caller's ``record`` callback writes the model's event in the same database transaction,
   so the timeline cannot drift from the state.

The errors carry a message fit to show the user.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class WorkflowError(Exception):
    """A refused action, with a message fit to show the user."""


class ForbiddenTransition(WorkflowError):
    """The object's current state does not allow the action."""


class NotPermitted(WorkflowError):
    """The actor may not take the action on this object."""


class ConflictError(WorkflowError):
    """Someone else changed the object first (stale version or lost compare-and-set)."""


class MissingReason(WorkflowError):
    """A required reason or text was left empty."""


Transitions = Mapping[str, tuple[frozenset[str], str]]


@dataclass(frozen=True)
class Lifecycle:
    """The transition table of one model and how to talk about refusals."""

    model: type[models.Model]
    transitions: Transitions
    state_field: str = "state"
    version_field: str = "version"
    # %(state)s is the display name of the current state.
    forbidden_message: Any = _("This item is %(state)s; that action is not possible now.")
    conflict_message: Any = _("Someone else changed this item first. Reload it and try again.")
    select_related: tuple[str, ...] = field(default=())
    # Called with the object's pk after every write, inside its transaction: keeps data
    # derived from the row (the case's search entry) in step with it.
    after_write: Callable[[Any], None] | None = None

    def sources(self, action: str) -> frozenset[str]:
        return self.transitions[action][0]

    def target(self, action: str) -> str:
        return self.transitions[action][1]

    def actions_from(self, state: str) -> list[str]:
        """Actions the table allows from ``state`` (permission is the caller's business)."""
        return [action for action, (sources, _target) in self.transitions.items() if state in sources]

    def state_display(self, obj: models.Model) -> str:
        getter = getattr(obj, f"get_{self.state_field}_display", None)
        return str(getter()) if getter else str(getattr(obj, self.state_field))

    def lock(self, pk: int) -> models.Model:
        qs = self.model.objects.select_for_update(of=("self",))
        if self.select_related:
            qs = qs.select_related(*self.select_related)
        return qs.get(pk=pk)


Check = Callable[[Any], None]
Effect = Callable[[Any, datetime], dict]
Record = Callable[[Any, str, str, datetime], None]


def guarded_transition(lifecycle: Lifecycle, pk: int, action: str, *, now: datetime | None = None,
                       expected_version: int | None = None, check: Check | None = None,
                       effect: Effect | None = None, record: Record | None = None) -> Any:
    """Move one object along ``action`` or raise a :class:`WorkflowError`.

    ``check(current)`` raises (usually :class:`NotPermitted`) to refuse; ``effect(current, now)``
    returns extra field updates written with the state; ``record(current, from_state, to_state,
    now)`` writes the event. All three run inside the transaction, on the locked row. Returns the
    object with the new state, version and updates applied in memory.
    """
    sources, target = lifecycle.transitions[action]
    now = now or timezone.now()
    state_field, version_field = lifecycle.state_field, lifecycle.version_field
    with transaction.atomic():
        current = lifecycle.lock(pk)
        version = getattr(current, version_field)
        if expected_version is not None and version != expected_version:
            raise ConflictError(lifecycle.conflict_message)
        from_state = getattr(current, state_field)
        if from_state not in sources:
            raise ForbiddenTransition(lifecycle.forbidden_message % {"state": lifecycle.state_display(current)})
        if check is not None:
            check(current)
        updates = effect(current, now) if effect is not None else {}
        written = lifecycle.model.objects.filter(
            pk=pk, **{state_field: from_state, version_field: version},
        ).update(**{state_field: target, version_field: F(version_field) + 1}, **updates)
        if written != 1:
            raise ConflictError(lifecycle.conflict_message)
        for name, value in updates.items():
            if not hasattr(value, "resolve_expression"):
                setattr(current, name, value)
        setattr(current, state_field, target)
        setattr(current, version_field, version + 1)
        if lifecycle.after_write is not None:
            lifecycle.after_write(pk)
        if record is not None:
            record(current, from_state, target, now)
    return current


def bump_version(lifecycle: Lifecycle, pk: int, expected_version: int | None, **updates) -> int:
    """For changes that keep the state (a note, evidence, publicity): check and bump the version.

    Must run inside the caller's transaction, before the change's event is written. Returns the
    new version.
    """
    version_field = lifecycle.version_field
    filters = {"pk": pk}
    if expected_version is not None:
        filters[version_field] = expected_version
    written = lifecycle.model.objects.filter(**filters).update(**{version_field: F(version_field) + 1}, **updates)
    if written != 1:
        raise ConflictError(lifecycle.conflict_message)
    if lifecycle.after_write is not None:
        lifecycle.after_write(pk)
    return lifecycle.model.objects.values_list(version_field, flat=True).get(pk=pk)
