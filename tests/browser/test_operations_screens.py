"""The operator screens (运维) in a real browser, at a desk (1366×900) and on a phone
(390×844): an administrator signs in with the second factor, opens each screen, resets a
staff member's second factor with a reason and sees the result. No overlapping text,
nothing wider than the screen; screenshots kept (PORTAL_SCREENSHOT_DIR)."""

import pytest
from django.urls import reverse

from cases import roles
from cases.intake import ReporterInput, ReportInput, submit_case
from cases.models import OperatorAction
from cases.workbench.services import reveal_reporters
from tests import factories as f
from tests.browser.test_screen_layout import SIZES, check, shot_dir
from tests.cases.conftest import city  # noqa: F401
from tests.operations.test_actions import failed_message
from tests.workbench.otp import browser_login, device_for

pytestmark = pytest.mark.django_db(transaction=True)
SCREENS = ["operations:second_factor", "operations:lockouts", "operations:failures", "operations:identity_log",
           "operations:log"]


@pytest.fixture
def world(city):  # noqa: F811
    roles.ensure_role_groups()
    case = submit_case(ReportInput(category=city.air, description="夜间有刺鼻气味", latitude=36.55,
                                   longitude=117.05, location_source="pin"),
                       ReporterInput(name="张三", phone="13800138000")).case
    reveal_reporters(case, city.intake, "回访核实办理情况")
    failed_message(case)
    device_for(city.env_handler)
    return {"admin": f.user("ops_admin", roles.ADMINISTRATOR), "case": case}


@pytest.mark.parametrize("size", SIZES)
def test_an_administrator_uses_the_operator_screens(world, city, browser_page, live_server, size, tmp_path):  # noqa: F811
    page, folder = browser_page, shot_dir(tmp_path)
    page.set_viewport_size(dict(zip(("width", "height"), SIZES[size], strict=True)))
    browser_login(page, live_server.url, world["admin"])
    for name in SCREENS:
        page.goto(live_server.url + reverse(name))
        assert page.locator("main table").count() >= 1, name
        check(page, name.split(":")[1], size, folder)
    assert world["case"].reference in page.goto(live_server.url + reverse("operations:identity_log")).text()

    page.goto(live_server.url + reverse("operations:second_factor_reset", args=[city.env_handler.pk]))
    check(page, "second_factor_reset", size, folder)
    page.fill("#id_reason", "手机丢失，本人到办公室核实身份")
    page.get_by_role("button", name="重置二次验证").click()
    page.wait_for_url("**/operations/second-factor/")
    assert "已重置 env_handler 的二次验证" in page.content()
    check(page, "second_factor_after_reset", size, folder)
    assert OperatorAction.objects.get().reason == "手机丢失，本人到办公室核实身份"
