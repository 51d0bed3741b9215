"""Workbench services that are not lifecycle transitions: evidence photos,
publicity, revealing the reporter and bulk dispatch. Like the engine's verbs,
each checks who may act and writes its CaseEvent in the same transaction."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import refcache, roles
from cases.access import can_see_reporter, visible_cases
from cases.actions import dispatch
from cases.calendar import CalendarNotCovered
from cases.lifecycle import bump_version
from cases.models import Assignment, Case, CaseState, Department, IdentityAccessLog, Photo, ReporterIdentity
from cases.photos import attach_photos, photo_files_guard
from cases.workflow import CASE_LIFECYCLE, ConflictError, NotPermitted, WorkflowError, record_event

EVIDENCE_KINDS = (Photo.Kind.BEFORE, Photo.Kind.AFTER, Photo.Kind.EVIDENCE)


def conflict_message() -> str:
    return _("Someone else acted on this case first. The page now shows its current state; "
             "please check it and try again.")


def error_text(exc: Exception) -> str:
    """A refusal as the user reads it (the calendar error is meant for administrators' logs)."""
    if isinstance(exc, CalendarNotCovered):
        return _("The work calendar has no holiday schedule for %(year)s yet, so no deadline can be set; "
                 "please ask an administrator to enter it.") % {"year": exc.year}
    return str(exc)


def may_add_evidence(actor, case: Case) -> bool:
    if case.state in CaseState.DISMISSED:
        return False
    if roles.has_role(actor, roles.INTAKE):
        return True
    if not roles.has_role(actor, roles.HANDLER, roles.HEAD):
        return False
    dept = roles.department_id_of(actor)
    return dept is not None and Assignment.objects.filter(case=case, department_id=dept, is_active=True).exists()


def add_evidence(case: Case, actor, files: Sequence, kind: str, caption: str = "", *,
                 now: datetime | None = None, expected_version: int | None = None) -> list[Photo]:
    """Evidence photos through the same pipeline as citizens' photos (metadata
    stripped, SHA-256 of the original kept)."""
    if kind not in EVIDENCE_KINDS:
        raise WorkflowError(_("Choose what the photos show."))
    if not files:
        raise WorkflowError(_("Choose at least one photo."))
    if not may_add_evidence(actor, case):
        raise NotPermitted(_("You may not do this on this case."))
    now = now or timezone.now()
    with photo_files_guard(), transaction.atomic():
        bump_version(CASE_LIFECYCLE, case.pk, expected_version, updated_at=now)
        photos = attach_photos(case, files, kind=kind, uploaded_by=actor, now=now, caption=caption)
        record_event(case, "evidence_added", actor, now, internal_text=caption,
                     data={"photos": [p.pk for p in photos], "kind": kind})
    return photos


def set_publicity(case: Case, actor, *, is_public: bool, is_sensitive: bool, public_summary: str,
                  now: datetime | None = None, expected_version: int | None = None,
                  public_photo_ids: list[int] | None = None) -> Case:
    """The intake desk decides what the public sees of a case (docs/product.md §3, §4.5),
    including which of its photos are public (None: leave the photos as they are)."""
    if not roles.has_role(actor, roles.INTAKE):
        raise NotPermitted(_("You may not do this on this case."))
    if is_public and not public_summary.strip():
        raise WorkflowError(_("Write a public summary before showing the case publicly."))
    now = now or timezone.now()
    with transaction.atomic():
        bump_version(CASE_LIFECYCLE, case.pk, expected_version, is_public=is_public, is_sensitive=is_sensitive,
                     public_summary=public_summary.strip(), updated_at=now)
        photos = {}
        if public_photo_ids is not None:
            chosen = set(public_photo_ids)
            for photo in Photo.objects.filter(case=case).only("pk", "is_public"):
                if photo.is_public != (photo.pk in chosen):
                    photos[photo.pk] = photo.pk in chosen
            for shown in (True, False):
                Photo.objects.filter(pk__in=[pk for pk, v in photos.items() if v is shown]).update(is_public=shown)
        transaction.on_commit(refcache.public_data_changed, robust=True)
        record_event(case, "publicity_changed", actor, now,
                     data={"is_public": is_public, "is_sensitive": is_sensitive,
                           "summary_changed": public_summary.strip() != case.public_summary,
                           "photos_shown": sorted(k for k, v in photos.items() if v),
                           "photos_hidden": sorted(k for k, v in photos.items() if not v)})
    case.refresh_from_db()
    return case


def reveal_reporters(case: Case, actor, purpose: str = "") -> list[ReporterIdentity]:
    """Reporter identity for an intake officer; every view is logged first (docs/product.md §3)."""
    if not can_see_reporter(actor):
        raise NotPermitted(_("You may not do this on this case."))
    with transaction.atomic():
        IdentityAccessLog.objects.create(case=case, user=actor, purpose=purpose.strip()[:200])
        return list(ReporterIdentity.objects.filter(case=case).order_by("created_at", "pk"))


@dataclass
class BulkResult:
    done: list[Case] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)


def bulk_dispatch(actor, items: Sequence[tuple[int, int]], department: Department, co_departments=(), *,
                  note: str = "") -> BulkResult:
    """Dispatch several cases to one department; each case on its own, with its
    own conflict check, so one stale row does not stop the others."""
    result = BulkResult()
    cases = {c.pk: c for c in visible_cases(actor).filter(pk__in=[pk for pk, _v in items])}
    for pk, version in items:
        case = cases.get(pk)
        if case is None:
            result.failed.append((str(pk), _("Case not found.")))
            continue
        try:
            result.done.append(dispatch(case, actor, department, co_departments, note=note,
                                        expected_version=version))
        except ConflictError:
            result.failed.append((case.reference, conflict_message()))
        except (WorkflowError, CalendarNotCovered) as exc:
            result.failed.append((case.reference, error_text(exc)))
    return result
