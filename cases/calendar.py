"""Working-day arithmetic over the administrator-kept calendar (docs/product.md §6).

Pure functions over a `WorkCalendar` value; `load_calendar()` is the only part that
reads the database. A date in a year the calendar does not cover raises
`CalendarNotCovered` — never silently computed with weekends only.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from cases import refcache
from cases.models import WorkCalendarDay, WorkCalendarYear

SHANGHAI = ZoneInfo("Asia/Shanghai")


class CalendarNotCovered(Exception):
    def __init__(self, year: int):
        self.year = year
        super().__init__(f"The work calendar has no holiday schedule for {year}; an administrator must enter it.")


@dataclass(frozen=True)
class WorkCalendar:
    years: frozenset[int]
    holidays: frozenset[date]
    workdays: frozenset[date]

    def covers(self, day: date) -> bool:
        return day.year in self.years

    def is_working_day(self, day: date) -> bool:
        if day.year not in self.years:
            raise CalendarNotCovered(day.year)
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5

    def add_working_days(self, day: date, count: int) -> date:
        """The `count`-th working day after `day` (negative: before). 0 → `day` itself."""
        step = 1 if count >= 0 else -1
        remaining = abs(count)
        current = day
        while remaining:
            current += timedelta(days=step)
            if self.is_working_day(current):
                remaining -= 1
        return current

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]; negative when end < start."""
        if end < start:
            return -self.working_days_between(end, start)
        return sum(1 for i in range(1, (end - start).days + 1) if self.is_working_day(start + timedelta(days=i)))


def local_date(moment: datetime) -> date:
    return moment.astimezone(SHANGHAI).date()


def end_of_day(day: date) -> datetime:
    """Deadlines fall at the end of their day in Asia/Shanghai."""
    return datetime.combine(day, time(23, 59, 59), tzinfo=SHANGHAI)


def due_after(calendar: WorkCalendar, start: datetime, amount: int, unit: str) -> datetime:
    """Due time of a clock of `amount` working or calendar days started at `start`.

    Counting starts the day after receipt, as in the petition regulations; a
    calendar-day deadline that ends on a day off is not moved (statutory limits are
    calendar days), but its year must still be covered.
    """
    day = local_date(start)
    if unit == "working":
        return end_of_day(calendar.add_working_days(day, amount))
    due = day + timedelta(days=amount)
    if not calendar.covers(due):
        raise CalendarNotCovered(due.year)
    return end_of_day(due)


def shift_working_days(calendar: WorkCalendar, moment: datetime, count: int) -> datetime:
    """Same local time of day, `count` working days later (or earlier)."""
    local = moment.astimezone(SHANGHAI)
    day = calendar.add_working_days(local.date(), count)
    return datetime.combine(day, local.timetz())


def load_calendar() -> WorkCalendar:
    """The calendar, cached per process until an administrator edits it."""
    return refcache.load("calendar", _read_calendar)


def _read_calendar() -> WorkCalendar:
    years = frozenset(WorkCalendarYear.objects.values_list("year", flat=True))
    holidays, workdays = set(), set()
    for day, kind in WorkCalendarDay.objects.values_list("date", "kind"):
        (holidays if kind == WorkCalendarDay.Kind.HOLIDAY else workdays).add(day)
    return WorkCalendar(years=years, holidays=frozenset(holidays), workdays=frozenset(workdays))


def calendar_coverage_problem(start: date, end: date) -> str | None:
    """A message when any year between start and end is not in the calendar."""
    needed = set(range(start.year, end.year + 1))
    have = set(WorkCalendarYear.objects.filter(year__in=needed).values_list("year", flat=True))
    missing = sorted(needed - have)
    if missing:
        return "work calendar missing for " + ", ".join(str(y) for y in missing)
    return None


def provisional_years(start: date, end: date) -> list[int]:
    return sorted(WorkCalendarYear.objects.filter(
        year__range=(start.year, end.year), is_provisional=True).values_list("year", flat=True))
