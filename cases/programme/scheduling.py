"""Backward scheduling (倒排工期): milestone due dates counted back from the deadline.

``plan_backwards`` is pure (steps, deadline, today and the work calendar are arguments).
The last step is due on the deadline, or on the last working day before it when the
deadline is a day off (the plan says so: never a silent date). Each earlier step is due
a number of working days before the next one: the step's fixed ``working_days_before_next``,
or the next step's ``share`` (percent) of the working days from today to the deadline
(equal shares when the template gives none). A step that would fall before today, or in a
year the work calendar does not cover, makes the whole plan fail with a clear message.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cases.calendar import CalendarNotCovered, WorkCalendar


class ScheduleError(ValueError):
    """A schedule that cannot be made or accepted; str(exc) is shown to the office."""


@dataclass(frozen=True)
class Step:
    title: str
    share: int | None = None
    working_days_before_next: int | None = None


@dataclass(frozen=True)
class PlannedMilestone:
    title: str
    due_date: date
    note: str = ""


def _day(value: date) -> str:
    return date_format(value, "Y-m-d")


def not_covered_message(year: int) -> str:
    return _("The work calendar does not cover %(year)s yet, so no working day in it can be computed. "
             "An administrator must enter that year's holiday schedule first.") % {"year": year}


def plan_backwards(steps: Sequence[Step], deadline: date, today: date,
                   calendar: WorkCalendar) -> list[PlannedMilestone]:
    if not steps:
        raise ScheduleError(_("The template has no steps."))
    if deadline <= today:
        raise ScheduleError(_("The deadline %(day)s is not after today.") % {"day": _day(deadline)})
    try:
        return _plan(list(steps), deadline, today, calendar)
    except CalendarNotCovered as exc:
        raise ScheduleError(not_covered_message(exc.year)) from exc


def _plan(steps: list[Step], deadline: date, today: date, calendar: WorkCalendar) -> list[PlannedMilestone]:
    last_day, note = deadline, ""
    if not calendar.is_working_day(deadline):
        last_day = calendar.add_working_days(deadline, -1)
        note = _("The deadline %(day)s is not a working day; due on the working day before.") % {
            "day": _day(deadline)}
    total = calendar.working_days_between(today, last_day)
    shares = _shares(steps)
    planned = [PlannedMilestone(steps[-1].title, last_day, note)]
    for index in range(len(steps) - 2, -1, -1):
        step, following = steps[index], planned[0]
        gap = step.working_days_before_next
        if gap is None:
            gap = max(1, round(total * shares[index + 1] / 100))
        due = calendar.add_working_days(following.due_date, -gap)
        if due < today:
            raise ScheduleError(_(
                "“%(step)s” would be due on %(day)s, before today: the deadline leaves too little time "
                "for this template. Move the deadline or shorten the steps.") % {"step": step.title,
                                                                                 "day": _day(due)})
        planned.insert(0, PlannedMilestone(step.title, due))
    return planned


def _shares(steps: list[Step]) -> list[float]:
    given = [s.share for s in steps]
    if all(s is None for s in given):
        return [100 / len(steps)] * len(steps)
    return [float(s or 0) for s in given]


def check_dates(dates: Sequence[tuple[str, date]], deadline: date, today: date,
                calendar: WorkCalendar) -> list[tuple[str, str]]:
    """Problems with dates the office typed or adjusted: (title, message) pairs, empty when fine."""
    problems = []
    previous = None
    for title, due in dates:
        message = _date_problem(due, previous, deadline, today, calendar)
        if message:
            problems.append((title, message))
        previous = due
    return problems


def _date_problem(due: date, previous: date | None, deadline: date, today: date,
                  calendar: WorkCalendar) -> str:
    if due < today:
        return _("%(day)s is before today.") % {"day": _day(due)}
    if due > deadline:
        return _("%(day)s is after the task's deadline %(deadline)s.") % {"day": _day(due),
                                                                         "deadline": _day(deadline)}
    if previous is not None and due < previous:
        return _("%(day)s is before the previous milestone (%(previous)s): keep the order.") % {
            "day": _day(due), "previous": _day(previous)}
    try:
        if not calendar.is_working_day(due):
            return _("%(day)s is not a working day.") % {"day": _day(due)}
    except CalendarNotCovered as exc:
        return not_covered_message(exc.year)
    return ""
