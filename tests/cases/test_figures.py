"""cases/figures: each public figure, against an independent count of the rows."""

from datetime import date, timedelta

import pytest

from cases import figures
from cases.actions import merge, reject
from cases.models import Case, CaseSource, Feedback
from cases.tracking import give_feedback
from tests.cms.helpers import batch, close_case, referral, task
from tests.figures_oracle import Oracle

TODAY = date(2026, 12, 7)


@pytest.fixture
def data(city, new_case):
    first, second = batch(number=1), batch(number=2)
    provincial = batch(CaseSource.PROVINCIAL, number=1)
    central = [referral(city, first) for _ in range(3)] + [referral(city, second) for _ in range(2)]
    prov = [referral(city, provincial) for _ in range(2)]
    close_case(central[0], city)
    close_case(central[3], city, late=True)
    close_case(prov[0], city)
    citizen = [new_case(), new_case(category=city.water_cat), new_case(), new_case(route=False),
               new_case(route=False)]
    reject(citizen[4], city.intake, "不属于本市管辖", "省生态环境厅")
    closed = close_case(citizen[0], city)
    give_feedback(closed, Feedback.Rating.UNSATISFIED, "", now=closed.replied_at + timedelta(hours=1))
    closed = close_case(citizen[1], city)
    give_feedback(closed, Feedback.Rating.SATISFIED, "", now=closed.replied_at + timedelta(hours=1))
    merge(citizen[3], city.intake, citizen[2])
    Case.objects.filter(pk=citizen[2].pk).update(is_overdue=True)
    task(1, city.env, verified=True)
    task(2, city.water, deadline="2026-01-31")
    task(3, city.build, deadline="2027-12-31", milestones=((("方案", "2027-06-30"), False),))
    return central, prov, citizen


def test_case_figures_are_independent_counts(data):
    oracle = Oracle(task_badges=_badges(TODAY)).values
    snap = figures.all_figures(TODAY)
    for key in ("central", "provincial"):
        for name, value in snap["referrals"][key].items():
            assert str(value) == oracle[f"{key}.{name}"], (key, name)
    for row in snap["batches"]:
        prefix = f"batch.{row['source']}.{row['number']}"
        for name in ("received", "closed", "stage_closed", "rejected", "in_progress", "overdue"):
            assert str(row[name]) == oracle[f"{prefix}.{name}"], (prefix, name)
    citizen = snap["citizen"]
    for name in ("received", "closed", "in_progress", "overdue"):
        assert str(citizen[name]) == oracle[f"citizen.{name}"], name
    assert str(citizen["on_time"]["percent"]) == oracle["citizen.on_time"]
    assert str(citizen["satisfaction"]["percent"]) == oracle["citizen.satisfaction"]
    assert str(snap["all_cases"]["closure"]["percent"]) == oracle["all.closure"]
    assert str(snap["all_cases"]["on_time"]["percent"]) == oracle["all.on_time"]
    assert str(snap["public_cases"]) == oracle["public_cases"]


def test_the_numbers_of_the_example(data):
    central = figures.referral_figures(CaseSource.CENTRAL)
    # 5 received: 2 closed (one late), 3 in progress.
    assert (central.received, central.closed, central.rejected, central.in_progress) == (5, 2, 0, 3)
    assert central.received == central.closed + central.stage_closed + central.rejected + central.in_progress
    per_batch = {b.number: f for b, f in figures.batch_figures() if b.source == CaseSource.CENTRAL}
    assert (per_batch[1].received, per_batch[2].received) == (3, 2)
    citizen = figures.citizen_figures()
    # The merged duplicate is not counted; the rejected report is, as not accepted.
    assert (citizen.received, citizen.closed, citizen.rejected, citizen.overdue) == (4, 2, 1, 1)
    assert (citizen.satisfaction.part, citizen.satisfaction.whole) == (1, 2)
    assert figures.on_time_rate().percent == 80.0  # 5 closed with a handling clock, one late
    assert figures.closure_rate().percent == 50.0  # 5 of the 10 cases that were not rejected


def test_task_figures_follow_the_programme_status(data):
    tasks = figures.task_figures(TODAY)
    assert (tasks.total, tasks.completed, tasks.overdue, tasks.in_progress) == (3, 1, 1, 2)
    assert tasks.on_schedule + tasks.at_risk == 1
    assert sum(tasks.by_status().values()) == tasks.total
    assert figures.task_figures(date(2025, 1, 2)).overdue == 0  # before any deadline


def test_empty_database_gives_zeros_and_no_rates(db):
    snap = figures.all_figures(TODAY)
    assert snap["tasks"]["total"] == 0 and snap["referrals"]["central"]["received"] == 0
    assert snap["all_cases"]["closure"]["percent"] is None
    assert snap["citizen"]["satisfaction"]["percent"] is None
    assert snap["supervision"]["issued"] == 0 and snap["supervision"]["overdue"] == 0
    assert snap["accountability"] == {"records": 0, "units": 0, "persons": 0, "by_form": {}, "wording": ""}


def _badges(today):
    from collections import Counter

    from cases.models import Milestone, RectificationTask

    return Counter(figures.task_status(t, list(Milestone.objects.filter(task=t)), today)
                   for t in RectificationTask.objects.all())
