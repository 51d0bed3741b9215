"""Accountability records and their official wording (PRODUCT §4.7)."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from cases.lifecycle import NotPermitted
from cases.models import AccountabilityRecord, CaseEvent
from cases.supervision.accountability import counts, public_person, record_accountability, wording
from tests import factories as f
from tests.cases.conftest import T0

pytestmark = pytest.mark.django_db


def make(actor, case, **kw):
    args = {"unit_name": "东湖街道办事处", "form": "interview", "reason": "信访件办理不力，群众反复投诉",
            "decided_on": date(2026, 3, 1), "authority": "市纪委监委", "cases": [case], **kw}
    return record_accountability(actor, now=T0, **args)


def test_record_with_links_and_an_internal_event_on_the_case(city, new_case):
    case = new_case()
    record = make(city.supervisor, case, department=city.env)
    assert list(record.cases.all()) == [case] and record.recorded_by == city.supervisor
    event = CaseEvent.objects.get(case=case, kind="accountability_recorded")
    assert not event.is_public and "约谈" in event.internal_text


@pytest.mark.parametrize("kw, field", [
    ({"reason": " "}, "reason"),
    ({"cases": []}, "cases"),
    ({"unit_name": ""}, "unit_name"),
    ({"form": "fine"}, "form"),
    ({"decided_on": date(2026, 3, 10)}, "decided_on"),  # after T0: in the future
])
def test_incomplete_records_are_refused_field_by_field(city, new_case, kw, field):
    with pytest.raises(ValidationError) as exc:
        make(city.supervisor, new_case(), **kw)
    assert field in exc.value.message_dict
    assert AccountabilityRecord.objects.count() == 0


def test_only_the_office_and_supervisors_write(city, new_case):
    case = new_case()
    for user in (city.intake, city.env_head, city.editor):
        with pytest.raises(NotPermitted):
            make(user, case)
    make(f.user("office", "rectification_office"), case)
    assert AccountabilityRecord.objects.count() == 1


def test_official_wording_counts_units_per_form_and_persons(city, new_case):
    case = new_case()
    records = [
        make(city.supervisor, case, unit_name="东湖街道办事处"),
        make(city.supervisor, case, unit_name="某化工有限公司"),
        make(city.supervisor, case, unit_name="东湖街道办事处"),  # the same unit twice counts once
        make(city.supervisor, case, form="criticism", unit_name="市水利局"),
        make(city.supervisor, case, form="admonishment", unit_name="东湖街道办事处", person_name="王五",
             person_post="副主任", is_public=True),
        make(city.supervisor, case, form="sanction", unit_name="市水利局", person_name="赵六", person_post="科长"),
        make(city.supervisor, case, form="sanction", unit_name="市水利局", person_post="科员"),
    ]
    assert wording(records) == "约谈2家单位，通报批评1家单位，问责3人"
    assert wording([]) == ""
    assert public_person(records[4]) == "副主任王五"
    assert "赵六" not in public_person(records[5])
    assert counts(records) == {"records": 7, "units": 3, "persons": 3,
                               "by_form": {"interview": 3, "criticism": 1, "admonishment": 1, "sanction": 2}}


def test_departments_see_only_records_about_themselves(city, new_case):
    case = new_case()
    about_env = make(city.supervisor, case, department=city.env)
    make(city.supervisor, case, department=city.water, unit_name="市水利局")
    assert list(AccountabilityRecord.objects.visible_to(city.env_handler)) == [about_env]
    assert AccountabilityRecord.objects.visible_to(city.supervisor).count() == 2
    assert not AccountabilityRecord.objects.visible_to(city.editor).exists()
