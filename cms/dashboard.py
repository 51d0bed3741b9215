"""Chart data for the progress dashboard (docs/product.md §4.5): cases by month, category,
township and state, and the on-time rate by department. Merged duplicates are not
counted. Every chart is also rendered as a data table (screen readers, no JS)."""

from datetime import date

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cases.figures import counted_cases, on_time_annotated, percent
from cases.models import CaseState
from cms.caching import cached


def _counted():
    return counted_cases()


def localized(name: str, name_en: str = "") -> str:
    return name_en if name_en and (get_language() or "").startswith("en") else name


def _months(first: date, last: date) -> list[date]:
    months, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def by_month() -> dict:
    rows = (_counted().annotate(month=TruncMonth("received_at", tzinfo=timezone.get_default_timezone()))
            .values("month").annotate(n=Count("pk")).order_by("month"))
    counts = {row["month"].date() if hasattr(row["month"], "date") else row["month"]: row["n"] for row in rows}
    months = _months(min(counts), max(counts)) if counts else []
    return {"id": "by-month", "kind": "line", "title": _("Cases received by month"), "series": _("Cases"),
            "labels": [date_format(m, "YEAR_MONTH_FORMAT") for m in months], "values": [counts.get(m, 0) for m in months]}


def by_category() -> dict:
    rows = (_counted().values("category__name", "category__name_en", "category__sort_order")
            .annotate(n=Count("pk")).order_by("category__sort_order", "category__name"))
    return {"id": "by-category", "kind": "bar", "title": _("Cases by category"), "series": _("Cases"),
            "labels": [localized(r["category__name"], r["category__name_en"]) for r in rows],
            "values": [r["n"] for r in rows]}


def by_township() -> dict:
    rows = (_counted().values("township__name", "township__sort_order").annotate(n=Count("pk"))
            .order_by("township__sort_order", "township__name"))
    labels = [r["township__name"] or _("Outside the townships") for r in rows]
    return {"id": "by-township", "kind": "bar", "title": _("Cases by township"), "series": _("Cases"),
            "labels": labels, "values": [r["n"] for r in rows]}


def by_state() -> dict:
    counts = dict(_counted().values_list("state").annotate(n=Count("pk")))
    states = [s for s in CaseState if s != CaseState.MERGED and counts.get(s.value)]
    return {"id": "by-state", "kind": "doughnut", "title": _("Cases by state"), "series": _("Cases"),
            "labels": [str(s.label) for s in states], "values": [counts[s.value] for s in states]}


def on_time_by_department() -> dict:
    finished = on_time_annotated(_counted().filter(state__in=CaseState.RESOLVED, lead_department__isnull=False))
    rows = (finished.values("lead_department__name", "lead_department__sort_order")
            .annotate(n=Count("pk", filter=Q(has_handling=True)),
                      on_time=Count("pk", filter=Q(has_handling=True, late=False)))
            .filter(n__gt=0).order_by("lead_department__sort_order", "lead_department__name"))
    return {"id": "on-time", "kind": "bar", "title": _("Closed on time, by lead department"),
            "series": _("On time (%)"), "unit": "%",
            "labels": [r["lead_department__name"] for r in rows],
            "values": [percent(r["on_time"], r["n"]) for r in rows],
            "counts": [[r["on_time"], r["n"]] for r in rows]}


def with_rows(chart: dict) -> dict:
    """Rows of the data table that follows each chart: label, value, (on time, closed)."""
    counts = chart.get("counts") or [None] * len(chart["labels"])
    chart["rows"] = [[label, value, count] for label, value, count in zip(
        chart["labels"], chart["values"], counts, strict=True)]
    return chart


def _compute() -> list[dict]:
    return [with_rows(c) for c in (by_month(), by_category(), by_township(), by_state(), on_time_by_department())]


def dashboard_charts() -> list[dict]:
    return cached("dashboard", _compute, get_language())
