"""Screens at a desk (1366×900) and on a phone (390×844): the workbench list, the case
page, the scorecard, the citizen's tracking page and the report form. On each, no two
visible elements that hold text or a control overlap, nothing sticks out of the page
sideways, and at 1366×900 the first result is visible without scrolling. The
screenshots are kept (PORTAL_SCREENSHOT_DIR, default: the test's temporary folder)."""

import os
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, Permission

from cases import actions
from cases.intake import ReporterInput, ReportInput, submit_case
from tests.cases.conftest import city  # noqa: F401
from tests.public.conftest import upload
from tests.workbench.otp import browser_login

pytestmark = pytest.mark.django_db(transaction=True)
SIZES = {"desk": (1366, 900), "phone": (390, 844)}

# Leaf boxes that carry text or take input, in document order; two of them overlapping
# (beyond a pixel of rounding) means something is drawn over something else.
OVERLAPS = """
(root) => {
  const scope = document.querySelector(root) || document.body;
  const items = [...scope.querySelectorAll('a, button, input, select, textarea, label, summary, th, td, h1, h2, h3, p, li, dt, dd, legend')]
    .filter(el => {
      const r = el.getBoundingClientRect(), s = getComputedStyle(el);
      return r.width > 1 && r.height > 1 && s.visibility !== 'hidden' && s.display !== 'none'
        && !el.closest('.w-sr-only, [hidden], .leaflet-container') && el.offsetParent !== null
        && !(el.closest('details:not([open])') && !el.closest('summary'))
        && ![...el.children].some(c => c.matches('a, button, input, select, textarea, label, p, li, th, td, dt, dd, h2, h3'));
    });
  const boxes = items.map(el => ({el, r: el.getBoundingClientRect()}));
  const found = [];
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
    const a = boxes[i], b = boxes[j];
    if (a.el.contains(b.el) || b.el.contains(a.el)) continue;
    const w = Math.min(a.r.right, b.r.right) - Math.max(a.r.left, b.r.left);
    const h = Math.min(a.r.bottom, b.r.bottom) - Math.max(a.r.top, b.r.top);
    if (w > 2 && h > 2) found.push([a.el.outerHTML.slice(0, 90), b.el.outerHTML.slice(0, 90)]);
  }
  return found.slice(0, 5);
}
"""
WIDER_THAN_PAGE = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.fixture
def world(city):  # noqa: F811
    access = Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    for group in Group.objects.all():
        group.permissions.add(access)
    for n in range(3):
        submit_case(ReportInput(category=city.noise, description=f"夜间施工噪声扰民{n}", latitude=36.55,
                                longitude=117.15, location_source="pin"), ReporterInput(), route=False)
    result = submit_case(ReportInput(category=city.air, description="夜间有刺鼻气味，疑似化工厂偷排",
                                     latitude=36.55, longitude=117.05, location_source="pin",
                                     address="东湖街道滨河路8号"),
                         ReporterInput(name="张三", phone="13800138000"), [upload("smell.jpg")])
    actions.accept(result.case, city.env_handler)
    return {"case": result.case, "code": result.access_code}


def shot_dir(tmp_path) -> Path:
    folder = Path(os.environ.get("PORTAL_SCREENSHOT_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def check(page, name: str, size: str, folder: Path, root: str = "main", first: str | None = None) -> None:
    page.emulate_media(reduced_motion="reduce")
    page.screenshot(path=str(folder / f"{name}-{size}.png"), full_page=True)
    assert page.evaluate(OVERLAPS, root) == [], f"{name} at {size}: overlapping elements"
    assert page.evaluate(WIDER_THAN_PAGE) <= 1, f"{name} at {size}: wider than the screen"
    if first and size == "desk":
        box = page.locator(first).first.bounding_box()
        assert box and box["y"] + box["height"] <= SIZES["desk"][1], f"{name}: first result below the fold"


@pytest.mark.parametrize("size", SIZES)
def test_staff_screens(browser_page, live_server, city, world, size, tmp_path):  # noqa: F811
    page, base, folder = browser_page, live_server.url, shot_dir(tmp_path)
    page.set_viewport_size(dict(zip(("width", "height"), SIZES[size], strict=True)))
    browser_login(page, base, city.intake)
    page.goto(f"{base}/admin/cases/?state=open")
    check(page, "workbench-list", size, folder, first="table.wb-cases tbody tr")
    page.goto(f"{base}/admin/cases/{world['case'].pk}/")
    check(page, "case-page", size, folder)
    page.goto(f"{base}/admin/cases/scorecard/")
    check(page, "scorecard", size, folder, first="table.wb-scorecard tbody tr")


@pytest.mark.parametrize("size", SIZES)
def test_citizen_screens(browser_page, live_server, world, size, tmp_path):
    page, base, folder = browser_page, live_server.url, shot_dir(tmp_path)
    page.set_viewport_size(dict(zip(("width", "height"), SIZES[size], strict=True)))
    page.goto(f"{base}/report/")
    check(page, "report-form", size, folder)
    page.goto(f"{base}/track/")
    page.fill("#id_reference", world["case"].reference)
    page.fill("#id_access_code", world["code"])
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    check(page, "tracking", size, folder)
    # What was reported comes back: the pin on the small map and the reporter's own photo.
    assert page.locator("#track-map .leaflet-marker-icon").count() == 1
    assert page.evaluate("() => [...document.querySelectorAll('.track-photos img')].map(i => i.naturalWidth)") == [
        64]
    assert page.locator(".site-nav-bar a[href='/track/']").count() == 1


def test_skip_link_reaches_the_first_case_quickly(browser_page, live_server, city, world):  # noqa: F811
    page, base = browser_page, live_server.url
    page.set_viewport_size({"width": 1366, "height": 900})
    browser_login(page, base, city.intake)
    page.goto(f"{base}/admin/cases/?state=open")
    presses = 0
    while not page.evaluate("document.activeElement.classList.contains('wb-skip')"):
        page.keyboard.press("Tab")
        presses += 1
        assert presses < 30, "the skip link is not among the first 30 Tab stops"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    if page.evaluate("document.activeElement.closest('.wb-results-bar') !== null"):
        page.keyboard.press("Tab")  # the export link next to the count
    assert page.evaluate("document.activeElement.closest('table.wb-cases') !== null")


def test_wrong_second_factor_code_is_visible(browser_page, live_server, city, world):  # noqa: F811
    from django.urls import reverse

    from tests.workbench.otp import PASSWORD, device_for

    page, base = browser_page, live_server.url
    device_for(city.intake)
    page.goto(f"{base}{reverse('wagtailadmin_login')}")
    page.fill("#id_username", city.intake.get_username())
    page.fill("#id_password", PASSWORD)
    page.click("form.login-form button[type=submit]")
    page.wait_for_url("**/admin/otp/verify/**")
    page.fill("#id_token", "000000")
    with page.expect_navigation():
        page.click("form.login-form button[type=submit]")
    assert page.locator(".w-field__errors .error-message").first.is_visible()
