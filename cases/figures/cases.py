"""Case figures: received / closed / stage-closed / not accepted / in progress /
overdue for any set of cases, and the rates (definitions in the package docstring).

Every figure is an aggregate computed in the database; the sets are named here once
(`counted_cases`, `referral_cases`, `citizen_cases`) so that a page cannot count a
slightly different set.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, Max, OuterRef, Q, QuerySet

from cases.figures.counts import Counts
from cases.models import Case, CaseSource, CaseState, Clock, ClockKind, Feedback, ReferralBatch

REFERRAL_SOURCES = (CaseSource.CENTRAL, CaseSource.PROVINCIAL)
SATISFIED_RATINGS = (Feedback.Rating.SATISFIED, Feedback.Rating.BASICALLY)


def percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


@dataclass(frozen=True)
class RateFigure:
    part: int = 0
    whole: int = 0

    @property
    def percent(self) -> float | None:
        return percent(self.part, self.whole)


@dataclass(frozen=True)
class CaseFigures(Counts):
    received: int = 0
    closed: int = 0
    stage_closed: int = 0
    rejected: int = 0
    in_progress: int = 0
    overdue: int = 0

    @property
    def finished(self) -> int:
        return self.closed + self.stage_closed


@dataclass(frozen=True)
class CitizenFigures(CaseFigures):
    on_time: RateFigure = field(default_factory=RateFigure)
    satisfaction: RateFigure = field(default_factory=RateFigure)


_AGGREGATES = {
    "received": Count("pk"),
    "closed": Count("pk", filter=Q(state=CaseState.CLOSED)),
    "stage_closed": Count("pk", filter=Q(state=CaseState.STAGE_CLOSED)),
    "rejected": Count("pk", filter=Q(state=CaseState.REJECTED)),
    "in_progress": Count("pk", filter=Q(state__in=CaseState.OPEN)),
    "overdue": Count("pk", filter=Q(state__in=CaseState.OPEN, is_overdue=True)),
}


def counted_cases() -> QuerySet:
    """Every case a figure counts: merged duplicates are counted in their survivor."""
    return Case.objects.exclude(state=CaseState.MERGED)


def referral_cases(source: str) -> QuerySet:
    return counted_cases().filter(source=source)


def citizen_cases() -> QuerySet:
    return counted_cases().exclude(source__in=REFERRAL_SOURCES)


def case_figures(cases: QuerySet | None = None) -> CaseFigures:
    """The figures of a set of cases (default: every counted case)."""
    qs = counted_cases() if cases is None else cases.exclude(state=CaseState.MERGED)
    return CaseFigures(**qs.aggregate(**_AGGREGATES))


def referral_figures(source: str) -> CaseFigures:
    """Cases referred by the central or the provincial inspection, all batches."""
    return case_figures(referral_cases(source))


def batch_figures(batches: QuerySet | None = None) -> list[tuple[ReferralBatch, CaseFigures]]:
    """Each referral batch with its figures, in one grouped query."""
    batches = ReferralBatch.objects.order_by("source", "number") if batches is None else batches
    rows = {r.pop("batch"): r for r in counted_cases().filter(batch__in=batches).values("batch")
            .annotate(**_AGGREGATES).order_by()}
    return [(b, CaseFigures(**rows.get(b.pk, {}))) for b in batches]


def _handling_clocks():
    return Clock.objects.filter(case=OuterRef("pk"), kind=ClockKind.HANDLING)


def on_time_annotated(qs: QuerySet) -> QuerySet:
    """Annotate `has_handling` and `late`: the two facts the on-time rate needs."""
    late = _handling_clocks().filter(Q(stopped_at__gt=F("due_at")) | Q(stopped_at__isnull=True))
    return qs.annotate(has_handling=Exists(_handling_clocks()), late=Exists(late))


def on_time_rate(cases: QuerySet | None = None) -> RateFigure:
    qs = counted_cases() if cases is None else cases
    timed = on_time_annotated(qs.filter(state__in=CaseState.RESOLVED)).filter(has_handling=True).aggregate(
        whole=Count("pk"), part=Count("pk", filter=Q(late=False)))
    return RateFigure(part=timed["part"], whole=timed["whole"])


def closure_rate(cases: QuerySet | None = None) -> RateFigure:
    qs = (counted_cases() if cases is None else cases).exclude(state=CaseState.REJECTED)
    totals = qs.aggregate(whole=Count("pk"), part=Count("pk", filter=Q(state__in=CaseState.RESOLVED)))
    return RateFigure(part=totals["part"], whole=totals["whole"])


def satisfaction_rate(cases: QuerySet | None = None) -> RateFigure:
    """Of the rated cases, those whose latest rating is satisfied or basically satisfied."""
    qs = counted_cases() if cases is None else cases
    latest = (Feedback.objects.filter(case__in=qs.values("pk")).values("case").annotate(last=Max("pk"))
              .values("last"))
    totals = Feedback.objects.filter(pk__in=latest).aggregate(
        whole=Count("pk"), part=Count("pk", filter=Q(rating__in=SATISFIED_RATINGS)))
    return RateFigure(part=totals["part"], whole=totals["whole"])


def citizen_figures() -> CitizenFigures:
    cases = citizen_cases()
    return CitizenFigures(**case_figures(cases).as_dict(), on_time=on_time_rate(cases),
                          satisfaction=satisfaction_rate(cases))


def public_case_count() -> int:
    """The cases shown on the public list, map and open data."""
    return Case.objects.public().count()
