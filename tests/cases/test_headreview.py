"""Head review of results: a handler proposes, the head approves (the result goes to
the intake desk) or sends it back with a reason (PRODUCT §3)."""

import pytest

from cases import actions
from cases.headreview import services as headreview
from cases.lifecycle import ConflictError, MissingReason, NotPermitted
from cases.models import Case, CaseEvent, CaseState, HeadReview
from cases.workflow import allowed_actions
from tests.cases.conftest import T0


@pytest.fixture
def accepted(city, new_case):
    city.env.head_approval_required = True
    city.env.save()
    return actions.accept(new_case(), city.env_handler, now=T0)


def propose(case, city):
    return headreview.propose(case, city.env_handler, findings="现场核查属实", reply="已责令整改", now=T0)


def test_a_handler_cannot_submit_but_proposes_to_the_head(city, accepted):
    assert "submit_result" not in allowed_actions(city.env_handler, accepted)
    assert headreview.may_propose(city.env_handler, accepted)
    review = propose(accepted, city)
    case = Case.objects.get(pk=accepted.pk)
    assert review.state == HeadReview.State.PENDING and case.state == CaseState.IN_PROGRESS
    assert case.version == accepted.version + 1
    assert CaseEvent.objects.filter(case=case, kind="result_proposed", actor=city.env_handler).exists()
    assert not headreview.may_propose(city.env_handler, case)  # one proposal at a time
    assert headreview.may_decide(city.env_head, case) and not headreview.may_decide(city.env_handler, case)


def test_the_head_approves_and_the_result_goes_to_the_intake_desk(city, accepted):
    propose(accepted, city)
    case = Case.objects.get(pk=accepted.pk)
    case = headreview.approve(case, city.env_head, findings="现场核查属实", reply="已责令整改并复查", now=T0,
                              expected_version=case.version)
    assert case.state == CaseState.PENDING_REVIEW and case.reply_text == "已责令整改并复查"
    review = HeadReview.objects.get(case=case)
    assert (review.state, review.decided_by) == (HeadReview.State.APPROVED, city.env_head)
    assert CaseEvent.objects.filter(case=case, kind="result_submitted", actor=city.env_head).exists()


def test_the_head_sends_back_with_a_reason(city, accepted):
    propose(accepted, city)
    case = Case.objects.get(pk=accepted.pk)
    with pytest.raises(MissingReason):
        headreview.send_back(case, city.env_head, "  ")
    with pytest.raises(NotPermitted):
        headreview.send_back(case, city.env_handler, "补充监测数据")
    with pytest.raises(ConflictError):
        headreview.send_back(case, city.env_head, "补充监测数据", expected_version=case.version - 1)
    headreview.send_back(case, city.env_head, "补充监测数据", expected_version=case.version)
    case = Case.objects.get(pk=accepted.pk)
    assert case.state == CaseState.IN_PROGRESS
    assert HeadReview.objects.get(case=case).state == HeadReview.State.SENT_BACK
    event = CaseEvent.objects.get(case=case, kind="result_returned_by_head")
    assert event.internal_text == "补充监测数据" and not event.is_public
    assert headreview.may_propose(city.env_handler, case)  # the handler can try again
