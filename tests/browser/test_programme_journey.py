"""The programme journey in a real browser (docs/product.md §4.4): the rectification office creates
a task and schedules it backwards → the lead department reports progress with a photo and a
PDF and marks the milestones done → the office verifies them and the task → the public notice
period runs → the office writes the task off → the public ledger and the home counter show it."""

import os
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from cases import roles
from cases.models import EvidenceFile, MilestoneTemplate, MilestoneTemplateStep, RectificationTask
from tests import factories as f
from tests.browser.test_staff_journey import axe_in_content
from tests.cases.conftest import city  # noqa: F401
from tests.cases.programme.conftest import pdf_bytes
from tests.cms.conftest import home, tree  # noqa: F401
from tests.workbench.helpers import jpeg_bytes
from tests.workbench.otp import browser_login

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = os.environ.get("PORTAL_SCREENSHOT_DIR")


def shot(page, name: str) -> None:
    """Screenshots for a person to look at, only when asked for (PORTAL_SCREENSHOT_DIR)."""
    if SHOTS:
        for width, height in ((1366, 900), (390, 844)):
            page.set_viewport_size({"width": width, "height": height})
            page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)
        page.set_viewport_size({"width": 1280, "height": 900})


def act(page, prefix: str, fill=None) -> None:
    page.click(f"#act-{prefix} > summary")
    for selector, value in (fill or {}).items():
        page.fill(selector, value)
    with page.expect_navigation():
        page.click(f"#act-{prefix} form button[type=submit]")


def switch(page, base, user) -> None:
    page.context.clear_cookies()
    browser_login(page, base, user)


def test_programme_journey(browser_page, live_server, city, tree):  # noqa: F811
    office = f.user("office", roles.OFFICE, city.desk)
    access = Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    for group in Group.objects.all():
        group.permissions.add(access)
    template = MilestoneTemplate.objects.create(name="两步法")
    MilestoneTemplateStep.objects.create(template=template, sort_order=1, title="完成主体工程", share=70)
    MilestoneTemplateStep.objects.create(template=template, sort_order=2, title="自查自验", share=30)
    page, base = browser_page, live_server.url
    page.set_viewport_size({"width": 1280, "height": 900})
    deadline = (timezone.localdate() + timedelta(days=120)).isoformat()

    # The office enters the task and schedules it backwards from the deadline.
    browser_login(page, base, office)
    page.goto(f"{base}/admin/cases/tasks/new/")
    page.fill("#id_title", "城区黑臭水体整治")
    page.fill("#id_problem", "督察发现城区河道黑臭反弹")
    page.fill("#id_responsible_leader", "王建国")
    page.fill("#id_leader_post", "常务副市长")
    page.select_option("#id_lead_department", str(city.env.pk))
    page.check(f"#id_co_departments input[value='{city.water.pk}']")
    page.fill("#id_target", "消除黑臭水体")
    page.fill("#id_measures", "截污纳管、清淤疏浚")
    page.fill("#id_deadline", deadline)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    task = RectificationTask.objects.get()
    page.click(f"a[href$='/tasks/{task.pk}/schedule/']")
    page.select_option("#id_template", str(template.pk))
    with page.expect_navigation():
        page.click("main form[method=get] button[type=submit]")
    shot(page, "schedule")
    with page.expect_navigation():
        page.click("main form[method=post] button[type=submit]")
    milestones = list(task.milestones.order_by("sort_order"))
    assert [m.title for m in milestones] == ["完成主体工程", "自查自验"]
    assert milestones[-1].due_date <= timezone.localdate() + timedelta(days=120)

    # The lead department reports progress with a photo and a PDF, then marks each milestone done.
    switch(page, base, city.env_handler)
    page.goto(f"{base}/admin/cases/tasks/{task.pk}/")
    first = milestones[0]
    page.click(f"#act-m{first.pk} > summary")
    page.fill(f"#id_m{first.pk}-percent", "100")
    page.fill(f"#id_m{first.pk}-narrative", "主体工程完工")
    page.set_input_files(f"#id_m{first.pk}-files", files=[
        {"name": "现场.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes()},
        {"name": "验收报告.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}])
    with page.expect_navigation():
        page.click(f"#act-m{first.pk} form button[type=submit]")
    assert set(EvidenceFile.objects.values_list("kind", flat=True)) == {"photo", "pdf"}
    for m in milestones:
        act(page, f"m{m.pk}d")
    shot(page, "task-department")
    assert axe_in_content(page) == []

    # The office verifies the milestones; the lead department submits; the office verifies the task.
    switch(page, base, office)
    page.goto(f"{base}/admin/cases/tasks/{task.pk}/")
    for m in milestones:
        act(page, f"m{m.pk}a")
    switch(page, base, city.env_handler)
    page.goto(f"{base}/admin/cases/tasks/{task.pk}/")
    act(page, "submit")
    switch(page, base, office)
    page.goto(f"{base}/admin/cases/tasks/{task.pk}/")
    act(page, "verify", {"#id_verify-verified_on": timezone.localdate().isoformat(),
                         "#id_verify-verified_by": "市整改办、第三方监测机构", "#id_verify-findings": "现场核查，水体达标"})
    task.refresh_from_db()
    assert task.state == "notice"
    page.goto(f"{base}/tasks/notices/")
    assert "城区黑臭水体整治" in page.content()
    shot(page, "notices")
    page.goto(f"{base}/tasks/task/{task.number}/objection/")
    shot(page, "objection")
    page.goto(f"{base}/admin/cases/tasks/")
    shot(page, "task-list")

    # The notice period passes without objection; the office writes the task off.
    RectificationTask.objects.filter(pk=task.pk).update(notice_ends_on=timezone.localdate() - timedelta(days=1))
    page.goto(f"{base}/admin/cases/tasks/{task.pk}/")
    shot(page, "task-office")
    act(page, "writeoff")
    assert RectificationTask.objects.get().state == "written_off"

    # The public ledger and the home counter follow at once.
    page.context.clear_cookies()
    page.goto(f"{base}/tasks/")
    row = page.locator("table.data-table tr", has_text="城区黑臭水体整治")
    assert "已完成" in row.inner_text()
    page.goto(f"{base}/")
    assert "1/1" in page.locator("[data-counter=tasks]").inner_text()
    page.goto(f"{base}/tasks/task/{task.number}/")
    shot(page, "public-task")
