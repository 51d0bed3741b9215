"""submit_case(): validate → store → route → events → enqueue (docs/product.md §4.1).

The report is stored in one transaction: no case without its photos, no photos without
a case. Used by the web form and the Open311 API (clocks, routing and photo copies then
run in the worker: cases.pipeline), the staff phone/letter form and the referral batch
import (everything in the request's transaction).
"""

import hashlib
import hmac
import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from cases import geo, notifications, public_text, refcache
from cases.calendar import local_date
from cases.fields import key_materials
from cases.models import (
    Case,
    CaseSource,
    Category,
    IntakeJob,
    LocationSource,
    ReferenceSequence,
    ReferralBatch,
    ReporterIdentity,
)
from cases.photos import attach_photos, check_photo, photo_files_guard, process_photo, validate_photo_batch
from cases.pipeline.jobs import enqueue_on_commit, route_quietly, start_intake_clocks
from cases.pipeline.photos import store_received
from cases.privacy.text import clean_text
from cases.routing import locate_township_id
from cases.workflow import WorkflowError, record_event

log = logging.getLogger("portal.intake")
ACCESS_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


@dataclass
class ReportInput:
    category: Category
    description: str
    subcategory: Category | None = None
    title: str = ""
    observed_at: datetime | None = None
    polluter_name: str = ""
    latitude: Decimal | float | None = None
    longitude: Decimal | float | None = None
    location_source: str = LocationSource.ADDRESS
    address: str = ""
    source: str = CaseSource.WEB
    source_detail: str = ""
    extra: dict = field(default_factory=dict)
    batch: ReferralBatch | None = None
    batch_sequence: int | None = None
    original_code: str = ""
    is_key_case: bool = False
    township: object = None  # an explicit Township (imports) when there is no pin
    idempotency_key: str | None = None


@dataclass
class ReporterInput:
    is_anonymous: bool = False
    name: str = ""
    phone: str = ""
    email: str = ""
    ip_address: str = ""
    consented: bool = True

    @property
    def has_contact(self) -> bool:
        return bool(self.phone or self.email)


@dataclass
class SubmitResult:
    case: Case
    access_code: str | None  # None when an idempotent retry returned the existing case
    created: bool
    receipts: list = field(default_factory=list)  # the reporter's "received" messages


def hash_access_code(reference: str, code: str, key: str | None = None) -> str:
    """Keyed with the newest FIELD_ENCRYPTION_KEY (cases/fields.py)."""
    key = key or key_materials()[0]
    return hmac.new(key.encode(), f"{reference}:{code.strip().upper()}".encode(), hashlib.sha256).hexdigest()


def check_access_code(case: Case, code: str) -> bool:
    """Any configured key verifies: codes handed out before a key rotation keep working."""
    return bool(case.access_code_hash) and any(
        hmac.compare_digest(case.access_code_hash, hash_access_code(case.reference, code or "", key))
        for key in key_materials())


def new_access_code() -> str:
    return "".join(secrets.choice(ACCESS_CODE_ALPHABET) for _ in range(10))


def next_reference(now: datetime) -> str:
    """HB2026-000153: per-year sequence, safe under concurrent submissions."""
    year = local_date(now).year
    last = _increment(year)
    if last is None:
        try:
            with transaction.atomic():
                ReferenceSequence.objects.create(year=year, last=0)
        except IntegrityError:
            pass  # created concurrently by another submission
        last = _increment(year)
    return f"{settings.PORTAL_REFERENCE_PREFIX}{year}-{last:06d}"


def _increment(year: int) -> int | None:
    """One statement: UPDATE ... RETURNING (SQLite >= 3.35, PostgreSQL); the row
    stays locked by this transaction, so numbers are never handed out twice."""
    table = connection.ops.quote_name(ReferenceSequence._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET last = last + 1 WHERE year = %s RETURNING last", [year])
        row = cursor.fetchone()
    return row[0] if row else None


class IntakeError(WorkflowError):
    """A report refused by validate(): the form field it belongs next to and a stable code."""

    def __init__(self, message: str, *, field: str, code: str):
        super().__init__(message)
        self.field, self.code = field, code


TEXT_FIELDS = ("description", "title", "polluter_name", "address", "source_detail", "original_code")


def _clean_texts(report: ReportInput) -> None:
    """Control characters out, whatever the channel (forms and Open311 are cleaned by
    portal.guards already; imports and staff code paths are cleaned here)."""
    for name in TEXT_FIELDS:
        setattr(report, name, clean_text(getattr(report, name) or ""))


def validate(report: ReportInput) -> None:
    """One set of rules for every channel: web form, staff form, Open311, imports."""
    _clean_texts(report)
    if not (report.description or "").strip():
        raise IntakeError(_("Please describe what is happening."), field="description", code="required")
    if report.subcategory is not None and report.subcategory.parent_id != report.category.pk:
        raise IntakeError(_("The sub-type does not belong to the chosen category."), field="category",
                          code="subcategory_mismatch")
    if (report.latitude is None) != (report.longitude is None):
        raise IntakeError(_("A location needs both latitude and longitude."), field="latitude",
                          code="half_coordinate")
    if report.latitude is not None:
        lat, lng = float(report.latitude), float(report.longitude)
        if not (-90 <= lat <= 90 and -180 <= lng <= 180):
            raise IntakeError(_("The location is not a valid coordinate."), field="latitude",
                              code="coordinate_range")
        if geo.service_area(lat, lng) == geo.OUTSIDE:
            raise IntakeError(geo.outside_message(), field="latitude", code="outside_service_area")
    if report.latitude is None and not report.address.strip() and report.township is None:
        raise IntakeError(_("Please give a location: a point on the map or an address."), field="address",
                          code="location_required")


def submit_case(report: ReportInput, reporter: ReporterInput | None = None, photos: Sequence = (), *,
                actor=None, now: datetime | None = None, route: bool = True, defer: bool = False) -> SubmitResult:
    """Store a report. ``defer`` (web form, Open311): the request keeps what the citizen is owed
    before the reference (case, identity, "received" event, receipt, photo originals, the
    durable job) and the worker does the rest after the commit (cases.pipeline). Otherwise
    (staff forms, imports) clocks and routing run in this transaction too."""
    now = now or timezone.now()
    if report.idempotency_key and not defer:  # deferred: the unique key's INSERT is the check
        existing = Case.objects.filter(idempotency_key=report.idempotency_key).first()
        if existing:
            return SubmitResult(existing, None, False)
    validate(report)
    if photos:
        # Outside the transaction: six photos must not hold SQLite's write lock, and a bad
        # photo fails before a reference number is taken.
        validate_photo_batch(photos)
        photos = [check_photo(f) if defer else process_photo(f) for f in photos]
    try:
        # One write transaction (SQLite has one writer: each transaction costs a lock and a
        # commit); routing runs in a savepoint, so a routing failure leaves the report for the
        # dispatch desk, never loses it.
        with photo_files_guard(), transaction.atomic():
            if defer:
                return _receive(report, reporter, photos, actor, now, route)
            result = _create(report, reporter, photos, actor, now)
            notifications.schedule_send_on_commit(result.receipts)
            start_intake_clocks(result.case, now, refresh_flags=not route)
            if route:
                result.case = route_quietly(result.case, now)
    except IntegrityError:
        if report.idempotency_key:  # the same form posted twice (at once): one case
            existing = Case.objects.filter(idempotency_key=report.idempotency_key).first()
            if existing:
                return SubmitResult(existing, None, False)
        raise
    return result


def _receive(report: ReportInput, reporter, photos, actor, now, route: bool) -> SubmitResult:
    job = IntakeJob.ROUTE if route else IntakeJob.CLOCKS
    result = _create(report, reporter, photos, actor, now, job=job)
    enqueue_on_commit(result.case, [row.pk for row in result.receipts])
    return result


def _create(report: ReportInput, reporter, photos, actor, now, *, job: str = IntakeJob.NONE) -> SubmitResult:
    code = new_access_code()
    reference = next_reference(now)
    lat = Decimal(str(report.latitude)).quantize(Decimal("0.000001")) if report.latitude is not None else None
    lng = Decimal(str(report.longitude)).quantize(Decimal("0.000001")) if report.longitude is not None else None
    township_id = locate_township_id(lat, lng) if lat is not None else getattr(report.township, "pk", None)
    case = Case.objects.create(
        reference=reference, access_code_hash=hash_access_code(reference, code),
        idempotency_key=report.idempotency_key, source=report.source, source_detail=report.source_detail,
        batch=report.batch, batch_sequence=report.batch_sequence, original_code=report.original_code,
        is_key_case=report.is_key_case, category=report.category, subcategory=report.subcategory,
        title=report.title[:120], description=report.description.strip(), observed_at=report.observed_at,
        polluter_name=report.polluter_name, extra=report.extra, latitude=lat, longitude=lng,
        location_source=report.location_source, address=report.address, township_id=township_id, received_at=now,
        intake_job=job,
    )
    identity = None
    if reporter is not None:
        identity = ReporterIdentity.objects.create(
            case=case, is_anonymous=reporter.is_anonymous,
            name="" if reporter.is_anonymous else reporter.name, phone=reporter.phone, email=reporter.email,
            ip_address=reporter.ip_address, consented_at=now if reporter.consented else None,
        )
    if photos and job:
        store_received(case, photos, now)
    elif photos:
        attach_photos(case, photos, kind="citizen", uploaded_by=actor, now=now)
    transaction.on_commit(refcache.public_data_changed, robust=True)  # public counters rebuild (cms.pagecache)
    record_event(case, "received", actor, now, to_state=case.state, is_public=True,
                 public_message=public_text.message(gettext_noop("Your report was received.")),
                 data={"source": case.source, "township": township_id})
    receipts = []
    if reporter is not None and reporter.has_contact:
        # The only message carrying the access code, which is stored hashed: rendered here.
        receipts = notifications.notify_reporter(case, "case_received", {"access_code": code}, "received", now=now,
                                                 new_reporter=identity)
    return SubmitResult(case, code, True, receipts)
