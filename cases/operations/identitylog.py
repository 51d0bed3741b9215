"""The reporter-identity access log for administrators (docs/security.md, "Who saw a
reporter's identity"): every reveal of a reporter's name and contact is an
IdentityAccessLog row (cases/workbench/services.py reveal_reporters); this module filters
them and exports them. The log names the case, never the reporter's data."""

import csv
import io
from collections.abc import Iterator
from datetime import datetime, time

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from cases.models import IdentityAccessLog
from cases.operations.forms import IdentityLogFilter
from cases.workbench.exports import FORMULA_STARTS

HEADINGS = (pgettext_lazy("operations", "Viewed at"), pgettext_lazy("operations", "Staff account"),
            pgettext_lazy("operations", "Staff name"), pgettext_lazy("operations", "Case"),
            pgettext_lazy("operations", "Purpose given"))


def filter_from(query) -> tuple[IdentityLogFilter, dict]:
    """The filter form bound to the query string and its valid data (an invalid filter shows
    its errors and lists everything, like no filter)."""
    form = IdentityLogFilter(query or None)
    return form, (form.cleaned_data if form.is_bound and form.is_valid() else {})


def entries(data: dict | None = None) -> QuerySet:
    """The log, newest first, narrowed by the filter's cleaned data."""
    data = data or {}
    rows = IdentityAccessLog.objects.select_related("user", "case").only(
        "viewed_at", "purpose", "user__username", "user__first_name", "user__last_name", "case__reference")
    if data.get("user"):
        rows = rows.filter(user__username__icontains=data["user"])
    if data.get("case"):
        rows = rows.filter(case__reference__icontains=data["case"].strip())
    if data.get("purpose"):
        rows = rows.filter(purpose__icontains=data["purpose"])
    zone = timezone.get_current_timezone()
    if data.get("start"):
        rows = rows.filter(viewed_at__gte=datetime.combine(data["start"], time.min, zone))
    if data.get("end"):
        rows = rows.filter(viewed_at__lte=datetime.combine(data["end"], time.max, zone))
    return rows.order_by("-viewed_at", "-pk")


def describe(data: dict) -> str:
    """The filter in words, for the export log."""
    return ", ".join(f"{k}={v}" for k, v in data.items() if v) or "all"


def export_rows(rows: QuerySet) -> Iterator[tuple]:
    for entry in rows.iterator(chunk_size=1000):
        yield (entry.viewed_at, entry.user.get_username(), entry.user.get_full_name(), entry.case.reference,
               entry.purpose)


def csv_safe(value) -> str:
    """A cell a spreadsheet shows as text: a leading = + - @ (or tab, CR) gets a quote."""
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S")
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_chunks(rows: QuerySet) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")  # Excel opens UTF-8 Chinese text correctly only with the BOM
    writer.writerow([str(h) for h in HEADINGS])
    for n, row in enumerate(export_rows(rows), start=1):
        writer.writerow([csv_safe(v) for v in row])
        if n % 500 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
