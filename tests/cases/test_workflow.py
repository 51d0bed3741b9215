"""The lifecycle table, permissions, reasons, conflicts and events (PRODUCT §5)."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser

from cases import actions, results
from cases.models import Assignment, CaseEvent, CaseState, Clock, ReporterIdentity
from cases.workflow import (
    TRANSITIONS,
    ConflictError,
    ForbiddenTransition,
    MissingReason,
    NotPermitted,
    WorkflowError,
    allowed_actions,
)
from tests.cases.conftest import T0

H = timedelta(hours=1)


def snapshot(case):
    case.refresh_from_db()
    return (case.state, case.version, case.lead_department_id, CaseEvent.objects.filter(case=case).count(),
            Assignment.objects.filter(case=case).count(), Clock.objects.filter(case=case).count())


def to_in_progress(case, city):
    return actions.accept(case, city.env_handler, now=T0 + H)


def to_pending_review(case, city):
    to_in_progress(case, city)
    return results.submit_result(case, city.env_handler, findings="现场核查属实", reply="已责令整改",
                                 public_summary="企业已整改", now=T0 + 2 * H)


def test_transition_table_matches_product_section_5():
    edges = {(src, target) for _verb, (sources, target) in TRANSITIONS.items() for src in sources}
    expected = {
        ("submitted", "assigned"), ("submitted", "rejected"), ("submitted", "merged"),
        ("assigned", "in_progress"), ("assigned", "submitted"), ("in_progress", "pending_review"),
        ("pending_review", "in_progress"), ("pending_review", "closed"), ("pending_review", "stage_closed"),
        ("stage_closed", "closed"), ("closed", "in_progress"), ("in_progress", "assigned"),
        ("assigned", "merged"), ("in_progress", "merged"), ("pending_review", "merged"),
        ("assigned", "assigned"),  # the intake desk re-routes before the department accepts
    }
    assert edges == expected


def test_happy_path_writes_one_event_per_step(city, new_case):
    case = new_case()
    assert case.state == CaseState.ASSIGNED and case.lead_department == city.env
    case = to_pending_review(case, city)
    case = results.close(case, city.intake, now=T0 + 3 * H)
    assert case.state == CaseState.CLOSED and case.closed_at == T0 + 3 * H
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds == ["received", "auto_routed", "accepted", "result_submitted", "closed"]
    closed = case.events.get(kind="closed")
    assert closed.is_public and closed.public_text == "已责令整改" and closed.actor == city.intake
    assert not case.events.get(kind="result_submitted").is_public
    assert not Clock.objects.filter(case=case, stopped_at__isnull=True).exists()


def test_reject_needs_reason_and_tells_where_to_go(city, new_case):
    case = new_case(category=city.other, lng=117.15)
    assert case.state == CaseState.SUBMITTED
    before = snapshot(case)
    with pytest.raises(MissingReason):
        actions.reject(case, city.intake, "  ", "")
    assert snapshot(case) == before
    case = actions.reject(case, city.intake, "不属于生态环境问题", "市市场监督管理局 12315", now=T0 + H)
    assert case.state == CaseState.REJECTED
    assert "12315" in case.events.get(kind="rejected").public_text


@pytest.mark.parametrize("verb", ["close", "accept", "reopen", "submit_result", "send_back", "stage_close"])
def test_forbidden_transitions_change_nothing(city, new_case, verb):
    case = new_case(category=city.other, lng=117.15)  # submitted
    before = snapshot(case)
    calls = {
        "close": lambda: results.close(case, city.intake),
        "accept": lambda: actions.accept(case, city.env_handler),
        "reopen": lambda: results.reopen(case, city.intake, "复查"),
        "submit_result": lambda: results.submit_result(case, city.env_handler, findings="x", reply="y"),
        "send_back": lambda: results.send_back(case, city.intake, "补充材料"),
        "stage_close": lambda: results.stage_close(case, city.intake, task=object()),
    }
    with pytest.raises((ForbiddenTransition, NotPermitted, WorkflowError)):
        calls[verb]()
    assert snapshot(case) == before


def test_permissions_are_checked_in_the_service(city, new_case):
    case = new_case()  # assigned to env
    before = snapshot(case)
    for actor in (city.water_handler, city.editor, city.supervisor, city.intake, None):
        with pytest.raises(NotPermitted):
            actions.accept(case, actor)
    with pytest.raises(NotPermitted):
        actions.return_case(case, AnonymousUser(), "x")
    assert snapshot(case) == before
    to_in_progress(case, city)
    with pytest.raises(NotPermitted):
        actions.transfer(case, city.env_handler, city.water, "不是本部门职责")
    with pytest.raises(NotPermitted):
        results.submit_result(case, city.water_handler, findings="x", reply="y")


def test_head_approval_required_means_only_the_head_submits(city, new_case):
    city.env.head_approval_required = True
    city.env.save()
    case = to_in_progress(new_case(), city)
    with pytest.raises(NotPermitted):
        results.submit_result(case, city.env_handler, findings="x", reply="y")
    case = results.submit_result(case, city.env_head, findings="x", reply="y")
    assert case.state == CaseState.PENDING_REVIEW


def test_stale_version_is_a_conflict(city, new_case):
    case = new_case()
    version = case.version
    actions.accept(case, city.env_handler, expected_version=version, now=T0 + H)
    with pytest.raises(ConflictError):
        actions.return_case(case, city.env_handler, "重复", expected_version=version)


def test_return_sends_the_case_back_to_dispatch(city, new_case):
    case = new_case()
    with pytest.raises(MissingReason):
        actions.return_case(case, city.env_handler, "")
    case = actions.return_case(case, city.env_handler, "不属于本部门职责", now=T0 + H)
    assert case.state == CaseState.SUBMITTED and case.lead_department is None
    assert Clock.objects.filter(case=case, kind="dispatch", stopped_at__isnull=True).exists()
    assert not Assignment.objects.filter(case=case, is_active=True).exists()
    case = actions.dispatch(case, city.intake, city.water, now=T0 + 2 * H)
    assert case.state == CaseState.ASSIGNED and case.lead_department == city.water


def test_transfer_moves_the_lead(city, new_case):
    case = to_in_progress(new_case(), city)
    with pytest.raises(MissingReason):
        actions.transfer(case, city.intake, city.water, "")
    case = actions.transfer(case, city.intake, city.water, "涉及河道", now=T0 + 2 * H)
    assert case.state == CaseState.ASSIGNED and case.lead_department == city.water
    old = Assignment.objects.get(case=case, department=city.env)
    assert old.state == Assignment.State.TRANSFERRED and not old.is_active
    assert "transfer" not in allowed_actions(city.env_handler, case)
    assert allowed_actions(city.water_handler, case) == ["accept", "return"]


def test_send_back_and_reopen_need_reasons(city, new_case):
    case = to_pending_review(new_case(), city)
    with pytest.raises(MissingReason):
        results.send_back(case, city.intake, "")
    case = results.send_back(case, city.intake, "证据不足", now=T0 + 3 * H)
    assert case.state == CaseState.IN_PROGRESS
    case = results.submit_result(case, city.env_handler, findings="补充", reply="已整改", now=T0 + 4 * H)
    case = results.close(case, city.intake, now=T0 + 5 * H)
    with pytest.raises(MissingReason):
        results.reopen(case, city.intake, "")
    case = results.reopen(case, None, "气味复现", kind="review_request", now=T0 + 6 * H)
    assert case.state == CaseState.IN_PROGRESS and case.reopen_count == 1 and case.closed_at is None
    assert case.events.filter(kind="reopened", is_public=True).exists()


def test_stage_close_then_close(city, new_case):
    from cases.models import RectificationTask

    task = RectificationTask.objects.create(
        number=1, title="城区黑臭水体整治", problem="p", responsible_leader="王建国", lead_department=city.env,
        target="t", measures="m", start_date=T0.date(), deadline=T0.date() + timedelta(days=300))
    case = to_pending_review(new_case(), city)
    case = results.stage_close(case, city.intake, task, now=T0 + 3 * H)
    assert case.state == CaseState.STAGE_CLOSED and list(case.tasks.all()) == [task]
    case = results.close(case, city.intake, now=T0 + 4 * H)
    assert case.state == CaseState.CLOSED


def test_merge_moves_reporters_to_the_survivor(city, new_case):
    survivor = new_case()
    duplicate = new_case()
    case = actions.merge(duplicate, city.intake, survivor, note="同一企业", now=T0 + H)
    assert case.state == CaseState.MERGED and case.merged_into == survivor
    assert ReporterIdentity.objects.filter(case=survivor).count() == 2
    assert survivor.events.filter(kind="merged_in").exists()
    with pytest.raises(WorkflowError):
        actions.merge(survivor, city.intake, survivor)


def test_joint_case_cannot_be_submitted_while_a_co_department_is_overdue(city, new_case):
    case = new_case(category=city.other, lng=117.15, route=False)
    case = actions.dispatch(case, city.intake, city.env, [city.water], now=T0)
    assert sorted(Assignment.objects.filter(case=case).values_list("role", flat=True)) == ["co", "lead"]
    actions.accept(case, city.env_handler, now=T0 + H)
    results.accept_part(case, city.water_handler, now=T0 + H)
    late = T0 + timedelta(days=40)
    with pytest.raises(WorkflowError, match="市水利局"):
        results.submit_result(case, city.env_handler, findings="x", reply="y", now=late)
    case = results.submit_result(case, city.env_handler, findings="x", reply="y", co_note="水利局意见已电话确认",
                                 now=late)
    assert case.state == CaseState.PENDING_REVIEW
    assert case.events.get(kind="result_submitted").data["late_co_departments"] == [city.water.pk]


def test_co_department_part_is_recorded(city, new_case):
    case = actions.dispatch(new_case(category=city.other, lng=117.15, route=False), city.intake, city.env, [city.water],
                            now=T0)
    with pytest.raises(NotPermitted):
        results.submit_part(case, city.build_handler, "x")
    results.submit_part(case, city.water_handler, "河道段已清理", now=T0 + H)
    part = Assignment.objects.get(case=case, department=city.water)
    assert part.state == Assignment.State.DONE and part.contribution == "河道段已清理"


def test_intake_reroutes_an_assigned_case_before_it_is_accepted(city, new_case):
    case = new_case()  # auto-routed to env, not accepted yet
    assert case.state == CaseState.ASSIGNED and "transfer" in allowed_actions(city.intake, case)
    with pytest.raises(MissingReason):
        actions.transfer(case, city.intake, city.water, "")
    case = actions.transfer(case, city.intake, city.water, "属河道管理范围", now=T0 + H)
    assert case.state == CaseState.ASSIGNED and case.lead_department == city.water
    old = Assignment.objects.get(case=case, department=city.env)
    assert old.state == Assignment.State.TRANSFERRED and not old.is_active
    assert not Clock.objects.filter(assignment=old, stopped_at__isnull=True).exists()
    assert Clock.objects.filter(case=case, kind="accept", stopped_at__isnull=True,
                                assignment__department=city.water).exists()
    assert "transfer" not in allowed_actions(city.env_handler, case)


def test_transfer_keeps_co_departments_that_are_already_assigned(city, new_case):
    case = actions.dispatch(new_case(category=city.noise, lng=117.15), city.intake, city.env, [city.build], now=T0)
    case = actions.accept(case, city.env_handler, now=T0 + H)
    case = actions.transfer(case, city.intake, city.water, "牵头单位调整", co_departments=[city.build, city.env],
                            now=T0 + 2 * H)
    active = Assignment.objects.filter(case=case, is_active=True)
    assert sorted((a.department.name, a.role) for a in active) == sorted(
        [(city.water.name, "lead"), (city.build.name, "co"), (city.env.name, "co")])
    assert active.filter(department=city.build).count() == 1
