"""The staff journey in a real browser (docs/product.md §4.3): the intake officer dispatches
a new report → the handler accepts, adds an evidence photo and submits the result →
the intake officer verifies and closes → the reporter's tracking page shows the reply.
Each staff member signs in with password and authenticator code (2FA stays on)."""

import pytest
from django.contrib.auth.models import Group, Permission

from cases.intake import ReporterInput, ReportInput, submit_case
from cases.models import Case, Photo
from tests.browser.conftest import AXE
from tests.cases.conftest import city  # noqa: F401
from tests.workbench.helpers import jpeg_bytes
from tests.workbench.otp import browser_login

pytestmark = pytest.mark.django_db(transaction=True)


def submit_action(page, name: str) -> None:
    with page.expect_navigation():
        page.click(f"#action-{name} form button[type=submit]")


def open_action(page, name: str) -> None:
    page.click(f"#action-{name} > summary")


def state_of(case) -> str:
    return Case.objects.get(pk=case.pk).state


def axe_in_content(page) -> list:
    # Wagtail fades its messages in: contrast measured mid-animation is a false finding.
    page.add_style_tag(content="*, *::before, *::after { animation: none !important; transition: none !important; }")
    page.evaluate(AXE)  # not add_script_tag: the back office's CSP refuses an inline <script>
    result = page.evaluate("async () => await axe.run(document.querySelector('main'),"
                           " {resultTypes: ['violations']})")
    return [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]
            if v["impact"] in ("serious", "critical")]


def test_staff_journey(browser_page, live_server, city):  # noqa: F811
    access = Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    for group in Group.objects.all():
        group.permissions.add(access)
    result = submit_case(ReportInput(category=city.air, description="夜间有刺鼻气味，疑似化工厂偷排",
                                     latitude=36.55, longitude=117.05, location_source="pin"),
                         ReporterInput(name="张三", phone="13800138000"), route=False)
    case, code = result.case, result.access_code
    page, base = browser_page, live_server.url
    page.set_viewport_size({"width": 1280, "height": 900})

    # The intake officer dispatches, with the routing rule's suggestion preselected.
    browser_login(page, base, city.intake)
    page.goto(f"{base}/admin/cases/?state=submitted")
    with page.expect_navigation():
        page.click(f"text={case.reference}")
    assert page.locator(".leaflet-container").count() == 1  # the map, tiles faked locally
    open_action(page, "dispatch")
    assert page.input_value("#id_dispatch-department") == str(city.env.pk)
    submit_action(page, "dispatch")
    assert state_of(case) == "assigned"
    assert axe_in_content(page) == []

    # The handler of 市生态环境局 accepts, adds an "after" photo and submits the result.
    page.context.clear_cookies()
    browser_login(page, base, city.env_handler)
    page.goto(f"{base}/admin/cases/{case.pk}/")
    assert "13800138000" not in page.content() and "张三" not in page.content()
    open_action(page, "accept")
    submit_action(page, "accept")
    assert state_of(case) == "in_progress"
    open_action(page, "evidence")
    page.set_input_files("#id_evidence-photos", files=[
        {"name": "after.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes()}])
    page.select_option("#id_evidence-kind", "after")
    page.fill("#id_evidence-caption", "整改后现场")
    submit_action(page, "evidence")
    assert Photo.objects.filter(case=case, kind="after").count() == 1
    assert page.locator(".wb-before-after img").count() == 1
    open_action(page, "submit_result")
    page.fill("#id_submit_result-findings", "经现场核查，该厂夜间违规排放属实，已立案处罚。")
    page.fill("#id_submit_result-reply", "经核查，您反映的问题属实，已责令企业停产整改并处罚款。")
    submit_action(page, "submit_result")
    assert state_of(case) == "pending_review"

    # The intake officer verifies and closes.
    page.context.clear_cookies()
    browser_login(page, base, city.intake)
    page.goto(f"{base}/admin/cases/{case.pk}/")
    open_action(page, "close")
    submit_action(page, "close")
    assert state_of(case) == "closed"

    # The reporter follows the case and reads the reply.
    page.context.clear_cookies()
    page.goto(f"{base}/track/")
    page.fill("#id_reference", case.reference)
    page.fill("#id_access_code", code)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert "已责令企业停产整改并处罚款" in page.content()
