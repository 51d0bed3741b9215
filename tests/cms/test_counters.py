"""The home page counters equal independent counts, and follow changes at once."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cases.models import Case, CaseSource, CaseState, Clock, ClockKind, RectificationTask
from cases.results import reopen
from cms.counters import live_counters
from tests.cms.helpers import batch, close_case, referral, task


def independent_counts(today) -> dict:
    """The same definitions as cms/counters.py, counted in Python from the rows."""
    cases = [c for c in Case.objects.all() if c.state != CaseState.MERGED]
    tasks = list(RectificationTask.objects.all())

    def per(source):
        rows = [c for c in cases if c.source == source]
        return (len(rows), sum(c.state == CaseState.CLOSED for c in rows),
                sum(c.state == CaseState.STAGE_CLOSED for c in rows))

    finished = [c for c in cases if c.state in (CaseState.CLOSED, CaseState.STAGE_CLOSED)]
    counted = [c for c in cases if c.state != CaseState.REJECTED]
    timed, on_time = 0, 0
    for c in finished:
        clocks = list(Clock.objects.filter(case=c, kind=ClockKind.HANDLING))
        if clocks:
            timed += 1
            on_time += all(k.stopped_at and k.stopped_at <= k.due_at for k in clocks)
    citizen = [c for c in cases if c.source not in (CaseSource.CENTRAL, CaseSource.PROVINCIAL)]
    return {
        "tasks": (len(tasks), sum(bool(t.verified_at) for t in tasks),
                  sum(not t.verified_at and t.deadline < today for t in tasks)),
        "central": per(CaseSource.CENTRAL), "provincial": per(CaseSource.PROVINCIAL),
        "citizen": (len(citizen), sum(c.state == CaseState.CLOSED for c in citizen)),
        "closure": round(100 * len(finished) / len(counted), 1) if counted else None,
        "on_time": round(100 * on_time / timed, 1) if timed else None,
    }


def shown(counters) -> dict:
    r = counters["referrals"]
    return {
        "tasks": (counters["tasks"]["total"], counters["tasks"]["completed"], counters["tasks"]["overdue"]),
        "central": (r["central"]["total"], r["central"]["closed"], r["central"]["stage_closed"]),
        "provincial": (r["provincial"]["total"], r["provincial"]["closed"], r["provincial"]["stage_closed"]),
        "citizen": (r["citizen"]["total"], r["citizen"]["closed"]),
        "closure": counters["rates"]["closure"], "on_time": counters["rates"]["on_time"],
    }


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
def test_counters_equal_independent_counts(data):
    today = timezone.localdate()
    counters = live_counters(today)
    assert shown(counters) == independent_counts(today)
    assert shown(counters)["central"] == (4, 3, 0)
    assert shown(counters)["provincial"] == (2, 1, 0)
    assert shown(counters)["tasks"] == (3, 1, 1)
    assert counters["rates"]["on_time"] == 80.0  # 5 closed, the late provincial one was not on time


@pytest.mark.django_db
def test_home_page_shows_the_counters(client, tree, data):
    html = client.get("/").content.decode()
    assert '<span class="counter-number">1/3</span>' in html.split('data-counter="tasks"')[1]
    assert '<span class="counter-number">3/4</span>' in html
    assert '<span class="counter-number">1/2</span>' in html
    assert '<span class="counter-number">1/3</span>' in html


@pytest.mark.django_db
def test_a_case_change_changes_the_counters_at_once(client, tree, data, city):
    refs, _citizen = data
    before = live_counters()
    closed = close_case(refs[3], city)
    after = live_counters()
    assert after["referrals"]["central"]["closed"] == before["referrals"]["central"]["closed"] + 1
    assert '<span class="counter-number">4/4</span>' in client.get("/").content.decode()
    reopen(closed, city.intake, "复查发现问题反弹", kind="relapse", now=closed.closed_at + timedelta(days=1))
    assert live_counters()["referrals"]["central"]["closed"] == before["referrals"]["central"]["closed"]
    assert shown(live_counters()) == independent_counts(timezone.localdate())


@pytest.mark.django_db
def test_a_task_change_changes_the_counters_at_once(client, tree, data):
    assert live_counters()["tasks"]["completed"] == 1
    RectificationTask.objects.filter(number=3).update(verified_at=timezone.now())
    assert live_counters()["tasks"]["completed"] == 2
    assert '<span class="counter-number">2/3</span>' in client.get("/").content.decode()
