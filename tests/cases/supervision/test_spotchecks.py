"""Spot checks (回头看): reproducible draws, bad criteria, outcomes, relapse reopening."""

import pytest
from django.core.exceptions import ValidationError

from cases import actions, results
from cases.lifecycle import NotPermitted, WorkflowError
from cases.models import CaseEvent, OrderLevel, SpotCheck, SpotCheckRound, SupervisionOrder
from cases.supervision.spotchecks import draw, draw_monthly_round, draw_round, record_outcome
from tests.cases.conftest import T0

pytestmark = pytest.mark.django_db


def close_case(case, city, at=T0):
    actions.accept(case, city.env_handler, now=at)
    results.submit_result(case, city.env_handler, findings="属实", reply="已整改", now=at)
    return results.close(case, city.intake, now=at)


@pytest.fixture
def closed(city, new_case):
    return [close_case(new_case(), city) for _ in range(6)]


def test_draw_is_a_pure_function_of_population_size_and_seed():
    ids = list(range(1, 200))
    assert draw(ids, 10, 42) == draw(list(reversed(ids)), 10, 42)
    assert draw(ids, 10, 42) != draw(ids, 10, 43)
    assert len(set(draw(ids, 10, 42))) == 10


def test_same_seed_gives_the_same_sample_and_the_seed_is_recorded(city, closed):
    first = draw_round(city.supervisor, name="第一轮", share_percent=50, seed=20260307, now=T0)
    again = draw_round(city.supervisor, name="复核", share_percent=50, seed=20260307, now=T0)
    picked = sorted(first.items.values_list("case_id", flat=True))
    assert len(picked) == 3 and set(picked) <= {c.pk for c in closed}
    assert sorted(again.items.values_list("case_id", flat=True)) == picked
    assert first.seed == 20260307 and first.population_size == 6 and first.sample_size == 3
    unseeded = draw_round(city.supervisor, name="随机", sample_size=2, now=T0)
    assert unseeded.seed > 0 and unseeded.items.count() == 2


@pytest.mark.parametrize("kwargs, field", [
    ({"share_percent": 0}, "share_percent"),
    ({"share_percent": 150}, "share_percent"),
    ({"share_percent": -5}, "share_percent"),
    ({"sample_size": 7}, "sample_size"),  # 6 closed cases
    ({"share_percent": 10, "sample_size": 2}, "share_percent"),
    ({"name": " ", "sample_size": 1}, "name"),
])
def test_bad_criteria_are_refused_and_nothing_is_drawn(city, closed, kwargs, field):
    args = {"name": "第二轮", **kwargs}
    with pytest.raises(ValidationError) as exc:
        draw_round(city.supervisor, now=T0, **args)
    assert field in exc.value.message_dict
    assert SpotCheckRound.objects.count() == 0 and SpotCheck.objects.count() == 0


def test_a_round_name_is_drawn_once_and_filters_narrow_the_population(city, closed):
    draw_round(city.supervisor, name="第三轮", sample_size=1, now=T0)
    with pytest.raises(ValidationError, match="已经抽取过"):
        draw_round(city.supervisor, name="第三轮", sample_size=1, now=T0)
    with pytest.raises(ValidationError):
        draw_round(city.supervisor, name="水", sample_size=1, category=city.water_cat, now=T0)
    by_dept = draw_round(city.supervisor, name="生态环境局", share_percent=100, department=city.env, now=T0)
    assert by_dept.items.count() == 6
    with pytest.raises(NotPermitted):
        draw_round(city.env_handler, name="x", sample_size=1, now=T0)


def test_relapse_reopens_the_case_with_a_public_event_and_can_raise_an_order(city, closed):
    rnd = draw_round(city.supervisor, name="第四轮", sample_size=2, seed=7, now=T0)
    ok, bad = list(rnd.items.select_related("case"))
    with pytest.raises(NotPermitted):
        record_outcome(ok, city.env_handler, "confirmed", "无异味")
    with pytest.raises(ValidationError):
        record_outcome(ok, city.supervisor, "confirmed", " ")
    record_outcome(ok, city.supervisor, "confirmed", "现场无异味", now=T0)
    with pytest.raises(WorkflowError):
        record_outcome(ok, city.supervisor, "relapse", "再查", now=T0)
    record_outcome(bad, city.supervisor, "relapse", "夜间再次出现异味", raise_order=True, now=T0)
    bad.case.refresh_from_db()
    assert bad.case.state == "in_progress" and bad.case.reopen_count == 1
    reopened = bad.case.events.get(kind="reopened")
    assert reopened.is_public and "夜间再次出现异味" in reopened.public_text
    order = SupervisionOrder.objects.get(case=bad.case)
    assert order.level == OrderLevel.SUPERVISION and list(order.departments.all()) == [city.env]
    assert CaseEvent.objects.filter(kind="spot_check_confirmed").count() == 1


def test_assigned_department_records_its_re_inspection(city, closed):
    from cases.supervision.spotchecks import assign

    rnd = draw_round(city.supervisor, name="第五轮", sample_size=1, now=T0)
    item = rnd.items.get()
    with pytest.raises(NotPermitted):
        record_outcome(item, city.water_handler, "not_verifiable", "企业已搬迁")
    assign(item, city.supervisor, city.water)
    done = record_outcome(item, city.water_handler, "not_verifiable", "企业已搬迁", now=T0)
    assert done.outcome == "not_verifiable" and done.checked_by == city.water_handler


def test_monthly_schedule_draws_once_a_month(city, closed):
    first = draw_monthly_round(now=T0)
    assert first is not None and first.items.count() == 1 and first.drawn_by is None
    assert draw_monthly_round(now=T0) is None


def test_command_draws_a_round_and_refuses_bad_criteria(city, closed):
    import io

    from django.core.management import CommandError, call_command

    out = io.StringIO()
    call_command("draw_spot_check", "命令抽查", "--share", "50", "--seed", "5", stdout=out)
    rnd = SpotCheckRound.objects.get(name="命令抽查")
    assert "seed 5" in out.getvalue() and rnd.items.count() == 3 and rnd.drawn_by is None
    with pytest.raises(CommandError):
        call_command("draw_spot_check", "太多", "--size", "99", stdout=io.StringIO())
