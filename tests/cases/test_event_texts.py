"""System events read as sentences, never as reason codes."""

import re

from django.urls import reverse

from cases.models import CaseEvent
from tests.workbench.conftest import admin_access, login  # noqa: F401

CJK = re.compile(r"[\u4e00-\u9fff]")


def test_a_case_outside_every_township_says_why_it_needs_dispatch(city, new_case):
    case = new_case(lat=36.62, lng=117.05)  # in the city, 2 km north of both townships
    event = CaseEvent.objects.get(case=case, kind="routing_needed")
    assert event.data["reason"] == "no_township"
    assert "no_township" not in event.internal_text and CJK.search(event.internal_text)
    assert "乡镇街道" in event.shown_internal_text


def test_old_events_with_a_bare_code_are_shown_as_a_sentence(city, new_case, login):  # noqa: F811
    case = new_case(category=city.noise, lng=117.15)  # category and township without a rule
    legacy = CaseEvent.objects.create(case=case, kind="routing_needed", internal_text="no_rule",
                                      data={"reason": "no_rule"}, created_at=case.received_at)
    page = login(city.intake).get(reverse("workbench:detail", kwargs={"pk": case.pk})).content.decode()
    assert legacy.internal_text == "no_rule"
    assert "no_rule" not in page and "没有适用于该问题类别和乡镇街道的分派规则" in page
