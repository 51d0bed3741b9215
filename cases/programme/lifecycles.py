"""Transition tables of tasks, milestones and objections (cases.lifecycle), and the task timeline.

Task: in_progress → verification (the lead department submits for write-off) → notice
(the office recorded the verification; public notice runs) → written_off (the office,
after the notice period without an upheld objection). The office sends a submission back,
and an upheld objection or a relapse reopens the task (→ in_progress).

Milestone: open → submitted (the reporting department marks it done) → accepted (the office
verifies it); the office may send it back (→ open) with a reason, or reopen an accepted one.
"""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext_lazy as _

from cases import roles
from cases.lifecycle import Lifecycle
from cases.models import (
    Milestone,
    MilestoneState,
    Objection,
    ObjectionState,
    RectificationTask,
    TaskEvent,
    TaskState,
)

T, M, OS = TaskState, MilestoneState, ObjectionState

TASK_TRANSITIONS = {
    "submit_for_writeoff": (frozenset({T.IN_PROGRESS}), T.VERIFICATION),
    "return_submission": (frozenset({T.VERIFICATION}), T.IN_PROGRESS),
    "verify": (frozenset({T.VERIFICATION}), T.NOTICE),
    "write_off": (frozenset({T.NOTICE}), T.WRITTEN_OFF),
    "reopen": (frozenset({T.VERIFICATION, T.NOTICE, T.WRITTEN_OFF}), T.IN_PROGRESS),
}
MILESTONE_TRANSITIONS = {
    "report_done": (frozenset({M.OPEN}), M.SUBMITTED),
    "accept": (frozenset({M.SUBMITTED}), M.ACCEPTED),
    "send_back": (frozenset({M.SUBMITTED}), M.OPEN),
    "reopen": (frozenset({M.ACCEPTED}), M.OPEN),
}
OBJECTION_TRANSITIONS = {
    "uphold": (frozenset({OS.PENDING}), OS.UPHELD),
    "dismiss": (frozenset({OS.PENDING}), OS.DISMISSED),
}

TASK_LIFECYCLE = Lifecycle(
    model=RectificationTask, transitions=TASK_TRANSITIONS,
    forbidden_message=_("This task is %(state)s; that action is not possible now."),
    conflict_message=_("Someone else changed this task first. Reload it and try again."),
)
MILESTONE_LIFECYCLE = Lifecycle(
    model=Milestone, transitions=MILESTONE_TRANSITIONS,
    forbidden_message=_("This milestone is %(state)s; that action is not possible now."),
    conflict_message=_("Someone else changed this milestone first. Reload it and try again."),
)
OBJECTION_LIFECYCLE = Lifecycle(
    model=Objection, transitions=OBJECTION_TRANSITIONS,
    forbidden_message=_("This objection is %(state)s; it has already been decided."),
    conflict_message=_("Someone else decided this objection first. Reload it and try again."),
)


EVENT_LABELS = {
    "created": _("Task entered"), "edited": _("Task edited"), "scheduled": _("Milestones scheduled"),
    "milestone_date": _("Milestone date changed"), "progress": _("Progress reported"),
    "evidence": _("Evidence added"), "evidence_public": _("Evidence shown publicly"),
    "evidence_private": _("Evidence hidden from the public"),
    "milestone_report_done": _("Milestone reported done"), "milestone_accept": _("Milestone verified"),
    "milestone_send_back": _("Milestone sent back"), "milestone_reopen": _("Milestone reopened"),
    "submit_for_writeoff": _("Submitted for write-off"), "return_submission": _("Submission sent back"),
    "verify": _("Verification recorded"), "write_off": _("Written off"), "reopen": _("Task reopened"),
    "objection": _("Objection received"), "objection_uphold": _("Objection upheld"),
    "objection_dismiss": _("Objection dismissed"), "deadline_warning": _("Deadline approaching"),
    "deadline_overdue": _("Overdue"),
    # Supervision orders on the task or one of its milestones (cases.supervision.orders).
    "supervision_issued": _("Supervision order issued"), "supervision_reply": _("Reply to the supervision order"),
    "supervision_accept": _("Reply accepted"), "supervision_send_back": _("Reply sent back"),
    "supervision_withdraw": _("Supervision order withdrawn"),
    "supervision_escalate": _("Reply overdue: order escalated"), "supervision_overdue": _("Reply overdue"),
}
STATE_LABELS = {**dict(TaskState.choices), **dict(MilestoneState.choices), **dict(ObjectionState.choices)}


def record_task_event(task_id: int, kind: str, actor, now: datetime, *, milestone_id: int | None = None,
                      from_state: str = "", to_state: str = "", is_public: bool = False, text: str = "",
                      data: dict | None = None, dedupe_key: str | None = None) -> TaskEvent:
    """Append one event to a task's timeline (call inside the change's transaction)."""
    actor = actor if actor is not None and actor.is_authenticated else None
    return TaskEvent.objects.create(
        task_id=task_id, milestone_id=milestone_id, kind=kind, actor=actor,
        actor_department=roles.department_of(actor) if actor is not None else None, created_at=now,
        from_state=from_state, to_state=to_state, is_public=is_public, text=text, data=data or {},
        dedupe_key=dedupe_key,
    )
