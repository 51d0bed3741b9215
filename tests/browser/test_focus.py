"""Keyboard and screen-reader flow in a real browser: after a failed submit the first
invalid field has the focus (citizen and staff forms); after a successful action on the
case page the focus is at the case's actions and the result is announced there."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.utils import translation

from cases.intake import ReporterInput, ReportInput, submit_case
from tests.cases.conftest import city  # noqa: F401
from tests.workbench.otp import browser_login

pytestmark = pytest.mark.django_db(transaction=True)
FOCUSED = "() => { const el = document.activeElement; return el ? (el.id || el.name || el.tagName) : null; }"


@pytest.fixture
def case(city):  # noqa: F811
    access = Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    for group in Group.objects.all():
        group.permissions.add(access)
    return submit_case(ReportInput(category=city.air, description="夜间有刺鼻气味", latitude=36.55, longitude=117.05,
                                   location_source="pin"), ReporterInput(phone="13800138000")).case


def test_a_failed_citizen_submit_focuses_the_first_invalid_field(browser_page, live_server, case):
    page = browser_page
    page.goto(f"{live_server.url}/track/")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    page.wait_for_load_state("load")
    assert page.evaluate(FOCUSED) == "id_reference"
    page.fill("#id_reference", case.reference)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    page.wait_for_load_state("load")
    assert page.evaluate(FOCUSED) == "id_access_code"  # the first field still in error


def test_staff_failed_action_focuses_the_field_and_success_is_announced_at_the_actions(
        browser_page, live_server, city, case):  # noqa: F811
    page, base = browser_page, live_server.url
    browser_login(page, base, city.intake)
    page.goto(f"{base}/admin/cases/{case.pk}/")
    page.click("#action-note > summary")
    with page.expect_navigation():
        page.click("#action-note form button[type=submit]")  # no text: refused
    page.wait_for_load_state("load")
    assert page.evaluate(FOCUSED) == "id_note-text"
    described = page.get_attribute("#id_note-text", "aria-describedby").split()
    assert all(page.locator(f"#{i}").count() == 1 for i in described)
    assert "id_note-text-errors" in described and page.inner_text("#id_note-text-errors").strip()

    page.fill("#id_note-text", "已电话联系企业负责人")
    with page.expect_navigation():
        page.click("#action-note form button[type=submit]")
    page.wait_for_load_state("load")
    assert page.url.endswith(f"/admin/cases/{case.pk}/#case-actions")
    assert page.evaluate(FOCUSED) == "case-actions"
    status = page.locator("#case-action-status")
    assert status.get_attribute("role") == "status"
    with translation.override("zh-hans"):
        done = translation.gettext("The note was added.")
    page.wait_for_function("t => document.getElementById('case-action-status').textContent.includes(t)", arg=done)
