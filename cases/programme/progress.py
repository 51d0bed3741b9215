"""Departments report progress on their milestones; the office verifies each milestone."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases import refcache, roles
from cases.calendar import local_date
from cases.lifecycle import NotPermitted, bump_version, guarded_transition
from cases.models import EvidenceFile, Milestone, ProgressReport, TaskEvent, TaskState
from cases.workflow import require

from .access import department_part, require_office, require_reporter
from .evidence import check_files, store_files
from .lifecycles import MILESTONE_LIFECYCLE, record_task_event


def _open_task(milestone: Milestone) -> None:
    if milestone.task.state != TaskState.IN_PROGRESS:
        raise NotPermitted(_("The task is no longer in progress; its milestones cannot change now."))


def post_progress(milestone: Milestone, actor, percent: int, narrative: str, files: Sequence = (), *,
                  expected_version: int | None = None, now: datetime | None = None) -> ProgressReport:
    """A department's progress (percentage, short narrative, optional evidence files)."""
    require_reporter(actor, milestone)
    _open_task(milestone)
    if percent is None or not 0 <= int(percent) <= 100:
        raise ValidationError({"percent": _("The percentage must be between 0 and 100.")})
    narrative = require(narrative, gettext_lazy("Progress narrative"))
    checked = check_files(files)
    now = now or timezone.now()
    with transaction.atomic():
        bump_version(MILESTONE_LIFECYCLE, milestone.pk, expected_version, percent=int(percent))
        report = ProgressReport.objects.create(milestone=milestone, department=roles.department_of(actor),
                                               percent=int(percent), narrative=narrative, author=actor,
                                               created_at=now)
        stored = store_files(checked, task=milestone.task, uploaded_by=actor, now=now, milestone=milestone,
                             department=roles.department_of(actor))
        record_task_event(milestone.task_id, "progress", actor, now, milestone_id=milestone.pk,
                          text=f"{milestone.title}: {int(percent)}% {narrative}",
                          data={"report": report.pk, "files": [f.pk for f in stored]})
        transaction.on_commit(refcache.public_data_changed)
    return report


def add_evidence(milestone: Milestone, actor, files: Sequence, *, now: datetime | None = None) -> list[EvidenceFile]:
    require_reporter(actor, milestone)
    checked = check_files(files)
    if not checked:
        raise ValidationError({"files": _("Choose at least one file.")})
    now = now or timezone.now()
    with transaction.atomic():
        stored = store_files(checked, task=milestone.task, uploaded_by=actor, now=now, milestone=milestone,
                             department=roles.department_of(actor))
        record_task_event(milestone.task_id, "evidence", actor, now, milestone_id=milestone.pk,
                          text=", ".join(f.original_name for f in stored), data={"files": [f.pk for f in stored]})
    return stored


def _transition(milestone: Milestone, action: str, actor, *, check, text: str = "", is_public: bool = False,
                effect=None, expected_version: int | None = None, now: datetime | None = None) -> Milestone:
    def record(current, from_state, to_state, at):
        record_task_event(current.task_id, f"milestone_{action}", actor, at, milestone_id=current.pk,
                          from_state=from_state, to_state=to_state, is_public=is_public,
                          text=f"{current.title}{': ' + text if text else ''}")
        transaction.on_commit(refcache.public_data_changed)

    return guarded_transition(MILESTONE_LIFECYCLE, milestone.pk, action, now=now or timezone.now(),
                              expected_version=expected_version, check=check, effect=effect, record=record)


def report_done(milestone: Milestone, actor, *, expected_version: int | None = None,
                now: datetime | None = None) -> Milestone:
    """The responsible department marks the milestone done; it goes to the office for verification."""
    def check(current):
        current.task = milestone.task
        require_reporter(actor, current)
        _open_task(current)

    return _transition(milestone, "report_done", actor, check=check, expected_version=expected_version, now=now,
                       effect=lambda current, at: {"percent": 100})


def accept_milestone(milestone: Milestone, actor, *, expected_version: int | None = None,
                     now: datetime | None = None) -> Milestone:
    """The office verifies the milestone; it counts as completed on the day it was reported done."""
    def effect(current, at):
        reported = (TaskEvent.objects.filter(milestone=current, kind="milestone_report_done")
                    .order_by("-created_at").values_list("created_at", flat=True).first())
        return {"completed_at": local_date(reported or at), "percent": 100}

    return _transition(milestone, "accept", actor, check=lambda current: require_office(actor), effect=effect,
                       is_public=True, expected_version=expected_version, now=now)


def send_back_milestone(milestone: Milestone, actor, reason: str, *, expected_version: int | None = None,
                        now: datetime | None = None) -> Milestone:
    reason = require(reason, gettext_lazy("Reason"))
    return _transition(milestone, "send_back", actor, check=lambda current: require_office(actor), text=reason,
                       expected_version=expected_version, now=now)


def set_evidence_public(evidence: EvidenceFile, actor, public: bool, *, now: datetime | None = None) -> None:
    """The office marks which evidence the public pages show (photos: the redacted copy only)."""
    require_office(actor)
    now = now or timezone.now()
    with transaction.atomic():
        EvidenceFile.objects.filter(pk=evidence.pk).update(is_public=public)
        record_task_event(evidence.task_id, "evidence_public" if public else "evidence_private", actor, now,
                          milestone_id=evidence.milestone_id, text=evidence.original_name)
        transaction.on_commit(refcache.public_data_changed)


def may_download(user, evidence: EvidenceFile) -> bool:
    """Evidence opens for the office, the intake desk and supervisors, and for departments
    with a part in the task (isolation: another department gets 404)."""
    if roles.has_role(user, roles.OFFICE, roles.INTAKE, roles.SUPERVISOR):
        return True
    return department_part(user, evidence.task) is not None
