import re
from datetime import date, datetime
from io import StringIO

import holidays
import pytest
from django.core.management import CommandError, call_command

from cases.calendar import load_calendar
from cases.calendar_seed import (
    CalendarSeedError,
    official_years,
    package_year,
    seed_official_year,
    seed_provisional_year,
    years_lacking_make_up_days,
)
from cases.models import WorkCalendarDay, WorkCalendarYear

pytestmark = pytest.mark.django_db

# The State Council notices, as published (国办发明电〔2024〕12号, 国办发明电〔2025〕7号): the
# independent check that the package's data are the official schedules.
NOTICE_MAKE_UP_DAYS = {
    2025: {date(2025, 1, 26), date(2025, 2, 8), date(2025, 4, 27), date(2025, 9, 28), date(2025, 10, 11)},
    2026: {date(2026, 1, 4), date(2026, 2, 14), date(2026, 2, 28), date(2026, 5, 9), date(2026, 9, 20),
           date(2026, 10, 10)},
}
NOTICE_BREAKS_2026 = [("2026-01-01", "2026-01-03"), ("2026-02-15", "2026-02-23"), ("2026-04-04", "2026-04-06"),
                      ("2026-05-01", "2026-05-05"), ("2026-06-19", "2026-06-21"), ("2026-09-25", "2026-09-27"),
                      ("2026-10-01", "2026-10-07")]


def notice_weekdays_off_2026() -> set[date]:
    days = set()
    for first, last in NOTICE_BREAKS_2026:
        day = date.fromisoformat(first)
        while day <= date.fromisoformat(last):
            if day.weekday() < 5:
                days.add(day)
            day = date.fromordinal(day.toordinal() + 1)
    return days


@pytest.mark.parametrize("year", [2025, 2026])
def test_the_package_carries_the_state_council_make_up_days(year):
    assert {d for d, _name in package_year(year).workdays} == NOTICE_MAKE_UP_DAYS[year]


def test_seeded_2026_matches_the_notice_on_every_weekday():
    seed_official_year(2026)
    assert {d for d in days_of(2026, "holiday") if d.weekday() < 5} == notice_weekdays_off_2026()
    assert days_of(2026, "workday") == NOTICE_MAKE_UP_DAYS[2026]


def test_a_year_without_make_up_days_in_the_package_is_flagged_not_made_official():
    assert years_lacking_make_up_days([2026, 2027]) == [2027]
    with pytest.raises(CalendarSeedError, match="2027"):
        seed_official_year(2027)
    assert not WorkCalendarYear.objects.filter(year=2027).exists()


def test_calendar_seed_command_names_the_years_it_could_not_enter(time_machine):
    time_machine.move_to(datetime(2026, 12, 7, 10, 0), tick=False)
    out = StringIO()
    call_command("calendar_seed", stdout=out)
    assert "2027" in out.getvalue()
    assert not WorkCalendarYear.objects.filter(year=2027).exists()

SUBSTITUTED = re.compile(r"substituted from (\d{2})/(\d{2})/(\d{4})")


def days_of(year, kind):
    return set(WorkCalendarDay.objects.filter(date__year=year, kind=kind).values_list("date", flat=True))


def package_2026():
    return holidays.China(years=2026)  # English names: "Day off (substituted from 01/04/2026)"


def test_official_2026_days_off_match_the_holidays_package_on_weekdays():
    seed_official_year(2026)
    ours = {d for d in days_of(2026, "holiday") if d.weekday() < 5}
    theirs = {d for d in package_2026() if d.weekday() < 5}
    assert ours == theirs
    assert len(ours) == 19


def test_official_2026_make_up_workdays_are_the_packages_substituted_from_dates():
    seed_official_year(2026)
    substituted = {
        date(int(y), int(m), int(d))
        for name in package_2026().values()
        for m, d, y in SUBSTITUTED.findall(name)
    }
    assert len(substituted) == 6
    assert days_of(2026, "workday") == substituted
    assert all(d.weekday() >= 5 for d in substituted)  # make-up days fall on weekends


def test_official_year_is_not_provisional_and_gives_working_day_answers():
    seed_official_year(2026)
    year = WorkCalendarYear.objects.get(year=2026)
    assert not year.is_provisional and "holidays" in year.source and "国务院" in year.source
    cal = load_calendar()
    assert not cal.is_working_day(date(2026, 10, 5))  # National Day week, a Monday
    assert cal.is_working_day(date(2026, 10, 10))  # make-up Saturday


def test_seed_official_is_idempotent_and_keeps_hand_edits_of_official_years():
    first = seed_official_year(2026)
    count = WorkCalendarDay.objects.count()
    WorkCalendarDay.objects.filter(date=date(2026, 1, 1)).update(name="edited by hand")
    second = seed_official_year(2026)
    assert (first.action, second.action) == ("created", "unchanged")
    assert WorkCalendarDay.objects.count() == count
    assert WorkCalendarDay.objects.get(date=date(2026, 1, 1)).name == "edited by hand"


def test_provisional_2027_has_the_statutory_days_and_no_workdays():
    result = seed_provisional_year(2027)
    year = WorkCalendarYear.objects.get(year=2027)
    assert year.is_provisional and "holidays" in year.source
    expected = set(holidays.China(years=2027))
    assert days_of(2027, "holiday") == expected
    assert {date(2027, 1, 1), date(2027, 2, 8), date(2027, 10, 1)} <= expected
    assert days_of(2027, "workday") == set()
    assert result.holidays == len(expected)
    assert WorkCalendarDay.objects.get(date=date(2027, 1, 1)).name == "元旦"


def test_provisional_is_idempotent():
    seed_provisional_year(2027)
    rows = list(WorkCalendarDay.objects.order_by("date").values_list("date", "kind", "name"))
    again = seed_provisional_year(2027)
    assert again.action == "replaced"
    assert list(WorkCalendarDay.objects.order_by("date").values_list("date", "kind", "name")) == rows
    assert WorkCalendarYear.objects.filter(year=2027).count() == 1


def test_provisional_refuses_to_overwrite_an_official_year():
    seed_official_year(2026)
    before = days_of(2026, "workday")
    with pytest.raises(CalendarSeedError):
        seed_provisional_year(2026)
    assert days_of(2026, "workday") == before
    assert not WorkCalendarYear.objects.get(year=2026).is_provisional


def test_official_replaces_a_provisional_year_and_removes_guessed_days():
    seed_provisional_year(2026)
    WorkCalendarDay.objects.create(date=date(2026, 3, 3), kind="holiday", name="guess")
    result = seed_official_year(2026)
    assert result.action == "replaced"
    assert not WorkCalendarYear.objects.get(year=2026).is_provisional
    assert date(2026, 3, 3) not in days_of(2026, "holiday")
    assert {d for d in days_of(2026, "holiday") if d.weekday() < 5} == notice_weekdays_off_2026()
    assert days_of(2026, "workday") == NOTICE_MAKE_UP_DAYS[2026]


def test_provisional_days_drive_deadlines_without_make_up_days():
    seed_provisional_year(2027)
    cal = load_calendar()
    assert not cal.is_working_day(date(2027, 10, 4))
    assert cal.add_working_days(date(2027, 9, 30), 1) == date(2027, 10, 6)
    assert datetime(2027, 1, 1).year in cal.years


def test_calendar_seed_command_loads_every_official_year_twice_safely(time_machine):
    time_machine.move_to(datetime(2026, 12, 7, 10, 0), tick=False)
    assert official_years() == [2025, 2026]  # 2027's make-up days are not announced in this package
    out = StringIO()
    call_command("calendar_seed", stdout=out)
    call_command("calendar_seed", stdout=out)
    assert set(WorkCalendarYear.objects.values_list("year", flat=True)) == set(official_years())
    assert WorkCalendarDay.objects.filter(kind="workday").count() == 11  # 5 in 2025, 6 in 2026


def test_calendar_seed_command_rejects_an_unknown_year():
    with pytest.raises(CommandError):
        call_command("calendar_seed", "1999", stdout=StringIO())


def test_calendar_provisional_command():
    out = StringIO()
    call_command("calendar_provisional", "2027", stdout=out)
    assert "2027" in out.getvalue()
    assert WorkCalendarYear.objects.get(year=2027).is_provisional
    call_command("calendar_seed", "2026", stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("calendar_provisional", "2026", stdout=StringIO())
