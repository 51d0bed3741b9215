"""Backward scheduling against the official 2026 work calendar (pure, no database)."""

from datetime import date

import pytest

from cases.calendar import WorkCalendar
from cases.data.cn_calendar import official_days
from cases.programme.scheduling import ScheduleError, Step, check_dates, plan_backwards


def official(*years) -> WorkCalendar:
    holidays, workdays = set(), set()
    for year in years:
        h, w = official_days(year)
        holidays |= {d for d, _ in h}
        workdays |= {d for d, _ in w}
    return WorkCalendar(years=frozenset(years), holidays=frozenset(holidays), workdays=frozenset(workdays))


CAL = official(2025, 2026)


def test_fixed_steps_cross_national_day_and_its_make_up_saturday():
    steps = [Step("制定方案", working_days_before_next=3), Step("自查自验", working_days_before_next=2),
             Step("申请销号")]
    plan = plan_backwards(steps, date(2026, 10, 13), date(2026, 9, 1), CAL)
    # 10-13 (Tue) ← 2 working days: 10-12 (Mon), 10-10 (make-up Saturday) → 10-10;
    # ← 3 working days: 10-09, 10-08, then 10-01..07 are holidays, 09-30 → 09-30.
    assert [p.due_date for p in plan] == [date(2026, 9, 30), date(2026, 10, 10), date(2026, 10, 13)]
    assert all(p.note == "" for p in plan)


def test_share_based_steps_cross_the_spring_festival():
    steps = [Step("制定方案", share=20), Step("组织实施", share=60), Step("申请销号", share=20)]
    plan = plan_backwards(steps, date(2026, 3, 31), date(2026, 1, 5), CAL)
    dues = [p.due_date for p in plan]
    assert dues[-1] == date(2026, 3, 31)
    # No due date lands in the Spring Festival break (02-15..02-23) or on a weekend.
    assert all(CAL.is_working_day(d) for d in dues)
    total = CAL.working_days_between(date(2026, 1, 5), date(2026, 3, 31))
    assert CAL.working_days_between(dues[1], dues[2]) == round(total * 0.2)
    assert CAL.working_days_between(dues[0], dues[1]) == round(total * 0.6)
    # The break costs working days: 60 % of them reaches back across it.
    assert dues[0] < date(2026, 2, 14) < dues[1]


def test_deadline_on_a_day_off_moves_back_with_a_note():
    plan = plan_backwards([Step("A", working_days_before_next=1), Step("B")], date(2026, 10, 3),
                          date(2026, 9, 1), CAL)
    assert plan[-1].due_date == date(2026, 9, 30) and "2026-10-03" in plan[-1].note
    assert plan[0].due_date == date(2026, 9, 29)


def test_a_year_the_calendar_does_not_cover_is_a_clear_error():
    with pytest.raises(ScheduleError, match="2027"):
        plan_backwards([Step("A", working_days_before_next=5), Step("B")], date(2027, 1, 8),
                       date(2026, 12, 1), CAL)


def test_steps_before_today_are_refused():
    with pytest.raises(ScheduleError, match="before today"):
        plan_backwards([Step("A", working_days_before_next=30), Step("B")], date(2026, 6, 30),
                       date(2026, 6, 1), CAL)
    with pytest.raises(ScheduleError):
        plan_backwards([Step("A")], date(2026, 5, 1), date(2026, 6, 1), CAL)


def test_adjusted_dates_are_checked():
    deadline, today = date(2026, 12, 31), date(2026, 9, 1)
    problems = dict(check_dates([("a", date(2026, 8, 1)), ("b", date(2026, 10, 1)), ("c", date(2026, 9, 30)),
                                 ("d", date(2027, 1, 5))], deadline, today, CAL))
    assert set(problems) == {"a", "b", "c", "d"}
    assert "before today" in problems["a"] and "not a working day" in problems["b"]
    assert "keep the order" in problems["c"] and "after the task" in problems["d"]
    assert check_dates([("a", date(2026, 10, 10)), ("b", date(2026, 12, 31))], deadline, today, CAL) == []
