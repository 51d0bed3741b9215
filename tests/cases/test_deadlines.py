"""Clocks per case and assignment, extensions, and the sweep (PRODUCT §6)."""

from datetime import datetime, timedelta

import pytest

from cases import actions
from cases.extensions import approve_extension, refuse_extension, request_extension
from cases.models import Case, CaseEvent, Clock, DeadlinePolicy, Notification
from cases.sweep import sweep
from cases.workflow import NotPermitted, WorkflowError
from tests.cases.conftest import SH, T0


def running(case, kind):
    return Clock.objects.get(case=case, kind=kind, stopped_at__isnull=True)


def test_intake_and_assignment_clocks(city, new_case):
    case = new_case(category=city.noise, lng=117.15)  # waits for dispatch
    assert running(case, "dispatch").due_at == datetime(2026, 3, 3, 23, 59, 59, tzinfo=SH)
    assert running(case, "acknowledge").due_at == datetime(2026, 3, 17, 23, 59, 59, tzinfo=SH)
    case = actions.dispatch(case, city.intake, city.env, now=T0 + timedelta(hours=2))
    assert not Clock.objects.filter(case=case, kind="dispatch", stopped_at__isnull=True).exists()
    accept = running(case, "accept")
    assert accept.assignment.department == city.env
    assert accept.due_at == datetime(2026, 3, 4, 23, 59, 59, tzinfo=SH)
    case = actions.accept(case, city.env_handler, now=datetime(2026, 3, 3, 10, 0, tzinfo=SH))
    handling = running(case, "handling")
    assert handling.due_at == datetime(2026, 3, 24, 23, 59, 59, tzinfo=SH)  # 15 working days
    assert case.next_due_at == handling.due_at
    assert not Clock.objects.filter(case=case, kind="acknowledge", stopped_at__isnull=True).exists()


def test_per_category_policy_wins(city, new_case):
    DeadlinePolicy.objects.create(clock="handling", category=city.air, amount=5, unit="working")
    case = actions.accept(new_case(), city.env_handler, now=T0)
    assert running(case, "handling").due_at == datetime(2026, 3, 9, 23, 59, 59, tzinfo=SH)


@pytest.fixture
def accepted(city, new_case):
    return actions.accept(new_case(), city.env_handler, now=T0)


def test_extension_approved_moves_the_clock_and_tells_the_reporter(city, accepted):
    clock = running(accepted, "handling")
    old_due = clock.due_at
    new_due = old_due + timedelta(days=20)
    ext = request_extension(accepted, city.env_handler, new_due, "需要第三方检测", "需要等待第三方检测结果",
                            now=T0 + timedelta(days=1))
    with pytest.raises(NotPermitted):
        approve_extension(ext, city.env_handler)
    ext = approve_extension(ext, city.intake, now=T0 + timedelta(days=2))
    clock.refresh_from_db()
    assert ext.state == "approved" and clock.due_at == new_due and clock.original_due_at == old_due
    event = accepted.events.get(kind="extension_approved")
    assert event.is_public and "第三方检测" in event.public_text
    assert event.data["old_due"] == old_due.isoformat()
    assert Notification.objects.filter(case=accepted, template="extension_approved", audience="reporter").exists()
    # Past the old due time but before the new one: not overdue.
    counts = sweep(now=old_due + timedelta(days=3))
    accepted.refresh_from_db()
    assert counts["overdue"] == 0 and not accepted.is_overdue


def test_extension_limits(city, accepted):
    due = running(accepted, "handling").due_at
    with pytest.raises(WorkflowError):
        request_extension(accepted, city.env_handler, due - timedelta(days=1), "r", "r")
    with pytest.raises(WorkflowError):
        request_extension(accepted, city.env_handler, due + timedelta(days=31), "r", "r")
    with pytest.raises(NotPermitted):
        request_extension(accepted, city.water_handler, due + timedelta(days=5), "r", "r")
    ext = request_extension(accepted, city.env_handler, due + timedelta(days=5), "r", "r")
    with pytest.raises(WorkflowError):
        request_extension(accepted, city.env_handler, due + timedelta(days=6), "r", "r")
    refuse_extension(ext, city.intake, "理由不充分")
    assert running(accepted, "handling").due_at == due


def crossings(case):
    return sorted(CaseEvent.objects.filter(case=case, kind__in=["deadline_warning", "deadline_overdue",
                                                                  "escalated"]).values_list("kind", flat=True))


def test_sweep_marks_each_crossing_once(city, accepted):
    clock = running(accepted, "handling")
    assert sweep(now=clock.warn_at - timedelta(minutes=1)) == {"warning": 0, "overdue": 0, "escalation": 0}
    assert sweep(now=clock.warn_at + timedelta(minutes=1))["warning"] == 1
    assert sweep(now=clock.warn_at + timedelta(minutes=2))["warning"] == 0
    assert crossings(accepted) == ["deadline_warning"]
    sweep(now=clock.due_at + timedelta(minutes=1))
    accepted.refresh_from_db()
    assert accepted.is_overdue and not accepted.is_supervised
    sweep(now=clock.escalate_at + timedelta(minutes=1))
    sweep(now=clock.escalate_at + timedelta(minutes=2))
    accepted.refresh_from_db()
    assert accepted.is_supervised
    assert crossings(accepted) == ["deadline_overdue", "deadline_warning", "escalated"]
    per_clock = Notification.objects.filter(idempotency_key__startswith=f"clock:{clock.pk}:")
    assert sorted(per_clock.values_list("template", flat=True)) == [
        "deadline_overdue", "deadline_warning", "escalated"]
    assert set(per_clock.values_list("recipient", flat=True)) == {"env@example.org"}


def test_sweep_after_a_lost_run_does_not_duplicate(city, accepted):
    clock = running(accepted, "handling")
    at = clock.due_at + timedelta(minutes=1)
    sweep(now=at)
    # A second worker re-running the same work (ORM broker at-least-once) after the
    # marks were lost: the unique keys still keep one event and one notification.
    Clock.objects.filter(pk=clock.pk).update(warned_at=None, overdue_at=None)
    sweep(now=at)
    assert crossings(accepted) == ["deadline_overdue"]
    assert Notification.objects.filter(idempotency_key__startswith=f"clock:{clock.pk}:").count() == 1


def test_late_warning_is_not_sent_for_an_overdue_clock(city, accepted):
    clock = running(accepted, "handling")
    sweep(now=clock.due_at + timedelta(minutes=1))
    assert crossings(accepted) == ["deadline_overdue"]
    clock.refresh_from_db()
    assert clock.warned_at is not None


def test_stopped_clocks_are_never_swept(city, accepted):
    from cases import results

    results.submit_result(accepted, city.env_handler, findings="x", reply="y", now=T0 + timedelta(days=1))
    results.close(Case.objects.get(pk=accepted.pk), city.intake, now=T0 + timedelta(days=2))
    assert sweep(now=T0 + timedelta(days=200)) == {"warning": 0, "overdue": 0, "escalation": 0}


def test_a_short_clock_warns_in_its_last_hours_not_from_its_start(city, new_case):
    case = new_case(category=city.noise, lng=117.15)  # waits for dispatch: 1 working day, 3 days' warning
    dispatch = running(case, "dispatch")
    assert dispatch.warn_at > T0 + timedelta(hours=12)
    assert dispatch.due_at - dispatch.warn_at <= (dispatch.due_at - T0) / 3 + timedelta(seconds=1)
    assert sweep(now=T0 + timedelta(minutes=2))["warning"] == 0


def test_a_long_clock_keeps_the_configured_warning_window(city, accepted):
    handling = running(accepted, "handling")  # 15 working days
    assert handling.due_at == datetime(2026, 3, 23, 23, 59, 59, tzinfo=SH)
    assert handling.warn_at == datetime(2026, 3, 18, 23, 59, 59, tzinfo=SH)  # 3 working days before


def test_warning_window_is_proportionate_to_the_clock(city):
    from cases.calendar import load_calendar
    from cases.deadlines import warn_time

    calendar = load_calendar()
    start = datetime(2026, 3, 2, 9, 0, tzinfo=SH)
    due = datetime(2026, 3, 3, 23, 59, 59, tzinfo=SH)
    assert warn_time(calendar, start, due, 3) == due - (due - start) / 3
    assert warn_time(calendar, start, due, 0) == due
