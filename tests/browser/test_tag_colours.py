"""The overdue tags on the case page are red in the browser, not the grey of the base tag
(static/css/workbench.css: the base `.wb-tag` rule used to come after its modifiers).
Screenshots at 1366×900 and 390×844 are kept (PORTAL_SCREENSHOT_DIR)."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from cases.intake import ReporterInput, ReportInput, submit_case
from tests.browser.test_screen_layout import SIZES, shot_dir
from tests.cases.conftest import city  # noqa: F401
from tests.workbench.otp import browser_login

pytestmark = pytest.mark.django_db(transaction=True)
RED, WHITE = "rgb(179, 38, 30)", "rgb(255, 255, 255)"


@pytest.mark.parametrize("size", SIZES)
def test_overdue_tags_are_red(browser_page, live_server, city, size, tmp_path):  # noqa: F811
    access = Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    for group in Group.objects.all():
        group.permissions.add(access)
    # Filed and routed ten days ago, never accepted: the acceptance clock ran out.
    case = submit_case(ReportInput(category=city.air, description="夜间有刺鼻气味", latitude=36.55, longitude=117.05,
                                   location_source="pin"), ReporterInput(),
                       now=timezone.now() - timedelta(days=10)).case
    page, base = browser_page, live_server.url
    page.set_viewport_size(dict(zip(("width", "height"), SIZES[size], strict=True)))
    browser_login(page, base, city.intake)
    page.goto(f"{base}/admin/cases/{case.pk}/")
    tag = page.locator(".wb-tag--overdue").first
    tag.scroll_into_view_if_needed()
    page.screenshot(path=str(shot_dir(tmp_path) / f"overdue-tag-{size}.png"), full_page=True)
    colours = tag.evaluate("el => [getComputedStyle(el).backgroundColor, getComputedStyle(el).color]")
    assert colours == [RED, WHITE]
