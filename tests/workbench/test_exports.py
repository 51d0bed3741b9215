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


def _rows_that_record_reads(n: int, state: dict):
    try:
        for i in range(n):
            state["read"] = i + 1
            yield [i]
    finally:
        state["closed"] = True


@pytest.mark.django_db  # response.close() sends request_finished, which checks the connections
def test_a_client_that_goes_away_stops_the_export_and_it_is_logged_as_stopped(caplog):
    """The server closes the response when the client disconnects: no further row is
    read, the row source is closed and the log says "stopped" with the rows sent."""
    from cases.workbench import exports

    state = {"read": 0, "closed": False}
    response = xlsx_response("t.xlsx", "Cases", ["n"], _rows_that_record_reads(10_000, state),
                             what={"kind": "cases", "user": 7, "filter": "state=open"})
    with caplog.at_level(logging.INFO, logger="portal.exports"):
        chunks = iter(response.streaming_content)
        next(chunks)  # the heading
        next(chunks)  # the first ROWS_PER_CHUNK rows
        response.close()
    assert state["closed"] and state["read"] <= exports.ROWS_PER_CHUNK + 1
    # (a streamed response another test left unfinished may be collected meanwhile)
    records = [r for r in caplog.records if r.name == "portal.exports" and r.export.get("user") == 7]
    assert len(records) == 1 and "stopped" in records[0].getMessage()
    assert records[0].export["finished"] is False and records[0].export["rows"] == exports.ROWS_PER_CHUNK
    assert records[0].export["user"] == 7 and records[0].export["filter"] == "state=open"


@pytest.mark.django_db
def test_the_case_export_stops_reading_the_database_when_the_client_goes_away(city, new_case, login, caplog,
                                                                            monkeypatch):
    from cases.workbench import exports

    monkeypatch.setattr(exports, "ROWS_PER_CHUNK", 1)
    for _ in range(3):
        new_case()
    client = login(city.intake)
    with caplog.at_level(logging.INFO, logger="portal.exports"):
        response = client.get(reverse("workbench:export"))
        chunks = iter(response.streaming_content)
        next(chunks)
        next(chunks)
        response.close()
    logged = [r.export for r in caplog.records if r.name == "portal.exports" and r.export.get("kind") == "cases"]
    assert logged == [{"kind": "cases", "user": city.intake.pk, "filter": "", "rows": 1, "finished": False}]
