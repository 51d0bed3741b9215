"""The shared guarded transition (cases/lifecycle.py), exercised on the case model."""

import pytest

from cases.lifecycle import ConflictError, ForbiddenTransition, NotPermitted, bump_version, guarded_transition
from cases.models import Case, CaseState
from cases.workflow import CASE_LIFECYCLE

pytestmark = pytest.mark.django_db


def test_table_move_writes_state_version_updates_and_event(new_case):
    case = new_case()  # auto-routed: assigned, version 1
    recorded = []
    moved = guarded_transition(
        CASE_LIFECYCLE, case.pk, "accept", expected_version=case.version,
        effect=lambda current, now: {"public_summary": "已受理"},
        record=lambda current, frm, to, now: recorded.append((frm, to, current.version)),
    )
    stored = Case.objects.get(pk=case.pk)
    assert (stored.state, stored.version, stored.public_summary) == (CaseState.IN_PROGRESS, case.version + 1, "已受理")
    assert (moved.state, moved.version) == (stored.state, stored.version)
    assert recorded == [(CaseState.ASSIGNED, CaseState.IN_PROGRESS, case.version + 1)]


def test_move_not_in_table_is_refused_and_changes_nothing(new_case):
    case = new_case()
    with pytest.raises(ForbiddenTransition):
        guarded_transition(CASE_LIFECYCLE, case.pk, "close")
    assert Case.objects.get(pk=case.pk).version == case.version


def test_stale_version_is_a_conflict(new_case):
    case = new_case()
    with pytest.raises(ConflictError):
        guarded_transition(CASE_LIFECYCLE, case.pk, "accept", expected_version=case.version + 100)
    assert Case.objects.get(pk=case.pk).state == case.state


def test_a_refusing_check_rolls_back_the_record(new_case):
    case = new_case()

    def refuse(current):
        raise NotPermitted("no")

    with pytest.raises(NotPermitted):
        guarded_transition(CASE_LIFECYCLE, case.pk, "accept", check=refuse)
    assert Case.objects.get(pk=case.pk).state == CaseState.ASSIGNED


def test_bump_version_checks_the_expected_version(new_case):
    case = new_case()
    assert bump_version(CASE_LIFECYCLE, case.pk, case.version) == case.version + 1
    with pytest.raises(ConflictError):
        bump_version(CASE_LIFECYCLE, case.pk, case.version)  # now stale
