"""Accountability records (问责, PRODUCT §4.7) and their official wording.

The wording is what the disclosure tables' 责任追究情况 column and the progress report
print, e.g. "约谈2家单位，问责3人": units counted per form of accountability, then the
persons held accountable. Names of persons are never part of it; they are shown only on
records marked public.
"""

from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import refcache, roles
from cases.lifecycle import NotPermitted
from cases.models import AccountabilityForm, AccountabilityRecord
from cases.workflow import record_event

FORM_ORDER = list(AccountabilityForm.values)


def may_record(user) -> bool:
    return roles.has_role(user, *roles.SUPERVISION_ROLES)


def record_accountability(actor, *, unit_name: str, form: str, reason: str, decided_on: date, authority: str,
                          department=None, person_name: str = "", person_post: str = "", is_public: bool = False,
                          cases=(), tasks=(), batches=(), now: datetime | None = None) -> AccountabilityRecord:
    """Write one record with its links; every missing piece is named, nothing is half-saved."""
    if not may_record(actor):
        raise NotPermitted(_("Only supervisors and the rectification office record accountability."))
    cases, tasks, batches = list(cases), list(tasks), list(batches)
    errors = {}
    if not (unit_name or "").strip():
        errors["unit_name"] = _("Name the unit held accountable.")
    if not (reason or "").strip():
        errors["reason"] = _("Give the reason for the accountability.")
    if not (authority or "").strip():
        errors["authority"] = _("Name the deciding authority.")
    if form not in AccountabilityForm.values:
        errors["form"] = _("Choose the form of accountability.")
    now = now or timezone.now()
    if decided_on is None or decided_on > timezone.localdate(now):
        errors["decided_on"] = _("The decision date cannot be in the future.")
    if not (cases or tasks or batches):
        errors["cases"] = _("Link the record to at least one case, task or referral batch.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        record = AccountabilityRecord.objects.create(
            unit_name=unit_name.strip(), department=department, person_name=person_name.strip(),
            person_post=person_post.strip(), form=form, reason=reason.strip(), decided_on=decided_on,
            authority=authority.strip(), is_public=is_public, recorded_by=actor, recorded_at=now)
        record.cases.set(cases)
        record.tasks.set(tasks)
        record.batches.set(batches)
        for case in cases:
            record_event(case, "accountability_recorded", actor, now,
                         internal_text=f"{record.get_form_display()}：{record.unit_name}",
                         data={"accountability": record.pk})
        transaction.on_commit(refcache.public_data_changed)
    return record


def wording(records: Iterable[AccountabilityRecord]) -> str:
    """The official summary, e.g. "约谈2家单位，通报批评1家单位，问责3人" ("" when none)."""
    units: Counter = Counter()
    unit_names: dict[str, set] = {}
    persons = 0
    for record in records:
        if record.is_person:
            persons += 1
        else:
            unit_names.setdefault(record.form, set()).add(record.unit_name)
    for form, names in unit_names.items():
        units[form] = len(names)
    labels = dict(AccountabilityForm.choices)
    parts = [f"{labels[form]}{units[form]}家单位" for form in FORM_ORDER if units[form]]
    if persons:
        parts.append(f"问责{persons}人")
    return "，".join(parts)


def public_person(record: AccountabilityRecord) -> str:
    """What the public may read about the person: name and post only when marked public."""
    if not record.is_person:
        return ""
    if record.is_public:
        return "".join(x for x in (record.person_post, record.person_name) if x)
    return _("one person")


def counts(records: Iterable[AccountabilityRecord]) -> dict:
    """Units and persons held accountable, and records per form (for counters and reports)."""
    records = list(records)
    by_form = Counter(r.form for r in records)
    return {"records": len(records), "units": len({(r.form, r.unit_name) for r in records if not r.is_person}),
            "persons": sum(1 for r in records if r.is_person),
            "by_form": {form: by_form[form] for form in FORM_ORDER if by_form[form]}}
