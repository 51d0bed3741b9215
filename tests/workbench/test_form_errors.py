"""Errors are linked to their fields in every project form (docs/back-office.md,
"Keyboard and screen reader"): each `aria-describedby` names an element that exists on
the page, an invalid input is marked `aria-invalid` and names the element that holds
its error text, and a field with help text still names its help as well."""

import inspect
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django import forms
from django.template.loader import render_to_string
from django.urls import reverse

from cases import forms as citizen_forms
from cases.models import Case
from cases.operations import forms as operations_forms
from cases.programme import forms as programme_forms
from cases.programme import public as programme_public
from cases.staffnames import forms as staffname_forms
from cases.workbench import forms as action_forms
from cases.workbench import forms_intake, forms_programme, forms_supervision
from cases.workbench.registry import SPECS
from tests.workbench.helpers import body_text

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
STAFF_MODULES = (action_forms, forms_intake, forms_programme, forms_supervision, programme_forms, staffname_forms,
                 operations_forms)
CITIZEN_FORMS = (citizen_forms.ReportForm, citizen_forms.TrackForm, citizen_forms.FeedbackForm,
                 citizen_forms.ReviewForm, programme_public.ObjectionForm)


def form_classes(module):
    return [c for _n, c in inspect.getmembers(module, inspect.isclass)
            if issubclass(c, forms.BaseForm) and c.__module__ == module.__name__ and not inspect.isabstract(c)
            and c.__name__ not in ("ActionForm", "VersionForm")]


def bound_with_errors(cls, case, user):
    """The form bound to an empty POST (every required field fails), built with the
    arguments its constructor asks for."""
    pool = {"case": case, "user": user, "task": None, "captcha_required": False}
    wanted = {name for c in cls.__mro__ if "__init__" in vars(c)
              for name in inspect.signature(vars(c)["__init__"]).parameters}
    form = cls({"_": ""}, {}, **{k: v for k, v in pool.items() if k in wanted})
    form.is_valid()
    return form


def check_links(html: str, where: str) -> int:
    """Every aria-describedby id exists; every invalid input names its error. Returns
    how many invalid inputs were checked."""
    soup = BeautifulSoup(html, "html.parser")
    ids = {el["id"] for el in soup.find_all(id=True)}
    for el in soup.find_all(attrs={"aria-describedby": True}):
        missing = [i for i in el["aria-describedby"].split() if i not in ids]
        assert not missing, f"{where}: {el.name}[name={el.get('name')}] describedby {missing} that do not exist"
    checked = 0
    for el in soup.find_all(attrs={"aria-invalid": "true"}):
        described = [soup.find(id=i) for i in el.get("aria-describedby", "").split()]
        texts = " ".join(d.get_text(" ", strip=True) for d in described if d)
        assert texts.strip(), f"{where}: invalid {el.get('name')} is not linked to any error text"
        checked += 1
    return checked


def test_every_staff_form_links_its_errors(city, new_case):
    case = new_case()
    classes = [c for m in STAFF_MODULES for c in form_classes(m)]
    assert len(classes) >= 30  # the test sees the project's forms, not an empty list
    checked = 0
    for cls in classes:
        form = bound_with_errors(cls, case, city.intake)
        html = render_to_string("workbench/includes/form_fields.html", {"form": form})
        checked += check_links(html, cls.__name__)
        for name, field in form.fields.items():
            if name in form.errors and not field.widget.is_hidden:
                assert f'id="{form[name].id_for_label or form[name].auto_id}-errors"' in html, (cls, name)
    assert checked >= 30


def test_fields_with_help_text_name_both_help_and_error(city, new_case):
    form = bound_with_errors(action_forms.PublicityForm, new_case(), city.intake)
    html = render_to_string("workbench/includes/form_fields.html", {"form": form})
    soup = BeautifulSoup(html, "html.parser")
    helped = [n for n, f in form.fields.items() if f.help_text and n in form.errors]
    for name in helped or [n for n, f in form.fields.items() if f.help_text]:
        widget = soup.find(attrs={"name": form[name].html_name})
        described = widget["aria-describedby"].split()
        assert f"{form[name].id_for_label}-helptext" in described, name
        if name in form.errors:
            assert f"{form[name].id_for_label}-errors" in described, name


def test_every_citizen_form_links_its_errors(city):
    for cls in CITIZEN_FORMS:
        form = bound_with_errors(cls, None, None)
        assert form.errors, cls
        html = "".join(render_to_string("cases/_field.html", {"field": form[name]})
                       for name, f in form.fields.items() if not f.widget.is_hidden)
        assert check_links(html, cls.__name__) >= 1, cls


def test_real_pages_with_errors_have_no_dangling_descriptions(city, new_case, login, client):
    case = new_case()
    staff = login(city.env_handler)
    url = reverse("workbench:act", kwargs={"pk": case.pk, "name": "return"})
    response = staff.post(url, {"return-version": Case.objects.get(pk=case.pk).version, "return-reason": ""})
    assert response.status_code == 200 and check_links(body_text(response), "case page") == 1
    assert check_links(body_text(client.post("/track/", {})), "track form") == 2
    report = client.post("/report/", {"idempotency_key": "6f1c2f7e-8d1a-4c4e-9a57-2f6b0f1e9a01"})
    assert check_links(body_text(report), "report form") >= 2


def test_no_project_template_uses_the_unlinked_wagtail_field_tag():
    templates = [*ROOT.glob("templates/**/*.html"), *ROOT.glob("cases/templates/**/*.html"),
                 *ROOT.glob("cms/templates/**/*.html")]
    offenders = [str(p.relative_to(ROOT)) for p in templates if re.search(r"{%\s*formattedfield\b", p.read_text())]
    assert not offenders
    assert set(SPECS)  # the action forms the first test renders come from this registry
