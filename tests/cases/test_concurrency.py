"""Two staff acting on one case at once: exactly one wins (docs/architecture.md rule 4)."""

import threading

import pytest
from django.db import connection

from cases import actions
from cases.models import Case, CaseEvent
from cases.workflow import ConflictError, WorkflowError

pytestmark = pytest.mark.django_db(transaction=True)


def race(n: int, action) -> list:
    barrier = threading.Barrier(n)
    outcomes = [None] * n

    def run(i):
        try:
            barrier.wait()
            outcomes[i] = action(i)
        except Exception as exc:  # collected and asserted by the test
            outcomes[i] = exc
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return outcomes


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
