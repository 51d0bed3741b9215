"""submit_case(): validate → store → route → events → enqueue (PRODUCT §4.1).

Everything happens in one transaction: no case without its photos, no photos
without a case. Used by the web form, the staff phone/letter form, the Open311 API
and the referral batch import.
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
from cases.calendar import CalendarNotCovered, load_calendar, local_date
from cases.deadlines import Policy, start_clock
from cases.event_texts import stored_text
from cases.fields import key_materials
from cases.models import (
    Case,
    CaseSource,
    Category,
    ClockKind,
    LocationSource,
    ReferenceSequence,
    ReferralBatch,
    ReporterIdentity,
)
from cases.photos import attach_photos, photo_files_guard, process_photo, validate_photo_batch
from cases.privacy.text import clean_text
from cases.routing import locate_township
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
        raise WorkflowError(_("Please describe what is happening."))
    if report.subcategory is not None and report.subcategory.parent_id != report.category.pk:
        raise WorkflowError(_("The sub-type does not belong to the chosen category."))
    if (report.latitude is None) != (report.longitude is None):
        raise WorkflowError(_("A location needs both latitude and longitude."))
    if report.latitude is not None:
        lat, lng = float(report.latitude), float(report.longitude)
        if not (-90 <= lat <= 90 and -180 <= lng <= 180):
            raise WorkflowError(_("The location is not a valid coordinate."))
        if geo.service_area(lat, lng) == geo.OUTSIDE:
            raise WorkflowError(geo.outside_message())
    if report.latitude is None and not report.address.strip() and report.township is None:
        raise WorkflowError(_("Please give a location: a point on the map or an address."))


def submit_case(report: ReportInput, reporter: ReporterInput | None = None, photos: Sequence = (), *,
                actor=None, now: datetime | None = None, route: bool = True) -> SubmitResult:
    now = now or timezone.now()
    if report.idempotency_key:
        existing = Case.objects.filter(idempotency_key=report.idempotency_key).first()
        if existing:
            return SubmitResult(existing, None, False)
    validate(report)
    if photos:
        # Decode outside the transaction: six photos must not hold SQLite's write
        # lock, and a bad photo fails before a reference number is taken.
        validate_photo_batch(photos)
        photos = [process_photo(f) for f in photos]
    try:
        # One write transaction for the report and its routing (SQLite has one writer:
        # each transaction costs a lock and a commit); routing runs in a savepoint, so a
        # routing failure leaves the report for the dispatch desk, never loses it.
        with photo_files_guard(), transaction.atomic():
            result = _create(report, reporter, photos, actor, now, refresh_flags=not route)
            if route:
                result.case = _route_quietly(result.case, now)
    except IntegrityError:
        if report.idempotency_key:  # the same form posted twice at once: one case
            existing = Case.objects.filter(idempotency_key=report.idempotency_key).first()
            if existing:
                return SubmitResult(existing, None, False)
        raise
    return result


def _create(report: ReportInput, reporter, photos, actor, now, *, refresh_flags: bool = True) -> SubmitResult:
    code = new_access_code()
    reference = next_reference(now)
    lat = Decimal(str(report.latitude)).quantize(Decimal("0.000001")) if report.latitude is not None else None
    lng = Decimal(str(report.longitude)).quantize(Decimal("0.000001")) if report.longitude is not None else None
    township = locate_township(lat, lng) if lat is not None else report.township
    case = Case.objects.create(
        reference=reference, access_code_hash=hash_access_code(reference, code),
        idempotency_key=report.idempotency_key, source=report.source, source_detail=report.source_detail,
        batch=report.batch, batch_sequence=report.batch_sequence, original_code=report.original_code,
        is_key_case=report.is_key_case, category=report.category, subcategory=report.subcategory,
        title=report.title[:120], description=report.description.strip(), observed_at=report.observed_at,
        polluter_name=report.polluter_name, extra=report.extra, latitude=lat, longitude=lng,
        location_source=report.location_source, address=report.address, township=township, received_at=now,
    )
    if reporter is not None:
        ReporterIdentity.objects.create(
            case=case, is_anonymous=reporter.is_anonymous,
            name="" if reporter.is_anonymous else reporter.name, phone=reporter.phone, email=reporter.email,
            ip_address=reporter.ip_address, consented_at=now if reporter.consented else None,
        )
    if photos:
        attach_photos(case, photos, kind="citizen", uploaded_by=actor, now=now)
    transaction.on_commit(refcache.public_data_changed)  # public counters rebuild (cms.pagecache)
    record_event(case, "received", actor, now, to_state=case.state, is_public=True,
                 public_message=public_text.message(gettext_noop("Your report was received.")),
                 data={"source": case.source, "township": township.pk if township else None})
    _start_intake_clocks(case, now, refresh_flags)
    if reporter is not None and reporter.has_contact:
        notifications.notify_reporter(case, "case_received", {"access_code": code}, "received", now=now)
    return SubmitResult(case, code, True)


def _start_intake_clocks(case: Case, now: datetime, refresh_flags: bool = True) -> None:
    from cases.deadlines import refresh_case_flags

    try:
        calendar = load_calendar()
        start_clock(calendar, case, ClockKind.DISPATCH, now, fresh=True)
        start_clock(calendar, case, ClockKind.ACKNOWLEDGE, now, fresh=True)
        if case.batch is not None:
            start_clock(calendar, case, ClockKind.BATCH_REPLY, case.batch.received_at,
                        policy=Policy(0, "calendar"), due_override=case.batch.due_at, fresh=True)
    except CalendarNotCovered as exc:
        # The report is never lost for an administrator's missing calendar year:
        # it is recorded, and /healthz and the workbench show the problem.
        log.error("calendar not covered for case %s: %s", case.reference, exc)
        data = {"year": exc.year}
        record_event(case, "calendar_missing", None, now, internal_text=stored_text("calendar_missing", data),
                     data=data)
    if refresh_flags:  # otherwise routing, which follows in the same transaction, does it once
        refresh_case_flags([case.pk])


def _route_quietly(case: Case, now: datetime) -> Case:
    from cases.actions import auto_route

    try:
        with transaction.atomic():  # a savepoint: a failed routing leaves nothing behind
            routed = auto_route(case, now=now)
    except Exception as exc:  # noqa: BLE001 - the savepoint is rolled back; the report must survive
        if isinstance(exc, (WorkflowError, CalendarNotCovered)):
            log.warning("auto-routing of %s left for the dispatch desk: %s", case.reference, exc)
        else:
            log.exception("auto-routing of %s failed; left for the dispatch desk", case.reference)
        data = {"reason": "error"}
        record_event(case, "routing_needed", None, now, internal_text=stored_text("routing_needed", data), data=data)
        routed = case
    if routed is case:  # not routed: clocks and flags changed in the database only
        from cases.deadlines import refresh_case_flags

        refresh_case_flags([case.pk])
        case.refresh_from_db()
    return routed
