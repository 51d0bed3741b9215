"""Filling the work-calendar table (docs/product.md §6) from the `holidays` package.

The administrators' table is the source of truth; the package only seeds it.
`holidays.China` carries the statutory days off and, once the State Council has
announced a year's schedule, that year's make-up working days (`weekend_workdays`):

* a year whose make-up working days the package lists is *official*: days off and
  make-up days as announced (for 2025 and 2026 they equal the State Council notices
  国办发明电〔2024〕12号 and 国办发明电〔2025〕7号);
* a year whose make-up days the package does not list yet is *provisional*: statutory days
  off only. Deadlines can be computed, and /healthz warns until an administrator enters
  the make-up days and unticks "provisional" — or a later package release lists them
  and `calendar_seed` replaces the provisional year.

A year already in the table as official is never overwritten: administrators may have
corrected it. Both functions are idempotent and run in one transaction each.
"""

from dataclasses import dataclass
from datetime import date
from functools import cache

import holidays
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import WorkCalendarDay, WorkCalendarYear

# The portal's work starts in 2025; earlier years are never needed.
FIRST_YEAR = 2025
# Shown to administrators in the calendar screens, so in Chinese.
OFFICIAL_SOURCE = "holidays {version}：国务院放假安排（含调休上班日）"
PROVISIONAL_SOURCE = "holidays {version} 推算：仅含法定节假日，未含调休上班日"
MAKE_UP_NAME = "调休上班"


class CalendarSeedError(Exception):
    """The year cannot be seeded as asked; the message says why."""


@dataclass(frozen=True)
class SeedResult:
    year: int
    action: str  # "created", "replaced" (a provisional year rewritten), "unchanged"
    holidays: int
    workdays: int


@dataclass(frozen=True)
class PackageYear:
    """What the `holidays` package knows about one year."""

    year: int
    days_off: tuple[tuple[date, str], ...]
    workdays: tuple[tuple[date, str], ...]

    @property
    def has_make_up_days(self) -> bool:
        return bool(self.workdays)


@cache  # the package's data for a year never changes within a process
def package_year(year: int) -> PackageYear:
    known = holidays.China(years=year, language="zh_CN")
    workdays = sorted(d for d in getattr(known, "weekend_workdays", ()) if d.year == year)
    return PackageYear(year, tuple(sorted(known.items())), tuple((d, MAKE_UP_NAME) for d in workdays))


def official_years(until: int | None = None) -> list[int]:
    """Years from FIRST_YEAR to ``until`` (default: next year) whose make-up days the package lists."""
    until = until or timezone.localdate().year + 1
    return [year for year in range(FIRST_YEAR, until + 1) if package_year(year).has_make_up_days]


def years_lacking_make_up_days(years) -> list[int]:
    """The years the package knows holidays for but not yet the make-up working days."""
    return [year for year in years if not package_year(year).has_make_up_days]


@transaction.atomic
def seed_official_year(year: int) -> SeedResult:
    """Enter ``year`` as announced. A provisional row for the year is replaced; an official
    year already in the table is left alone."""
    known = package_year(year)
    if not known.has_make_up_days:
        raise CalendarSeedError(
            _("The holidays package (version %(version)s) does not list the make-up working days of "
              "%(year)s yet, so it cannot be entered as official. Enter it as provisional, or enter the "
              "State Council's schedule in the admin.") % {"year": year, "version": holidays.__version__})
    existing = WorkCalendarYear.objects.select_for_update().filter(year=year).first()
    if existing and not existing.is_provisional:
        return SeedResult(year, "unchanged", len(known.days_off), len(known.workdays))
    _replace_days(year, known.days_off, known.workdays)
    source = OFFICIAL_SOURCE.format(version=holidays.__version__)
    if existing:
        existing.is_provisional = False
        existing.source = source
        existing.save(update_fields=["is_provisional", "source"])
    else:
        WorkCalendarYear.objects.create(year=year, source=source, is_provisional=False)
    return SeedResult(year, "replaced" if existing else "created", len(known.days_off), len(known.workdays))


def statutory_days_off(year: int) -> tuple[tuple[date, str], ...]:
    """The days off the `holidays` package derives for China in `year`, named in Chinese."""
    return package_year(year).days_off


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
