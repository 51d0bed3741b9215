"""Filling the work-calendar table (PRODUCT §6).

Official years come from the State Council notices transcribed in
cases/data/cn_calendar.py. A year whose notice is not out yet can be added as
*provisional*: the statutory days off the `holidays` package derives from the
rules, without make-up working days (nobody knows them yet). Deadlines can then be
computed, and /healthz warns until an administrator enters the official schedule.

Both functions are idempotent and run in one transaction each.
"""

from dataclasses import dataclass
from datetime import date

import holidays
from django.db import transaction
from django.utils.translation import gettext as _

from cases.data.cn_calendar import SCHEDULES, official_days
from cases.models import WorkCalendarDay, WorkCalendarYear

# Shown to administrators next to the official "国办发明电" references, so in Chinese.
PROVISIONAL_SOURCE = "holidays {version} 推算：仅含法定节假日，未含调休上班日"


class CalendarSeedError(Exception):
    """The year cannot be seeded as asked; the message says why."""


@dataclass(frozen=True)
class SeedResult:
    year: int
    action: str  # "created", "replaced" (a provisional year rewritten), "unchanged"
    holidays: int
    workdays: int


def official_years() -> list[int]:
    return sorted(SCHEDULES)


@transaction.atomic
def seed_official_year(year: int) -> SeedResult:
    """Enter an official year from the bundled notices.

    A provisional row for the year is replaced. An official year already in the
    table is left alone: administrators may have corrected it by hand.
    """
    if year not in SCHEDULES:
        raise CalendarSeedError(
            _("No official holiday schedule for %(year)s is bundled with the portal.") % {"year": year})
    holiday_days, workdays = official_days(year)
    existing = WorkCalendarYear.objects.select_for_update().filter(year=year).first()
    if existing and not existing.is_provisional:
        return SeedResult(year, "unchanged", len(holiday_days), len(workdays))
    _replace_days(year, holiday_days, workdays)
    source = SCHEDULES[year]["source"]
    if existing:
        existing.is_provisional = False
        existing.source = source
        existing.save(update_fields=["is_provisional", "source"])
    else:
        WorkCalendarYear.objects.create(year=year, source=source, is_provisional=False)
    return SeedResult(year, "replaced" if existing else "created", len(holiday_days), len(workdays))


def statutory_days_off(year: int) -> list[tuple[date, str]]:
    """The days off the `holidays` package derives for China in `year`, named in Chinese."""
    known = holidays.China(years=year, language="zh_CN")
    return sorted(known.items())


@transaction.atomic
def seed_provisional_year(year: int) -> SeedResult:
    """Enter `year` as provisional: statutory days off only.

    Refuses to touch a year already entered as official. Re-running rewrites a
    provisional year from the package (idempotent).
    """
    existing = WorkCalendarYear.objects.select_for_update().filter(year=year).first()
    if existing and not existing.is_provisional:
        raise CalendarSeedError(
            _("%(year)s is already in the work calendar as an official year; a provisional year "
              "would overwrite it. Edit its days in the admin instead.") % {"year": year}
        )
    days_off = statutory_days_off(year)
    if not days_off:
        raise CalendarSeedError(
            _("The holidays package knows no Chinese public holidays for %(year)s.") % {"year": year})
    _replace_days(year, days_off, [])
    source = PROVISIONAL_SOURCE.format(version=holidays.__version__)
    if existing:
        existing.source = source
        existing.save(update_fields=["source"])
    else:
        WorkCalendarYear.objects.create(year=year, source=source, is_provisional=True)
    return SeedResult(year, "replaced" if existing else "created", len(days_off), 0)


def _replace_days(year: int, holiday_days, workdays) -> None:
    wanted = {d: (WorkCalendarDay.Kind.HOLIDAY, name) for d, name in holiday_days}
    wanted.update({d: (WorkCalendarDay.Kind.WORKDAY, name) for d, name in workdays})
    stale = WorkCalendarDay.objects.filter(date__year=year).exclude(date__in=list(wanted))
    stale.delete()
    for day, (kind, name) in wanted.items():
        WorkCalendarDay.objects.update_or_create(date=day, defaults={"kind": kind, "name": name[:60]})
