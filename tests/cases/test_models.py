"""The state enumerations and their groups (cases/models/case.py)."""

from cases.models import Assignment, CaseState


def test_case_state_groups_name_real_states_and_partition_them():
    states = set(CaseState.values)
    assert len(states) == 8 and [s for s in CaseState] == [CaseState(v) for v in CaseState.values]
    assert CaseState.OPEN | CaseState.FINISHED == states
    assert not CaseState.OPEN & CaseState.FINISHED
    assert CaseState.RESOLVED | CaseState.DISMISSED == CaseState.FINISHED
    assert not CaseState.RESOLVED & CaseState.DISMISSED
    assert CaseState.WITH_DEPARTMENT < CaseState.OPEN
    assert CaseState.STAGE_CLOSED in CaseState.RESOLVED and CaseState.MERGED in CaseState.DISMISSED


def test_groups_are_not_states():
    assert "OPEN" not in CaseState.names and len(CaseState.choices) == 8
    assert "WORKING" not in Assignment.State.names and len(Assignment.State.choices) == 6
    assert Assignment.State.WORKING < Assignment.State.CURRENT <= set(Assignment.State.values)
