"""The supervision journey in a real browser (PRODUCT §4.7, §4.8): a supervisor issues a
督办 on an overdue case → the department replies with evidence → the supervisor accepts;
the office records an accountability item → the batch disclosure table shows it; the
office freezes a snapshot and downloads the Word report and drafts the news page; an
editor finds the draft. Screens are photographed at desktop and phone widths."""

import io
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, Permission
from django.utils import timezone
from docx import Document

from cases import actions, roles
from cases.models import AccountabilityRecord, Case, OrderState, SupervisionOrder
from cms.models import NewsPage
from cms.setup import ensure_editorial_workflow
from tests import factories as f
from tests.browser.test_editor_journey import home  # noqa: F401
from tests.cases.conftest import city  # noqa: F401
from tests.cms.conftest import _clear_cache, tree  # noqa: F401
from tests.cms.helpers import batch, close_case, referral
from tests.workbench.otp import browser_login

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = Path("/tmp/supervision-shots")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def shoot(page, name: str) -> None:
    """Desktop and phone screenshots of the current screen (for people to look at)."""
    SHOTS.mkdir(exist_ok=True)
    for width, height in ((1366, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})


def sign_in(page, base, user) -> None:
    page.context.clear_cookies()
    browser_login(page, base, user)


def submit(page, selector: str) -> None:
    with page.expect_navigation():
        page.click(selector)


@pytest.fixture
def world(tree, city):  # noqa: F811
    ensure_editorial_workflow()
    access = Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    for group in Group.objects.all():
        group.permissions.add(access)
    central = batch(number=1)
    closed = close_case(referral(city, central, sequence=1), city, summary="化工厂偷排问题属实，已整改到位。")
    late = referral(city, central, sequence=2)
    late = actions.accept(late, city.water_handler if late.lead_department == city.water else city.env_handler)
    Case.objects.filter(pk=late.pk).update(is_overdue=True)
    office = f.user("office_b", roles.OFFICE, city.desk)
    Group.objects.get(name=roles.OFFICE).permissions.add(access)
    editor = f.user("editor_b", roles.EDITOR, is_staff=True)
    return {"late": late, "closed": closed, "office": office, "editor": editor, "tree": tree}


def test_supervision_journey(browser_page, live_server, city, world):  # noqa: F811
    page, base = browser_page, live_server.url
    page.set_viewport_size({"width": 1366, "height": 900})
    late = world["late"]
    handler = city.water_handler if late.lead_department == city.water else city.env_handler

    # The supervisor issues a 督办 on the overdue case from the case page.
    sign_in(page, base, city.supervisor)
    page.goto(f"{base}/admin/cases/?overdue=on&state=open")
    submit(page, f"text={late.reference}")
    submit(page, "#orders-heading ~ p a")
    page.fill("#id_required_action", "该件已超期，请于5个工作日内查明原因并报送整改进展。")
    shoot(page, "order-form")
    submit(page, "main form button[type=submit]")
    order = SupervisionOrder.objects.get(case=late)
    assert order.level == 2 and list(order.departments.all()) == [late.lead_department]

    # The department sees it on its dashboard and replies with a PDF.
    sign_in(page, base, handler)
    assert order.number in page.content()
    shoot(page, "dashboard-department")
    submit(page, f"text={order.number}")
    page.fill("#id_reply-text", "已查明原因：企业设备故障，现已修复并复产验收。")
    page.set_input_files("#id_reply-files", files=[
        {"name": "整改报告.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    submit(page, "#act-reply + form button[type=submit]")
    order.refresh_from_db()
    assert order.state == OrderState.REPLIED and order.evidence.count() == 1
    assert "张三" not in page.content()

    # The supervisor accepts the reply.
    sign_in(page, base, city.supervisor)
    page.goto(f"{base}/admin/cases/supervision/{order.pk}/")
    shoot(page, "order-replied")
    submit(page, "#act-accept + form button[type=submit]")
    order.refresh_from_db()
    assert order.state == OrderState.ACCEPTED

    # The office records an accountability item; the public disclosure table shows it.
    sign_in(page, base, world["office"])
    page.goto(f"{base}/admin/cases/accountability/new/")
    page.fill("#id_unit_name", "东湖街道办事处")
    page.select_option("#id_form", "interview")
    page.fill("#id_reason", "信访件办理不力，群众反复投诉。")
    page.fill("#id_decided_on", timezone.localdate().isoformat())
    page.fill("#id_authority", "市生态环境保护督察整改工作领导小组")
    page.fill("#id_cases", world["closed"].reference)
    shoot(page, "accountability-form")
    submit(page, "main form button[type=submit]")
    assert AccountabilityRecord.objects.count() == 1
    page.goto(f"{base}/batches/central/1/")
    assert "约谈1家单位" in page.locator("table.disclosure").inner_text()

    # The office freezes a snapshot, downloads the Word report and drafts the news page.
    page.goto(f"{base}/admin/cases/reports/")
    page.fill("#id_as_of", timezone.localdate().isoformat())
    submit(page, "main form button[type=submit]")
    shoot(page, "snapshot")
    with page.expect_download() as download:
        page.click("text=下载 Word 通报")
    document = Document(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert "一、总体进展" in [p.text for p in document.paragraphs]
    text = "\n".join(p.text for p in document.paragraphs)
    assert "中央生态环境保护督察交办信访件2件，已办结1件，1件正在办理（其中逾期1件）。" in text
    submit(page, "text=生成新闻稿草稿")
    draft = NewsPage.objects.get()
    assert not draft.live

    # An editor finds the draft among the news pages.
    sign_in(page, base, world["editor"])
    page.goto(f"{base}/admin/pages/{world['tree'].news.pk}/")
    assert draft.title in page.content()
