"""Working days on the 2026 State Council schedule; uncovered years raise."""

from datetime import date, datetime

import pytest

from cases.calendar import CalendarNotCovered, WorkCalendar, due_after, load_calendar
from cases.deadlines import Policy, clock_times
from tests import factories as f
from tests.cases.conftest import SH

d = date.fromisoformat


@pytest.fixture
def cal(db):
    f.calendar()
    return load_calendar()


@pytest.mark.parametrize("day, working", [
    ("2026-01-01", False), ("2026-01-02", False), ("2026-01-04", True),  # Sunday make-up day
    ("2026-02-14", True), ("2026-02-16", False), ("2026-02-23", False), ("2026-02-28", True),
    ("2026-05-05", False), ("2026-05-09", True), ("2026-06-19", False), ("2026-09-20", True),
    ("2026-09-25", False), ("2026-10-01", False), ("2026-10-07", False), ("2026-10-08", True),
    ("2026-10-10", True), ("2026-10-11", False), ("2026-03-02", True), ("2026-03-07", False),
])
def test_2026_official_schedule(cal, day, working):
    assert cal.is_working_day(d(day)) is working


def test_national_day_week(cal):
    # Friday 2026-09-25 is the Mid-Autumn holiday; Sunday 09-20 is a make-up day.
    assert cal.add_working_days(d("2026-09-29"), 1) == d("2026-09-30")
    assert cal.add_working_days(d("2026-09-30"), 1) == d("2026-10-08")  # whole Golden Week skipped
    assert cal.add_working_days(d("2026-09-30"), 3) == d("2026-10-10")  # Saturday make-up day counts
    assert cal.working_days_between(d("2026-09-30"), d("2026-10-10")) == 3


def test_spring_festival(cal):
    assert cal.add_working_days(d("2026-02-13"), 1) == d("2026-02-14")  # Saturday make-up day
    assert cal.add_working_days(d("2026-02-14"), 1) == d("2026-02-24")
    assert cal.add_working_days(d("2026-02-24"), -1) == d("2026-02-14")


def test_due_times_are_end_of_day_in_shanghai(cal):
    start = datetime(2026, 9, 30, 16, 0, tzinfo=SH)
    assert due_after(cal, start, 2, "working") == datetime(2026, 10, 9, 23, 59, 59, tzinfo=SH)
    assert due_after(cal, start, 15, "calendar") == datetime(2026, 10, 15, 23, 59, 59, tzinfo=SH)


def test_statutory_limit_caps_working_days(cal):
    start = datetime(2026, 1, 5, 9, 0, tzinfo=SH)
    times = clock_times(cal, start, Policy(60, "working", statutory_limit_days=60))
    assert times.due_at == datetime(2026, 3, 6, 23, 59, 59, tzinfo=SH)  # 60 calendar days, not 60 working
    assert times.warn_at < times.due_at < times.escalate_at


def test_uncovered_year_raises():
    cal = WorkCalendar(years=frozenset({2026}), holidays=frozenset(), workdays=frozenset())
    with pytest.raises(CalendarNotCovered) as err:
        cal.add_working_days(d("2026-12-30"), 5)
    assert err.value.year == 2027
    with pytest.raises(CalendarNotCovered):
        due_after(cal, datetime(2026, 12, 20, tzinfo=SH), 20, "calendar")


def test_report_is_never_lost_for_a_missing_year(city, new_case):
    from cases.models import WorkCalendarYear

    WorkCalendarYear.objects.filter(year=2027).delete()
    case = new_case(now=datetime(2026, 12, 30, 10, 0, tzinfo=SH))
    assert case.pk and case.events.filter(kind="calendar_missing").exists()
    assert case.state == "submitted"  # left for the dispatch desk; admins see the error
