"""Progress snapshots (PRODUCT §4.8): every figure frozen as of a date, with who froze it.

A snapshot's figures are written once and never changed (the model field is not
editable and no service updates it); only the office's free text of sections 四 and 五
may be written before export. One snapshot per date: a second one for the same date is
refused, never silently overwritten.
"""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import roles
from cases.lifecycle import NotPermitted
from cases.models import Case, ExportLog, ProgressSnapshot
from cases.reports.figures import collect

#: Who freezes snapshots and writes their text; who may read and export them.
FREEZE_ROLES = (roles.OFFICE,)
READ_ROLES = (roles.OFFICE, roles.SUPERVISOR)


def may_freeze(user) -> bool:
    return roles.has_role(user, *FREEZE_ROLES)


def visible_snapshots(user):
    if not roles.has_role(user, *READ_ROLES):
        return ProgressSnapshot.objects.none()
    return ProgressSnapshot.objects.select_related("created_by")


def first_case_date() -> date | None:
    first = Case.objects.aggregate(first=Min("received_at"))["first"]
    return timezone.localtime(first).date() if first else None


def check_as_of(as_of: date, today: date) -> None:
    if as_of is None:
        raise ValidationError({"as_of": _("Choose the date of the figures.")})
    if as_of > today:
        raise ValidationError({"as_of": _("The figures cannot be dated in the future.")})
    first = first_case_date()
    if first is None or as_of < first:
        raise ValidationError({"as_of": _("There are no figures before the first case (%(first)s).")
                               % {"first": first.isoformat() if first else "—"}})
    existing = ProgressSnapshot.objects.filter(as_of=as_of).select_related("created_by").first()
    if existing is not None:
        raise ValidationError({"as_of": _("A snapshot as of %(date)s was already frozen on %(at)s; it is never "
                                          "overwritten. Choose another date.")
                               % {"date": as_of.isoformat(),
                                  "at": timezone.localtime(existing.created_at).strftime("%Y-%m-%d %H:%M")}})


def freeze_snapshot(actor, as_of: date, *, now: datetime | None = None) -> ProgressSnapshot:
    """Compute every figure now and store it under ``as_of``."""
    if actor is not None and not may_freeze(actor):
        raise NotPermitted(_("Only the rectification office freezes progress snapshots."))
    now = now or timezone.now()
    check_as_of(as_of, timezone.localtime(now).date())
    figures = collect(as_of)
    try:
        with transaction.atomic():
            return ProgressSnapshot.objects.create(as_of=as_of, figures=figures, created_by=actor, created_at=now)
    except IntegrityError as exc:  # someone froze the same date a moment ago
        raise ValidationError({"as_of": _("A snapshot as of this date was frozen a moment ago.")}) from exc


def write_texts(snapshot: ProgressSnapshot, actor, *, problems: str, next_steps: str) -> ProgressSnapshot:
    """Sections 四 (problems) and 五 (next steps): the office's own words."""
    if not may_freeze(actor):
        raise NotPermitted(_("Only the rectification office writes the report's text."))
    ProgressSnapshot.objects.filter(pk=snapshot.pk).update(problems=problems.strip(), next_steps=next_steps.strip())
    snapshot.refresh_from_db()
    return snapshot


def previous(snapshot: ProgressSnapshot) -> ProgressSnapshot | None:
    return ProgressSnapshot.objects.filter(as_of__lt=snapshot.as_of).order_by("-as_of").first()


def log_export(user, kind: str, what: str, *, now: datetime | None = None) -> ExportLog:
    """Every export is logged: who, when, what (PRODUCT §4.7)."""
    return ExportLog.objects.create(user=user if user is not None and user.is_authenticated else None,
                                    at=now or timezone.now(), kind=kind, what=what[:200])
