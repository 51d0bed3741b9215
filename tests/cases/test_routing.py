"""Township lookup and rule precedence (docs/product.md §4.2 Routing)."""

import pytest

from cases.intake import IntakeError
from cases.models import CaseState
from cases.routing import choose_rule, invalidate_township_index, locate_township, route
from tests import factories as f


def test_point_in_polygon(city):
    assert locate_township(36.55, 117.05) == city.east
    assert locate_township(36.55, 117.15) == city.west
    assert locate_township(36.55, 118.5) is None  # outside the city
    assert locate_township(None, None) is None


def test_shared_border_is_deterministic(city):
    # lon 117.1 is the border of both squares: covered by both, within neither.
    assert locate_township(36.55, 117.1) == city.east  # lower (sort_order, code) wins
    city.west.sort_order = 0
    city.west.save()
    invalidate_township_index()
    assert locate_township(36.55, 117.1) == city.west


def test_corner_and_edge_points(city):
    assert locate_township(36.5, 117.0) == city.east  # south-west corner is covered
    lon, lat = city.west.boundary["coordinates"][0][2]  # north-east corner of the west square
    assert locate_township(lat, lon) == city.west


def test_boundary_edits_are_picked_up(city):
    city.east.boundary = f.square(118.0, 36.5)
    city.east.save()
    invalidate_township_index()
    assert locate_township(36.55, 117.05) is None
    assert locate_township(36.55, 118.05) == city.east


@pytest.mark.parametrize("category, township, expected, reason", [
    ("water_cat", "west", "build", "category+township"),
    ("water_cat", "east", "water", "category"),
    ("air", "east", "env", "category"),
    ("odour", "east", "env", "category"),  # a sub-type falls back to its parent's rule
    ("noise", "east", "build", "township"),
    ("noise", "west", None, "no_rule"),
    ("air", None, None, "no_township"),
])
def test_rule_precedence(city, category, township, expected, reason):
    decision = route(getattr(city, category), getattr(city, township) if township else None)
    assert decision.reason == reason
    assert decision.department == (getattr(city, expected) if expected else None)


def test_inactive_rule_or_department_is_ignored(city):
    rule = choose_rule(city.water_cat, city.west)
    rule.is_active = False
    rule.save()
    assert route(city.water_cat, city.west).department == city.water
    city.water.is_active = False
    city.water.save()
    assert route(city.water_cat, city.west).department is None


def test_co_departments_come_from_the_rule(city):
    rule = choose_rule(city.air, city.east)
    rule.co_departments.add(city.water)
    assert route(city.air, city.east).co_departments == (city.water,)


def test_submission_routes_or_waits_for_dispatch(city, new_case):
    routed = new_case(category=city.water_cat, lng=117.15)
    assert routed.state == CaseState.ASSIGNED and routed.lead_department == city.build
    assert routed.events.get(kind="auto_routed").data["rule"] == "category+township"
    waiting = new_case(category=city.noise, lng=117.15)
    assert waiting.state == CaseState.SUBMITTED and waiting.lead_department is None
    assert waiting.events.get(kind="routing_needed").data["reason"] == "no_rule"
    # Outside every township but inside the service area's margin: the dispatch desk decides.
    outside = new_case(category=city.air, lng=117.22)
    assert outside.state == CaseState.SUBMITTED and outside.township is None
    assert outside.events.get(kind="routing_needed").data["reason"] == "no_township"
    with pytest.raises(IntakeError) as refused:  # far outside the city: refused on every channel
        new_case(category=city.air, lng=118.5)
    assert refused.value.code == "outside_service_area"


def test_a_crash_in_routing_never_loses_the_report(city, new_case, monkeypatch, caplog):
    from cases.models import Assignment, CaseEvent, CaseState

    def crash(case, **_kw):
        Assignment.objects.create(case=case, department=city.env, role="lead", assigned_at=case.received_at)
        raise RuntimeError("a bug in a routing rule")

    monkeypatch.setattr("cases.pipeline.jobs.auto_route", crash)  # routing runs in cases.pipeline
    case = new_case()
    assert case.state == CaseState.SUBMITTED  # with the dispatch desk
    assert not Assignment.objects.filter(case=case).exists()  # the routing's writes were rolled back
    assert CaseEvent.objects.filter(case=case, kind="routing_needed").exists()
    assert "a bug in a routing rule" in caplog.text
