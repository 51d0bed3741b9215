"""Similar open reports nearby, and following one instead of filing a duplicate (docs/product.md §4.1).

What a citizen sees of someone else's case is deliberately thin: the reference,
the category, the township, the date and the state, plus the public summary
only when the intake desk has made the case public. Never the description, the
exact location or anything about the reporter.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext as _

from cases import public_text
from cases.geo import bbox_around, distance_m
from cases.intake import ReporterInput
from cases.lifecycle import bump_version
from cases.models import Case, CaseEvent, CaseState, Category, ReporterIdentity
from cases.workflow import CASE_LIFECYCLE, WorkflowError, record_event

MAX_LISTED = 5
MAX_CANDIDATES = 200


def category_label(category: Category | None) -> str:
    if category is None:
        return ""
    if (get_language() or "").startswith("en") and category.name_en:
        return category.name_en
    return category.name


@dataclass(frozen=True)
class NearbyCase:
    reference: str
    category: str
    township: str
    received_on: str
    state: str
    distance_m: int
    summary: str

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def _candidates(category: Category, lat: float, lng: float, now: datetime):
    radius = settings.PORTAL_DUPLICATE_RADIUS_M
    min_lat, min_lng, max_lat, max_lng = bbox_around(lat, lng, radius)
    since = now - timedelta(days=settings.PORTAL_DUPLICATE_DAYS)
    return (Case.objects.filter(category=category.root, state__in=CaseState.OPEN, received_at__gte=since,
                                latitude__range=(min_lat, max_lat), longitude__range=(min_lng, max_lng))
            .select_related("category", "subcategory", "township").order_by("-received_at")[:MAX_CANDIDATES])


def nearby_open_cases(category: Category, lat: float, lng: float, now: datetime | None = None) -> list[NearbyCase]:
    """Open cases of the same category within the radius and period, nearest first."""
    now = now or timezone.now()
    radius = settings.PORTAL_DUPLICATE_RADIUS_M
    found = []
    for case in _candidates(category, lat, lng, now):
        meters = distance_m(lat, lng, case.latitude, case.longitude)
        if meters <= radius:
            found.append((meters, case))
    found.sort(key=lambda pair: pair[0])
    return [_describe(case, meters) for meters, case in found[:MAX_LISTED]]


def _describe(case: Case, meters: float) -> NearbyCase:
    return NearbyCase(
        reference=case.reference,
        category=category_label(case.subcategory or case.category),
        township=case.township.name if case.township_id else "",
        received_on=timezone.localtime(case.received_at).date().isoformat(),
        state=str(case.get_state_display()),
        distance_m=int(round(meters / 10.0) * 10),
        summary=case.public_summary if case.is_public else "",
    )


def find_followable(reference: str, category: Category, lat: float, lng: float,
                    now: datetime | None = None) -> Case | None:
    """The case, if it is one `nearby_open_cases` would list for this point: a citizen
    cannot attach themselves to an arbitrary case by its reference."""
    now = now or timezone.now()
    for case in _candidates(category, lat, lng, now):
        if case.reference == reference and distance_m(lat, lng, case.latitude, case.longitude) <= \
                settings.PORTAL_DUPLICATE_RADIUS_M:
            return case
    return None


def follow_case(case: Case, reporter: ReporterInput, token: str, now: datetime | None = None) -> bool:
    """Attach the citizen's contact to `case` with a public event. Returns False when
    this form token was already used (a double click): nothing is added twice."""
    now = now or timezone.now()
    key = f"follow:{token}"
    if CaseEvent.objects.filter(dedupe_key=key).exists():
        return False
    if Case.objects.filter(pk=case.pk).exclude(state__in=CaseState.OPEN).exists():
        raise WorkflowError(_("This case is no longer open; please file your own report."))
    try:
        # Stored event texts are in the site's language (as cases/workflow.py writes them).
        with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
            current = Case.objects.select_for_update().get(pk=case.pk)
            if current.state not in CaseState.OPEN:
                raise WorkflowError(_("This case is no longer open; please file your own report."))
            bump_version(CASE_LIFECYCLE, current.pk, None, updated_at=now)  # staff forms opened before go stale
            ReporterIdentity.objects.create(
                case=current, is_anonymous=reporter.is_anonymous,
                name="" if reporter.is_anonymous else reporter.name, phone=reporter.phone,
                email=reporter.email, ip_address=reporter.ip_address, consented_at=now)
            record_event(current, "follower_added", None, now, is_public=True, dedupe_key=key,
                         public_message=public_text.message(
                             gettext_noop("Another resident reported the same problem.")),
                         data={"has_contact": reporter.has_contact})
    except IntegrityError:
        if CaseEvent.objects.filter(dedupe_key=key).exists():
            return False
        raise
    return True
