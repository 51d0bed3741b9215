"""Checkbox and radio groups in the workbench's forms are fieldsets named by a legend
(templates/workbench/includes/form_fields.html): the meeting form's departments and tasks."""

import re

import pytest
from django.urls import reverse

from cases.workbench.forms_programme import MeetingForm


def fieldsets(html: str) -> list[tuple[str, set[str]]]:
    """(legend text, names of the inputs inside) for every fieldset of the page's forms."""
    found = []
    for legend, body in re.findall(r'<fieldset class="wb-fieldset"><legend[^>]*>(.*?)</legend>(.*?)</fieldset>',
                                   html, re.S):
        found.append((re.sub(r"<[^>]+>", "", legend).strip("* \n"), set(re.findall(r'<input[^>]*name="([^"]+)"', body))))
    return found


@pytest.mark.django_db
def test_the_meeting_forms_checkbox_groups_have_a_fieldset_and_legend(city, login):
    page = login(city.intake).get(reverse("workbench:meeting_new")).content.decode()
    form = MeetingForm(user=city.intake)
    groups = dict(fieldsets(page))
    assert groups[str(form["departments"].label)] == {"departments"}
    assert groups[str(form["tasks"].label)] <= {"tasks"}
    # Plain fields keep their <label for=…>; only groups become fieldsets.
    assert 'for="id_title"' in page and "title" not in set().union(*groups.values())
