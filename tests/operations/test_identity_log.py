"""The reporter-identity access log screen (cases/operations/identitylog.py): filters, a
formula-safe export in Excel and CSV that is itself logged, flat query counts."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from cases.models import ExportLog, IdentityAccessLog
from cases.operations.accounts import unlock
from cases.workbench.services import reveal_reporters
from tests import factories as f
from tests.operations.test_actions import failed_message

pytestmark = pytest.mark.django_db


@pytest.fixture
def viewed(city, new_case):
    first, second = new_case(), new_case()
    reveal_reporters(first, city.intake, "回访核实")
    reveal_reporters(second, city.intake, '=HYPERLINK("http://evil.example","点击")')
    return first, second


def test_the_log_lists_who_viewed_which_case_and_why_without_the_reporter(city, viewed, operator, login):
    first, second = viewed
    page = login(operator).get(reverse("operations:identity_log")).content.decode()
    assert first.reference in page and second.reference in page and "回访核实" in page
    assert "intake" in page
    assert "张三" not in page and "13800138000" not in page  # the log names the case, not the reporter


def test_filters_narrow_the_log(city, viewed, operator, login):
    first, second = viewed
    admin = login(operator)
    by_case = admin.get(reverse("operations:identity_log"), {"case": first.reference}).content.decode()
    assert first.reference in by_case and second.reference not in by_case
    by_purpose = admin.get(reverse("operations:identity_log"), {"purpose": "回访"}).content.decode()
    assert first.reference in by_purpose and second.reference not in by_purpose
    nobody = admin.get(reverse("operations:identity_log"), {"user": "env_handler"}).content.decode()
    assert first.reference not in nobody and second.reference not in nobody
    future = admin.get(reverse("operations:identity_log"), {"start": "2099-01-01"}).content.decode()
    assert first.reference not in future


def test_the_excel_export_is_formula_safe_filtered_and_logged(city, viewed, operator, login):
    first, second = viewed
    response = login(operator).get(reverse("operations:identity_log_xlsx"))
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("查看时间", "工作人员账号", "工作人员姓名", "案件", "查看事由")
    assert {r[3] for r in rows[1:]} == {first.reference, second.reference}
    evil = next(c for c in sheet["E"] if str(c.value).startswith("=HYPERLINK"))
    assert evil.data_type == "s" and evil.quotePrefix  # text, never a formula
    log = ExportLog.objects.get()
    assert (log.user, log.kind) == (operator, "identity_access_log_xlsx")


def test_the_csv_export_is_formula_safe_and_logged(city, viewed, operator, login):
    first, _second = viewed
    response = login(operator).get(reverse("operations:identity_log_csv"), {"case": first.reference})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 2 and rows[1][3] == first.reference and rows[1][4] == "回访核实"
    evil = login(operator).get(reverse("operations:identity_log_csv"), {"purpose": "HYPERLINK"})
    cell = list(csv.reader(io.StringIO(b"".join(evil.streaming_content).decode("utf-8-sig"))))[1][4]
    assert cell.startswith("'=HYPERLINK")
    assert list(ExportLog.objects.order_by("pk").values_list("kind", flat=True)) == ["identity_access_log_csv"] * 2
    assert first.reference in ExportLog.objects.order_by("pk").first().what


def _queries(client, url) -> int:
    """Statements of a warm request (the first one fills the cached sidebar and filter bar)."""
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_operator_lists_keep_a_flat_query_count(city, new_case, operator, login):
    admin = login(operator)
    case = new_case()
    reveal_reporters(case, city.intake, "a")
    urls = [reverse(n) for n in ("operations:identity_log", "operations:second_factor", "operations:lockouts",
                                 "operations:failures", "operations:log")]
    before = {url: _queries(admin, url) for url in urls}
    for n in range(12):
        reveal_reporters(new_case(), city.intake, f"p{n}")
        f.user(f"extra{n}", "department_handler", city.env)
        failed_message(case)
        unlock(operator, address=f"10.9.0.{n}")
    IdentityAccessLog.objects.create(case=case, user=city.intake, purpose="b")
    after = {url: _queries(admin, url) for url in urls}
    assert after == before
    assert before[reverse("operations:identity_log")] <= 12
