"""Drafting a typical case from a case (docs/public-site.md, "Typical cases"): a
searchable chooser of resolved cases (public or not), a draft pre-filled from the case
with its public before/after photos, publishing only once the case is public, and the
intake officer marking a case's photos public on the case page."""

import html
import json

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from cases import roles
from cases.models import Case, Photo
from cms.models import TypicalCasePage
from cms.services import draft_typical_case
from cms.setup import ensure_editorial_workflow
from tests import factories as f
from tests.cms.helpers import close_case
from tests.cms.test_services import photo
from tests.workbench.otp import login_with_otp

pytestmark = pytest.mark.django_db
NOT_PUBLIC = ("Case %(reference)s is not public yet. Ask the intake desk to make it public (with a public summary) "
              "on the case page, then publish this typical case. You can save it as a draft now.")


@pytest.fixture
def cases(city, new_case, tree):
    ensure_editorial_workflow()
    public = close_case(new_case(title="化工厂夜间偷排整改"), city, summary="已整改到位。")
    hidden = close_case(new_case(title="河道垃圾清理", lat=36.55, lng=117.15), city, public=False)
    still_open = new_case(title="工地夜间噪声")
    return public, hidden, still_open


def editor_client(city):
    editor = f.user("editor-c", roles.EDITOR, is_staff=True)
    return login_with_otp(Client(), editor)


def modal_html(response) -> str:
    """The modal's HTML: JSON-wrapped for the modal itself, plain for its result pages."""
    assert response.status_code == 200, response
    if response["Content-Type"].startswith("application/json"):
        return json.loads(response.content)["html"]
    return response.content.decode()


def test_the_chooser_lists_resolved_cases_public_or_not_and_searches_them(city, cases):
    public, hidden, still_open = cases
    client = editor_client(city)
    html = modal_html(client.get(reverse("case_chooser:choose")))
    assert public.reference in html and hidden.reference in html and still_open.reference not in html
    assert "化工厂夜间偷排整改" in html and "河道垃圾清理" in html  # the title column
    assert public.township.name in html and hidden.township.name in html  # the township column
    assert f"{timezone.localtime(hidden.closed_at):%Y-%m-%d}" in html  # the closing date
    found = modal_html(client.get(reverse("case_chooser:choose_results"), {"q": "河道"}))
    assert hidden.reference in found and public.reference not in found
    found = modal_html(client.get(reverse("case_chooser:choose_results"), {"q": public.reference[-4:]}))
    assert public.reference in found and hidden.reference not in found
    chosen = json.loads(client.get(reverse("case_chooser:chosen", args=[hidden.pk])).content)
    assert chosen["result"]["title"].startswith(f"{hidden.reference} · 河道垃圾清理")


def test_staff_without_an_editorial_role_are_offered_no_case(city, cases):
    handler = login_with_otp(Client(), city.env_handler)
    public, hidden, _open = cases
    html = modal_html(handler.get(reverse("case_chooser:choose")))
    assert public.reference not in html and hidden.reference not in html
    assert handler.get(reverse("case_chooser:chosen", args=[public.pk])).status_code == 404


def test_the_draft_screen_and_the_page_editor_use_the_chooser_not_a_dropdown(city, cases):
    public, hidden, _open = cases
    client = editor_client(city)
    screen = client.get(reverse("cms_draft_typical_case")).content.decode()
    assert reverse("case_chooser:choose") in screen and '<select name="case"' not in screen
    page = draft_typical_case(hidden, city.editor)
    editor = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).content.decode()
    assert reverse("case_chooser:choose") in editor and '<select name="linked_case"' not in editor
    assert hidden.reference in editor


def test_the_draft_is_prefilled_from_the_case_with_its_public_before_and_after_photos(city, cases):
    public, _hidden, _open = cases
    before, after = photo(public, Photo.Kind.BEFORE, public=True), photo(public, Photo.Kind.AFTER, public=True)
    photo(public, Photo.Kind.AFTER, public=False)  # not public: not carried
    photo(public, Photo.Kind.CITIZEN, public=False)
    page = TypicalCasePage.objects.get(pk=draft_typical_case(public, city.editor).pk)
    case = Case.objects.select_related("lead_department", "township", "category").get(pk=public.pk)
    assert page.title == "化工厂夜间偷排整改" and page.intro == "已整改到位。"
    assert (page.category_id, page.township_id, page.linked_case_id) == (case.category_id, case.township_id, case.pk)
    body = json.dumps(list(page.body.raw_data), ensure_ascii=False)
    closed = timezone.localtime(case.closed_at)
    assert case.lead_department.name in body and "经查属实，已责令整改。" in body
    assert f"受理时间：{timezone.localtime(case.received_at):%Y}年" in body
    assert f"办结时间：{closed.year}年{closed.month}月{closed.day}日" in body
    assert page.before_image is not None and page.after_image is not None
    assert page.before_image.title.endswith("1") and page.after_image.title.endswith("2")
    assert before.pk and after.pk


def _publish_data(page, case, action="action-publish"):
    return nested_form_data({
        "title": page.title, "slug": page.slug, "intro": page.intro, "body": streamfield([]),
        "linked_case": case.pk, "category": page.category_id or "", "township": page.township_id or "",
        "comments": inline_formset([]), action: action,
    })


def test_publishing_requires_the_case_to_be_public_with_a_clear_message(city, cases):
    public, hidden, _open = cases
    admin = login_with_otp(Client(), f.user("root-c", is_staff=True, is_superuser=True))
    page = draft_typical_case(hidden, city.intake)
    url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    refused = admin.post(url, _publish_data(page, hidden))
    assert refused.status_code == 200 and not TypicalCasePage.objects.get(pk=page.pk).live
    with translation.override("zh-hans"):
        expected = translation.gettext(NOT_PUBLIC) % {"reference": hidden.reference}
    assert expected in html.unescape(refused.content.decode())
    saved = admin.post(url, _publish_data(page, hidden, action="action-save"))  # a draft may be saved
    assert saved.status_code == 302
    Case.objects.filter(pk=hidden.pk).update(is_public=True)
    published = admin.post(url, _publish_data(page, hidden))
    assert published.status_code == 302 and TypicalCasePage.objects.get(pk=page.pk).live
    assert public.is_public


def test_the_intake_officer_marks_a_cases_photos_public_on_the_case_page(city, cases):
    public, _hidden, _open = cases
    shown, kept = photo(public, Photo.Kind.AFTER), photo(public, Photo.Kind.CITIZEN)
    permission = Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    for group in Group.objects.all():
        group.permissions.add(permission)
    intake = login_with_otp(Client(), city.intake)
    page = intake.get(reverse("workbench:detail", args=[public.pk])).content.decode()
    assert 'name="publicity-public_photos"' in page
    version = Case.objects.get(pk=public.pk).version
    response = intake.post(reverse("workbench:act", kwargs={"pk": public.pk, "name": "publicity"}), {
        "publicity-version": version, "publicity-is_public": "on", "publicity-public_summary": "已整改到位。",
        "publicity-public_photos": [shown.pk]})
    assert response.status_code == 302
    assert set(Photo.objects.filter(case=public, is_public=True).values_list("pk", flat=True)) == {shown.pk}
    assert not Photo.objects.get(pk=kept.pk).is_public
    event = public.events.filter(kind="publicity_changed").latest("pk")
    assert event.data["photos_shown"] == [shown.pk]
