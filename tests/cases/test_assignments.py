"""The assignment lifecycle (cases/assignments.py): table, version guard, events, and a real race."""

from datetime import timedelta

import pytest

from cases import actions, results, roles
from cases.assignments import ASSIGNMENT_LIFECYCLE, TRANSITIONS, MoveLog, move
from cases.lifecycle import ConflictError, ForbiddenTransition
from cases.models import Assignment, CaseEvent
from tests import factories as f
from tests.cases.conftest import T0
from tests.race import race

H = timedelta(hours=1)
A = Assignment.State


def joint_case(city, new_case):
    """Lead 市生态环境局, co-department 市水利局, both waiting for acceptance."""
    return actions.dispatch(new_case(category=city.other, lng=117.15, route=False), city.intake, city.env,
                            [city.water], now=T0)


def part(case, department) -> Assignment:
    return Assignment.objects.get(case=case, department=department, is_active=True)


def test_table_names_every_state_it_moves_between():
    states = set(A.values)
    for action, (sources, target) in TRANSITIONS.items():
        assert sources and sources <= states, action
        assert target in states, action
    assert A.WORKING <= A.CURRENT <= states
    # A finished part is never worked on again except through the case's reopening.
    assert ASSIGNMENT_LIFECYCLE.actions_from(A.DONE) == ["return", "transfer", "cancel", "reopen"]


@pytest.mark.django_db
def test_a_move_outside_the_table_changes_nothing(city, new_case):
    case = joint_case(city, new_case)
    co = part(case, city.water)
    with pytest.raises(ForbiddenTransition):
        move(co, "reopen", T0, MoveLog())
    co.refresh_from_db()
    assert (co.state, co.version) == (A.ASSIGNED, 0)


@pytest.mark.django_db
def test_a_stale_assignment_version_is_a_conflict(city, new_case):
    case = joint_case(city, new_case)
    co = part(case, city.water)
    log = MoveLog()
    move(co, "accept", T0, log, expected_version=0, accepted_at=T0)
    with pytest.raises(ConflictError):
        move(co, "submit_part", T0, MoveLog(), expected_version=0)
    co.refresh_from_db()
    assert (co.state, co.version, co.accepted_at) == (A.ACCEPTED, 1, T0)
    assert log.moves == [{"assignment": co.pk, "department": city.water.pk, "from": A.ASSIGNED, "to": A.ACCEPTED}]


@pytest.mark.django_db
def test_case_verbs_move_the_parts_and_their_event_lists_the_moves(city, new_case):
    case = joint_case(city, new_case)
    lead, co = part(case, city.env), part(case, city.water)
    actions.accept(case, city.env_handler, now=T0 + H)
    lead.refresh_from_db()
    assert (lead.state, lead.version) == (A.ACCEPTED, 1)
    accepted = CaseEvent.objects.get(case=case, kind="accepted")
    assert accepted.data["assignments"] == [
        {"assignment": lead.pk, "department": city.env.pk, "from": A.ASSIGNED, "to": A.ACCEPTED}]

    actions.transfer(case, city.intake, city.water, "属水利局职责", now=T0 + 2 * H)
    lead.refresh_from_db()
    co.refresh_from_db()
    assert (lead.state, lead.is_active) == (A.TRANSFERRED, False)
    assert (co.state, co.is_active) == (A.CANCELLED, False)  # the new lead's co part ends
    moves = CaseEvent.objects.get(case=case, kind="transferred").data["assignments"]
    assert [(m["assignment"], m["to"]) for m in moves] == [(lead.pk, A.TRANSFERRED), (co.pk, A.CANCELLED)]


@pytest.mark.django_db
def test_co_department_verbs_write_their_own_event_in_the_same_transaction(city, new_case):
    case = joint_case(city, new_case)
    results.accept_part(case, city.water_handler, now=T0 + H)
    co = part(case, city.water)
    event = CaseEvent.objects.get(case=case, kind="co_accepted")
    assert (co.state, co.version) == (A.ACCEPTED, 1)
    assert event.data == {"assignment": co.pk, "from": A.ASSIGNED, "to": A.ACCEPTED}
    with pytest.raises(ForbiddenTransition):
        results.accept_part(case, city.water_handler, now=T0 + 2 * H)
    assert CaseEvent.objects.filter(case=case, kind="co_accepted").count() == 1


@pytest.mark.django_db
def test_closing_finishes_every_working_part_and_reopening_revives_the_lead(city, new_case):
    case = joint_case(city, new_case)
    actions.accept(case, city.env_handler, now=T0 + H)
    results.submit_result(case, city.env_handler, findings="核查属实", reply="已整改", now=T0 + 2 * H)
    results.close(case, city.intake, now=T0 + 3 * H)
    assert set(Assignment.objects.filter(case=case).values_list("state", flat=True)) == {A.DONE}
    results.reopen(case, city.intake, "复查发现问题反弹", kind="relapse", now=T0 + 4 * H)
    lead, co = part(case, city.env), part(case, city.water)
    assert (lead.state, lead.finished_at) == (A.ACCEPTED, None)
    assert co.state == A.DONE  # the co part was handed in; reopening does not ask for it again


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_handlers_accepting_one_part_at_once_one_wins(city, new_case):
    """Two connections, the row lock and the compare-and-set: one acceptance, one event, one clock."""
    case = joint_case(city, new_case)
    second = f.user("water_handler_2", roles.HANDLER, city.water)
    handlers = [city.water_handler, second]
    outcomes = race(2, lambda i: results.accept_part(case, handlers[i], now=T0 + H))
    wins = [o for o in outcomes if isinstance(o, Assignment)]
    losses = [o for o in outcomes if isinstance(o, ForbiddenTransition | ConflictError)]
    assert len(wins) == 1 and len(losses) == 1, outcomes
    co = part(case, city.water)
    assert (co.state, co.version) == (A.ACCEPTED, 1)
    assert CaseEvent.objects.filter(case=case, kind="co_accepted").count() == 1
    assert co.clocks.filter(kind="handling").count() == 1
