"""The home page counters equal independent counts, and follow changes at once."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cases.models import CaseSource, RectificationTask
from cases.results import reopen
from cms.counters import live_counters
from tests.cms.helpers import batch, close_case, referral, task
from tests.figures_oracle import Oracle, ledger_statuses, shown_figures


def home_figures(client) -> dict[str, str]:
    return dict(shown_figures(client.get("/").content.decode()))


def check_home(client) -> dict[str, str]:
    """Every figure on the home page equals its independent count."""
    shown = shown_figures(client.get("/").content.decode())
    badges = ledger_statuses(client.get("/tasks/").content.decode())
    assert Oracle(badges).check("home", shown) >= 10
    return dict(shown)


@pytest.fixture
def data(city, new_case):
    central = batch()
    provincial = batch(CaseSource.PROVINCIAL)
    refs = [referral(city, central) for _ in range(4)] + [referral(city, provincial) for _ in range(2)]
    for case in refs[:3]:
        close_case(case, city)
    close_case(refs[4], city, late=True)
    citizen = [new_case(), new_case(category=city.water_cat), new_case()]
    close_case(citizen[0], city)
    task(1, city.env, verified=True)
    task(2, city.water, deadline="2026-01-31")  # not written off, deadline passed: overdue
    task(3, city.build)
    return refs, citizen


@pytest.mark.django_db
def test_counters_equal_independent_counts(client, tree, data):
    shown = check_home(client)
    assert (shown["central.received"], shown["central.closed"]) == ("4", "3")
    assert (shown["provincial.received"], shown["provincial.closed"]) == ("2", "1")
    # Task 2 is past its deadline, task 3 past its second milestone's due date: both late.
    assert (shown["tasks.total"], shown["tasks.completed"], shown["tasks.overdue"]) == ("3", "1", "2")
    assert shown["all.on_time"] == "80.0"  # 5 closed, the late provincial one was not on time


@pytest.mark.django_db
def test_home_and_ledger_agree_on_late_tasks(client, tree, city):
    """A task whose milestone is past due but whose deadline is not counts as late on
    both pages (the home page used to count only passed deadlines)."""
    task(1, city.env, deadline="2027-12-31", milestones=((("方案", "2026-01-31"), False),))
    task(2, city.water, deadline="2026-01-31")
    shown = check_home(client)
    assert shown["tasks.overdue"] == "2"
    ledger = dict(shown_figures(client.get("/tasks/").content.decode()))
    assert ledger["tasks.status.late"] == "2"


@pytest.mark.django_db
def test_a_case_change_changes_the_counters_at_once(client, tree, data, city):
    refs, _citizen = data
    before = live_counters()
    closed = close_case(refs[3], city)
    after = live_counters()
    assert after["central"].closed == before["central"].closed + 1
    assert check_home(client)["central.closed"] == "4"
    reopen(closed, city.intake, "复查发现问题反弹", kind="relapse", now=closed.closed_at + timedelta(days=1))
    assert live_counters()["central"].closed == before["central"].closed
    check_home(client)


@pytest.mark.django_db
def test_a_task_change_changes_the_counters_at_once(client, tree, data):
    assert live_counters()["tasks"].completed == 1
    RectificationTask.objects.filter(number=3).update(verified_at=timezone.now())
    assert live_counters()["tasks"].completed == 2
    assert check_home(client)["tasks.completed"] == "2"
