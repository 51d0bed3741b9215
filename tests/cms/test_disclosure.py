"""Referral batch disclosure tables in the official layout, as a page and as CSV."""

import csv
import io

import pytest

from cases.models import Case
from cms.csvutil import safe_cell
from cms.disclosure import rows
from tests.cms.helpers import batch, close_case, referral


@pytest.fixture
def referred(city):
    b = batch(number=3)
    closed = close_case(referral(city, b, sequence=1), city, summary="经调查，反映问题属实。",
                        reply="=HYPERLINK(\"http://evil\")已责令整改")
    Case.objects.filter(pk=closed.pk).update(accountability="@对相关责任人约谈")
    hidden = close_case(referral(city, b, sequence=2), city, summary="不公开的摘要", public=False)
    open_case = referral(city, b, sequence=3)
    return b, closed, hidden, open_case


@pytest.mark.django_db
def test_rows_follow_the_official_layout(referred):
    b, closed, hidden, open_case = referred
    table = rows(b)
    assert [r[1] for r in table] == [closed.original_code, hidden.original_code, open_case.original_code]
    assert table[0][0] == "1"
    assert table[0][2] == "东湖街道"
    assert table[0][3] == "水污染"
    assert table[0][4] == "经调查，反映问题属实。"
    assert table[0][5].endswith("已责令整改")
    assert table[0][6] == "@对相关责任人约谈"
    # not public: listed (the inspectors count the rows), texts withheld
    assert "不公开的摘要" not in table[1]
    assert table[1][5] == ""
    states = [r[7] for r in table]
    assert states[0] == states[1] != states[2]


@pytest.mark.django_db
def test_batch_page_and_index(client, tree, referred):
    b = referred[0]
    index = client.get("/batches/").content.decode()
    assert "/batches/central/3/" in index and "/batches/central/3/csv/" in index
    html = client.get("/batches/central/3/").content.decode()
    assert referred[1].original_code in html
    assert "经调查，反映问题属实。" in html
    assert "不公开的摘要" not in html
    assert "内部核查" not in html and "举报人赵六" not in html
    assert client.get("/batches/central/99/").status_code == 404
    assert client.get("/batches/nowhere/3/").status_code == 404
    assert b.number == 3


@pytest.mark.django_db
def test_batch_csv_has_bom_and_is_formula_safe(client, tree, referred):
    response = client.get("/batches/central/3/csv/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="batch-central-3.csv"' in response["Content-Disposition"]
    raw = b"".join(response.streaming_content)
    assert raw.startswith("\ufeff".encode())
    table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(table) == 4 and len(table[0]) == 8
    assert table[1][5].startswith("'=HYPERLINK")
    assert table[1][6] == "'@对相关责任人约谈"
    assert "不公开的摘要" not in raw.decode("utf-8-sig")
    assert "内部核查" not in raw.decode("utf-8-sig")


def test_safe_cell():
    assert safe_cell("=1+1") == "'=1+1"
    assert safe_cell("+86") == "'+86"
    assert safe_cell("-2") == "'-2"
    assert safe_cell("@SUM") == "'@SUM"
    assert safe_cell("污水") == "污水"
    assert safe_cell(None) == ""
    assert safe_cell(3) == "3"


@pytest.mark.django_db
def test_accountability_records_fill_the_column_in_the_official_wording(client, tree, referred):
    from datetime import date

    from cases.supervision.accountability import record_accountability

    b, closed, hidden, _open = referred
    for unit in ("东湖街道办事处", "某化工有限公司"):
        record_accountability(referred_supervisor(), unit_name=unit, form="interview", reason="办理不力",
                              decided_on=date(2026, 3, 1), authority="市督查室", cases=[closed])
    record_accountability(referred_supervisor(), unit_name="东湖街道办事处", form="admonishment", reason="失职",
                          decided_on=date(2026, 3, 1), authority="市纪委监委", person_name="王五",
                          person_post="副主任", cases=[closed, hidden])
    table = rows(b)
    assert table[0][6] == "约谈2家单位，问责1人；@对相关责任人约谈"
    assert table[1][6] == ""  # not public: nothing shown, not even the count
    html = client.get("/batches/central/3/").content.decode()
    assert "约谈2家单位，问责1人" in html and "王五" not in html


def referred_supervisor():
    from cases import roles
    from tests import factories as f

    return f.user(role=roles.SUPERVISOR)
