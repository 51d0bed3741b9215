"""Similar open reports nearby, and following one instead of filing a duplicate (PRODUCT §4.1).

Nearby suggestions answer a question about location, so they obey the privacy grid
(cases/privacy/location.py): which cases are listed depends only on the query's
0.01° cell and each case's cell, never on exact distances, so answers for points in
the same cell are identical and a case's point within its cell cannot be computed.

- A public case is shown as the public list shows it: reference, category,
  township, date, state, public summary, and the distance from the query's cell
  centre to its public (coarsened) point.
- A case the public may not see is only "a similar report received nearby on DATE,
  being handled": no reference, no distance, no township, and an opaque follow token
  (cases/privacy/tokens.py) that adds the citizen as a follower.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext as _

from cases import public_text
from cases.geo import distance_m
from cases.intake import ReporterInput
from cases.models import OPEN_STATES, Case, CaseEvent, CaseState, Category, ReporterIdentity
from cases.privacy import location, tokens
from cases.workflow import WorkflowError, record_event

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
    follow: str  # opaque token for the follow form
    category: str
    received_on: str
    is_public: bool
    reference: str = ""
    township: str = ""
    state: str = ""
    distance_m: int | None = None
    summary: str = ""

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def _visible(case: Case) -> bool:
    return case.is_public and case.state != CaseState.MERGED


def _candidates(category: Category, lat: float, lng: float, now: datetime) -> list[tuple[int, Case]]:
    """(cell distance, case) for open cases of the category in the cells around the query's cell."""
    ring = location.ring_for(settings.PORTAL_DUPLICATE_RADIUS_M)
    here = location.cell_of(lat, lng)
    min_lat, min_lng, max_lat, max_lng = location.cell_block(here, ring)
    since = now - timedelta(days=settings.PORTAL_DUPLICATE_DAYS)
    qs = (Case.objects.filter(category=category.root, state__in=OPEN_STATES, received_at__gte=since,
                              latitude__range=(min_lat, max_lat), longitude__range=(min_lng, max_lng))
          .select_related("category", "subcategory", "township").order_by("-received_at", "-pk")[:MAX_CANDIDATES])
    found = []
    for case in qs:
        steps = location.cell_distance(here, location.cell_of(case.latitude, case.longitude))
        if steps <= ring:
            found.append((steps, case))
    return found


def nearby_open_cases(category: Category, lat: float, lng: float, now: datetime | None = None) -> list[NearbyCase]:
    """Open cases of the same category in the query's neighbourhood of cells, nearest cells first."""
    now = now or timezone.now()
    found = _candidates(category, lat, lng, now)
    found.sort(key=lambda pair: pair[0])  # stable: newest first within a ring
    centre = location.cell_centre(location.cell_of(lat, lng))
    return [_describe(case, centre) for _steps, case in found[:MAX_LISTED]]


def _describe(case: Case, centre: tuple[float, float]) -> NearbyCase:
    received_on = timezone.localtime(case.received_at).date().isoformat()
    if not _visible(case):
        return NearbyCase(follow=tokens.follow_token(case.pk), category=category_label(case.category),
                          received_on=received_on, is_public=False)
    point = location.public_point_of(case)
    meters = distance_m(*centre, point.latitude, point.longitude)
    return NearbyCase(
        follow=tokens.follow_token(case.pk), category=category_label(case.subcategory or case.category),
        received_on=received_on, is_public=True, reference=case.reference,
        township=case.township.name if case.township_id else "", state=str(case.get_state_display()),
        distance_m=int(round(meters / 100.0) * 100), summary=case.public_summary,
    )


def find_followable(token: str, category: Category, lat: float, lng: float,
                    now: datetime | None = None) -> Case | None:
    """The case behind a follow token, if `nearby_open_cases` would list it for this point:
    a citizen cannot attach themselves to an arbitrary case."""
    case_id = tokens.case_id_from(token)
    if case_id is None:
        return None
    now = now or timezone.now()
    return next((case for _steps, case in _candidates(category, lat, lng, now) if case.pk == case_id), None)


def follow_case(case: Case, reporter: ReporterInput, token: str, now: datetime | None = None) -> bool:
    """Attach the citizen's contact to `case` with a public event. Returns False when
    this form token was already used (a double click): nothing is added twice."""
    now = now or timezone.now()
    key = f"follow:{token}"
    if CaseEvent.objects.filter(dedupe_key=key).exists():
        return False
    if Case.objects.filter(pk=case.pk).exclude(state__in=OPEN_STATES).exists():
        raise WorkflowError(_("This case is no longer open; please file your own report."))
    try:
        # Stored event texts are in the site's language (as cases/workflow.py writes them).
        with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
            current = Case.objects.select_for_update().get(pk=case.pk)
            if current.state not in OPEN_STATES:
                raise WorkflowError(_("This case is no longer open; please file your own report."))
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
