"""The streamed workbook writer (cases/workbench/exports.py): readable by openpyxl,
formula-safe, dates as dates, control characters dropped, every export logged."""

import io
import logging
from datetime import UTC, date, datetime

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from cases.workbench.exports import xlsx_response


def workbook(response):
    return load_workbook(io.BytesIO(b"".join(response.streaming_content))).active


def test_values_keep_their_types_and_strings_never_become_formulas():
    rows = [["HB2026-000001", 3, 2.5, True, datetime(2026, 3, 1, 1, 30, tzinfo=UTC), date(2026, 3, 2),
             "=1+1", "a\x07b & <c>\n第二行", None]]
    sheet = workbook(xlsx_response("t.xlsx", "Cases", [f"h{i}" for i in range(9)], rows))
    header, row = list(sheet.iter_rows())
    assert [c.value for c in header][:2] == ["h0", "h1"] and header[0].font.b
    values = [c.value for c in row]
    assert values[:4] == ["HB2026-000001", 3, 2.5, True]
    assert values[4] == datetime(2026, 3, 1, 9, 30)  # Asia/Shanghai wall time
    assert values[5] == datetime(2026, 3, 2, 0, 0)
    assert values[6] == "=1+1" and row[6].data_type == "s" and row[6].quotePrefix
    assert values[7] == "ab & <c>\n第二行"
    assert values[8] is None


def test_many_rows_stream_in_several_chunks():
    response = xlsx_response("t.xlsx", "Cases", ["n"], ([i] for i in range(1200)))
    chunks = list(response.streaming_content)
    assert len(chunks) >= 3
    sheet = load_workbook(io.BytesIO(b"".join(chunks))).active
    assert [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)] == list(range(1200))


@pytest.mark.django_db
def test_the_case_export_is_logged_with_who_filter_and_rows(city, new_case, login, caplog):
    new_case()
    new_case()
    client = login(city.intake)
    with caplog.at_level(logging.INFO, logger="portal.exports"):
        response = client.get(reverse("workbench:export") + "?state=assigned")
        sheet = workbook(response)
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    records = [r for r in caplog.records if r.name == "portal.exports"]
    assert len(records) == 1
    logged = records[0].export
    assert logged["kind"] == "cases" and logged["user"] == city.intake.pk
    assert logged["filter"] == "state=assigned" and logged["finished"]
    assert logged["rows"] == sheet.max_row - 1
