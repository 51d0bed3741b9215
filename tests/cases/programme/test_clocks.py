"""Milestone and task warnings / overdue flags: events and e-mails, once per crossing."""

from datetime import date

import pytest

from cases.calendar import load_calendar
from cases.models import Notification, TaskEvent
from cases.programme import ledger, progress
from cases.programme.clocks import crossing, sweep_programme
from tests.cases.programme.conftest import T0, at, scheduled_task

pytestmark = pytest.mark.django_db


def test_crossing_counts_working_days(city):
    cal = load_calendar()
    due = date(2026, 10, 12)  # 3 working days back: 10-10 (make-up Saturday), 10-09, 10-08
    assert crossing(cal, due, date(2026, 10, 7)) is None
    assert crossing(cal, due, date(2026, 10, 8)) == "warning"
    assert crossing(cal, due, date(2026, 10, 12)) == "warning"
    assert crossing(cal, due, date(2026, 10, 13)) == "overdue"


def test_sweep_warns_and_flags_overdue_once(city, office):
    task, m1, _m2 = scheduled_task(city, office)  # m1 due 2026-04-30 (lead), m2 2026-08-31
    assert sweep_programme(at("2026-04-24")) == {"warning": 0, "overdue": 0}
    assert sweep_programme(at("2026-04-27")) == {"warning": 1, "overdue": 0}
    assert sweep_programme(at("2026-04-28")) == {"warning": 0, "overdue": 0}  # once per crossing
    event = TaskEvent.objects.get(kind="deadline_warning")
    assert event.milestone == m1 and "2026-04-30" in event.text
    audiences = set(Notification.objects.values_list("audience", flat=True))
    assert audiences == {f"department:{city.env.pk}", f"department:{city.desk.pk}"}
    assert sweep_programme(at("2026-05-06")) == {"warning": 0, "overdue": 1}
    moved = ledger.set_milestone_due(m1, office, date(2026, 5, 29), expected_version=None, now=at("2026-05-06"))
    assert sweep_programme(at("2026-05-27")) == {"warning": 1, "overdue": 0}  # a new date warns again
    progress.report_done(moved, city.env_handler, now=at("2026-05-28"))
    progress.accept_milestone(moved, office, now=at("2026-05-28"))
    assert sweep_programme(at("2026-06-30")) == {"warning": 0, "overdue": 0}
    assert TaskEvent.objects.filter(kind__startswith="deadline_").count() == 3
    assert T0 < event.created_at
