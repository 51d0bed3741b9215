"""GET Service Requests and GET updates: query parameters → querysets.

The spec's defaults: service_request_id overrides every other argument; without
dates the window is the most recent 90 days, and a window may not span more
than 90 days; at most the first 1000 requests. The `page` / `page_size`
extension pages through the same result.
"""

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from cases.models import OPEN_STATES, Case

from .errors import bad_request

WINDOW = timedelta(days=90)
EARLIEST = datetime(1900, 1, 1, tzinfo=ZoneInfo("UTC"))
LATEST = datetime(9000, 1, 1, tzinfo=ZoneInfo("UTC"))
MAX_RESULTS = 1000
MAX_IDS = 200
# A "+" in an unencoded offset arrives as a space: "2026-01-01T08:00:00 08:00".
_SPACED_OFFSET = re.compile(r"^(.*\d) (\d{2}:?\d{2})$")


@dataclass
class Window:
    start: datetime
    end: datetime


@dataclass
class Page:
    number: int
    size: int

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size


def _list(params: QueryDict, name: str) -> list[str]:
    values = []
    for raw in params.getlist(name):
        values += [part.strip() for part in raw.split(",") if part.strip()]
    return list(dict.fromkeys(values))


def parse_w3c(raw: str, name: str) -> datetime:
    raw = _SPACED_OFFSET.sub(r"\1+\2", raw.strip())
    try:
        value = parse_datetime(raw)
        if value is None and (day := parse_date(raw)) is not None:
            value = datetime.combine(day, time.min)
    except ValueError:
        value = None
    if value is None:
        raise bad_request(_("%(name)s must be a W3C date and time, e.g. 2026-01-01T00:00:00+08:00.")
                          % {"name": name})
    if timezone.is_naive(value):
        value = timezone.make_aware(value, ZoneInfo(settings.TIME_ZONE))
    if not (EARLIEST <= value <= LATEST):
        # 9999-12-31 + 90 days, or 0001-01-01 - 90 days, or the UTC conversion of either
        # overflowed datetime (OverflowError → 500); no case is dated outside these years.
        raise bad_request(_("%(name)s must be between the years %(first)s and %(last)s.")
                          % {"name": name, "first": EARLIEST.year, "last": LATEST.year})
    return value


def parse_window(params: QueryDict, now: datetime) -> Window:
    start_raw, end_raw = (params.get("start_date") or "").strip(), (params.get("end_date") or "").strip()
    start = parse_w3c(start_raw, "start_date") if start_raw else None
    end = parse_w3c(end_raw, "end_date") if end_raw else None
    if start is None and end is None:
        return Window(now - WINDOW, now)
    start = start if start is not None else end - WINDOW
    end = end if end is not None else start + WINDOW
    if end < start:
        raise bad_request(_("end_date is before start_date."))
    if end - start > WINDOW:
        raise bad_request(_("start_date and end_date may not span more than 90 days."))
    return Window(start, end)


def _positive(params: QueryDict, name: str, default: int, maximum: int) -> int:
    raw = (params.get(name) or "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= maximum:
        raise bad_request(_("%(name)s must be a whole number from 1 to %(max)d.") % {"name": name, "max": maximum})
    return int(raw)


def parse_page(params: QueryDict) -> Page:
    size = _positive(params, "page_size", MAX_RESULTS, MAX_RESULTS)
    number = _positive(params, "page", 1, 1_000_000)
    return Page(number, size)


def _status_filter(params: QueryDict) -> Q:
    statuses = {s.lower() for s in _list(params, "status")}
    unknown = statuses - {"open", "closed"}
    if unknown:
        raise bad_request(_("status must be open or closed, or both separated by a comma."))
    if statuses == {"open"}:
        return Q(state__in=OPEN_STATES)
    if statuses == {"closed"}:
        return ~Q(state__in=OPEN_STATES)
    return Q()


def _service_filter(params: QueryDict) -> Q:
    codes = _list(params, "service_code")
    if not codes:
        return Q()
    # A case's service is its sub-type when it has one, else its category.
    return Q(subcategory__code__in=codes) | Q(subcategory__isnull=True, category__code__in=codes)


def request_queryset(params: QueryDict, now: datetime) -> tuple[QuerySet, Page | None]:
    """The cases a GET requests call returns, newest first, and the page to cut (None: all ids)."""
    ids = _list(params, "service_request_id")
    base = Case.objects.order_by("-received_at", "-pk")
    if ids:
        if len(ids) > MAX_IDS:
            raise bad_request(_("At most %(max)d service_request_id values at once.") % {"max": MAX_IDS})
        return base.filter(reference__in=[i.upper() for i in ids]), None
    page = parse_page(params)
    window = parse_window(params, now)
    qs = base.filter(received_at__gte=window.start, received_at__lte=window.end)
    return qs.filter(_status_filter(params)).filter(_service_filter(params)), page
