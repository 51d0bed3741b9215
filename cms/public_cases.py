"""The public case list, map and open data (docs/product.md §4.5).

Only cases an intake officer made public (Case.objects.public(): merged duplicates
excluded), and only the public fields: values() with an explicit field list, so
internal findings and reporter identity cannot reach a page or a file by accident.
Locations follow the one public-location rule (cases/privacy/location.py): citizens'
cases and sensitive cases at the centre of a 0.01° cell (about 1 km), other referral
cases to 4 decimals. The reply to the reporter is never published here: the public
summary is the only public text.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language, gettext_lazy, pgettext_lazy

from cases.models import Case, CaseState, Category, Township
from cases.privacy.location import is_coarsened, public_point
from cms.csv_export import csv_response, json_stream_response
from cms.dashboard import localized
from cms.disclosure import state_label

PUBLIC_VALUES = (
    "pk", "reference", "public_summary", "state", "received_at", "closed_at", "is_sensitive", "source",
    "latitude", "longitude", "category__code", "category__name", "category__name_en", "township__code",
    "township__name",
)
STATE_FILTERS = {"closed": (CaseState.CLOSED,), "stage_closed": (CaseState.STAGE_CLOSED,),
                 "open": CaseState.OPEN}
STATE_FILTER_LABELS = {"closed": gettext_lazy("Closed"), "stage_closed": gettext_lazy("Stage-closed"),
                       "open": pgettext_lazy("case state", "In progress")}
CSV_COLUMNS = (
    gettext_lazy("Reference"), gettext_lazy("Category"), gettext_lazy("Township"), pgettext_lazy("case", "Status"),
    gettext_lazy("Received"), gettext_lazy("Closed"), gettext_lazy("Public summary"),
    gettext_lazy("Latitude"), gettext_lazy("Longitude"),
)


@dataclass(frozen=True)
class CaseFilter:
    category: str = ""
    township: str = ""
    state: str = ""
    year: int | None = None

    @classmethod
    def from_query(cls, params) -> "CaseFilter":
        year = params.get("year", "")
        state = params.get("state", "")
        return cls(category=params.get("category", "")[:40], township=params.get("township", "")[:40],
                   state=state if state in STATE_FILTERS else "",
                   year=int(year) if year.isdigit() and 1990 < int(year) < 2200 else None)

    def apply(self, qs: QuerySet) -> QuerySet:
        if self.category:
            qs = qs.filter(category__code=self.category)
        if self.township:
            qs = qs.filter(township__code=self.township)
        if self.state:
            qs = qs.filter(state__in=STATE_FILTERS[self.state])
        if self.year:
            qs = qs.filter(received_at__year=self.year)
        return qs

    def querystring(self) -> str:
        pairs = {"category": self.category, "township": self.township, "state": self.state,
                 "year": self.year or ""}
        return urlencode({k: v for k, v in pairs.items() if v})


def public_rows(case_filter: CaseFilter | None = None) -> QuerySet:
    qs = Case.objects.public().order_by("-received_at", "-pk")
    return (case_filter or CaseFilter()).apply(qs).values(*PUBLIC_VALUES)


def public_count(case_filter: CaseFilter) -> int:
    """The number of public cases matching the filter, counted on the case table alone:
    counting ``public_rows()`` kept its category and township joins, and SQLite then
    walked all cases by category (76 ms at 100,000 cases, against an index range)."""
    return case_filter.apply(Case.objects.public()).count()


def coarse_point(row: dict) -> tuple[float, float] | None:
    point = public_point(row["latitude"], row["longitude"], source=row["source"], is_sensitive=row["is_sensitive"])
    return (point.latitude, point.longitude) if point else None


class Labels:
    """What every record of one output looks up the same way (the reader's language,
    the state labels, the date texts), looked up once per output instead of once per
    row: per row they were most of a 100,000-row open-data file (docs/performance.md)."""

    def __init__(self) -> None:
        self.english = (get_language() or "").startswith("en")
        self.tz = timezone.get_current_timezone()  # dates are the city's (Asia/Shanghai), not UTC
        self.states: dict[str, str] = {}
        self.dates: dict[str, str] = {}

    def category(self, name: str, name_en: str) -> str:
        return name_en if name_en and self.english else name

    def state(self, state: str) -> str:
        label = self.states.get(state)
        if label is None:
            label = self.states[state] = state_label(state)
        return label

    def date_text(self, iso: str) -> str:
        if not iso:
            return ""
        text = self.dates.get(iso)
        if text is None:
            text = self.dates[iso] = date_format(date.fromisoformat(iso), "DATE_FORMAT")
        return text


def record(row: dict, labels: Labels | None = None) -> dict:
    """The public record of one case: the only fields any public output shows."""
    labels = labels or Labels()
    point = public_point(row["latitude"], row["longitude"], source=row["source"], is_sensitive=row["is_sensitive"])
    received, closed = row["received_at"], row["closed_at"]
    return {
        "reference": row["reference"],
        "category": labels.category(row["category__name"], row["category__name_en"]),
        "township": row["township__name"] or "",
        "state": row["state"], "status": labels.state(row["state"]),
        "received": received.astimezone(labels.tz).date().isoformat() if received else "",
        "closed": closed.astimezone(labels.tz).date().isoformat() if closed else "",
        "summary": row["public_summary"],
        "latitude": point.latitude if point else None, "longitude": point.longitude if point else None,
        "approximate": is_coarsened(row["source"], row["is_sensitive"]),
    }


def with_date_texts(rec: dict, labels: Labels | None = None) -> dict:
    """Adds the dates as the reader writes them (2026年3月2日) for pages and map popups;
    `received`/`closed` stay ISO, as open data (CSV, GeoJSON) wants them."""
    labels = labels or Labels()
    for key in ("received", "closed"):
        rec[f"{key}_text"] = labels.date_text(rec[key])
    return rec


def geojson_features(case_filter: CaseFilter) -> Iterator[dict]:
    """The map's features, one per public case with a location (those without one
    are left out by the query, not read and dropped)."""
    labels = Labels()
    rows = public_rows(case_filter).filter(latitude__isnull=False, longitude__isnull=False)
    for row in rows.iterator(chunk_size=2000):
        rec = with_date_texts(record(row, labels), labels)
        if rec["latitude"] is None:
            continue
        props = {k: v for k, v in rec.items() if k not in ("latitude", "longitude")}
        yield {"type": "Feature", "properties": props,
               "geometry": {"type": "Point", "coordinates": [rec["longitude"], rec["latitude"]]}}


def geojson_export(case_filter: CaseFilter):
    """The GeoJSON open-data file, streamed and logged like the CSV: built whole, a
    100,000-case file held the request ~20 s before its first byte."""
    return json_stream_response("public-cases.geojson", "application/geo+json",
                                '{"type": "FeatureCollection", "features": [', geojson_features(case_filter), "]}",
                                what={"filter": case_filter.querystring()}, disposition="inline")


def csv_export(case_filter: CaseFilter):
    def lines():
        labels = Labels()
        for row in public_rows(case_filter).iterator(chunk_size=2000):
            r = record(row, labels)
            yield [r["reference"], r["category"], r["township"], r["status"], r["received"], r["closed"],
                   r["summary"], r["latitude"] if r["latitude"] is not None else "",
                   r["longitude"] if r["longitude"] is not None else ""]

    return csv_response("public-cases.csv", [str(c) for c in CSV_COLUMNS], lines(),
                        what={"filter": case_filter.querystring()})


def public_years() -> list[int]:
    """Years with public cases, newest first: two ends and one probe per year, each a
    range read of the case_public index (DISTINCT over a year expression scanned
    every public case: 104 ms at 5,000)."""
    qs = Case.objects.public()
    ends = [qs.order_by(order).values_list("received_at", flat=True).first() for order in ("-received_at",
                                                                                          "received_at")]
    if ends[0] is None:
        return []
    newest, oldest = (timezone.localtime(d).year for d in ends)
    return [year for year in range(newest, oldest - 1, -1) if qs.filter(received_at__year=year).exists()]


def filter_options() -> dict:
    return {
        "categories": [(c.code, localized(c.name, c.name_en)) for c in Category.objects.filter(
            parent__isnull=True, is_active=True)],
        "townships": list(Township.objects.values_list("code", "name")),
        "states": [(k, str(v)) for k, v in STATE_FILTER_LABELS.items()],
        "years": public_years(),
    }

