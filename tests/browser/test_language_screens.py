"""Screens changed for the Chinese experience, at 1366×900 and 390×844: the English
notice over Chinese-only content, the one-field staff name form, the meeting form's
fieldsets. No overlaps, nothing wider than the screen; screenshots kept
(PORTAL_SCREENSHOT_DIR)."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from cases import roles
from cms.models import NewsIndexPage, NewsPage
from tests import factories as f
from tests.browser.test_screen_layout import SIZES, check, shot_dir
from tests.cases.conftest import city  # noqa: F401
from tests.workbench.otp import browser_login

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("size", SIZES)
def test_english_notice_over_chinese_content(browser_page, live_server, size, tmp_path):
    home = f.site_home()
    news = NewsIndexPage(title="整改动态", slug="", show_in_menus=True)
    home.add_child(instance=news)
    news.save_revision().publish()
    item = NewsPage(title="某化工厂夜间偷排污水整改完成", slug="", intro="群众举报的问题已整改到位。")
    news.add_child(instance=item)
    item.save_revision().publish()
    page, base = browser_page, live_server.url
    page.set_viewport_size(dict(zip(("width", "height"), SIZES[size], strict=True)))
    page.goto(f"{base}/en{item.url}")
    assert "/zheng-gai-dong-tai/mou-hua-gong-chang" in page.url
    notice = page.locator(".content-lang-notice")
    assert notice.is_visible() and "Chinese only" in notice.inner_text()
    assert page.locator("h1").get_attribute("lang") == "zh-Hans"
    check(page, "en-news", size, shot_dir(tmp_path))
    page.goto(f"{base}{item.url}")
    assert page.locator(".content-lang-notice").count() == 0
    assert page.locator("h1").get_attribute("lang") is None


@pytest.mark.parametrize("size", SIZES)
def test_staff_name_forms(browser_page, live_server, city, size, tmp_path):  # noqa: F811
    access = Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    for group in Group.objects.all():
        group.permissions.add(access)
    f.site_home()  # the administrator's menu links the page tree: a transactional test flushed it
    chief = f.user("chief", roles.ADMINISTRATOR, is_superuser=True, first_name="李娜")
    page, base, folder = browser_page, live_server.url, shot_dir(tmp_path)
    page.set_viewport_size(dict(zip(("width", "height"), SIZES[size], strict=True)))
    browser_login(page, base, chief)
    page.goto(base + reverse("wagtailusers_users:edit", args=[city.env_handler.pk]))
    assert page.locator("input[name=last_name]").count() == 0
    assert page.locator("label[for=id_first_name]").inner_text().startswith("姓名")
    check(page, "user-edit", size, folder, root="#tab-account")  # Wagtail's sticky save bar floats over the form
    page.goto(base + reverse("wagtailusers_users:index"))
    assert page.locator("table.listing").get_by_text("李娜").first.is_visible()
    check(page, "user-list", size, folder, root="table.listing")
    page.goto(base + reverse("wagtailadmin_account"))
    assert page.locator("input[name='name_email-first_name']").input_value() == "李娜"
    check(page, "account", size, folder, root="#tab-profile, .w-tabs__panel")


@pytest.mark.parametrize("size", SIZES)
def test_meeting_form_groups_are_fieldsets(browser_page, live_server, city, size, tmp_path):  # noqa: F811
    access = Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    for group in Group.objects.all():
        group.permissions.add(access)
    page, base = browser_page, live_server.url
    page.set_viewport_size(dict(zip(("width", "height"), SIZES[size], strict=True)))
    browser_login(page, base, city.intake)
    page.goto(base + reverse("workbench:meeting_new"))
    group = page.get_by_role("group", name="参会部门")
    assert group.get_by_role("checkbox").count() == 4
    check(page, "meeting-form", size, shot_dir(tmp_path))
