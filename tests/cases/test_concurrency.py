"""Two staff acting on one case at once: exactly one wins (docs/architecture.md rule 4)."""

import pytest

from cases import actions
from cases.models import Case, CaseEvent
from cases.workflow import ConflictError, WorkflowError
from tests.race import race

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_accepts_one_wins(city, new_case):
    case = new_case()
    version = case.version
    outcomes = race(2, lambda i: actions.accept(Case.objects.get(pk=case.pk), city.env_handler,
                                                expected_version=version))
    wins = [o for o in outcomes if isinstance(o, Case)]
    losses = [o for o in outcomes if isinstance(o, ConflictError)]
    assert len(wins) == 1 and len(losses) == 1, outcomes
    assert "Someone else" in str(losses[0]) or "其他人" in str(losses[0])
    assert CaseEvent.objects.filter(case=case, kind="accepted").count() == 1


def test_accept_and_return_race(city, new_case):
    case = new_case()
    verbs = [lambda: actions.accept(Case.objects.get(pk=case.pk), city.env_handler),
             lambda: actions.return_case(Case.objects.get(pk=case.pk), city.env_handler, "非本部门职责")]
    outcomes = race(2, lambda i: verbs[i]())
    assert sum(isinstance(o, Case) for o in outcomes) == 1, outcomes
    assert sum(isinstance(o, WorkflowError) for o in outcomes) == 1, outcomes
    case.refresh_from_db()
    assert case.version == 2  # received → auto-routed (1) → exactly one more
    assert CaseEvent.objects.filter(case=case, kind__in=["accepted", "returned"]).count() == 1
