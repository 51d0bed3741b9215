"""Exports over HTTP (call after django.setup(), with the benchmark server running):
the staff case export (.xlsx), the scorecard export and the public open-data files
(CSV and GeoJSON), each timed to its first byte and to its last, on one connection,
once.

The scorecard has one row per department (21 in the demo city): its cost is the
scorecard's queries over the period's cases, not rows written, so its "100,000 rows"
are the cases it counts. It is asked for the last two years (`SCORECARD_DAYS`), the
span bench/seed_volume.py spreads its cases over, so every seeded case is counted
(its default period, the current month, holds ~1/24 of them).
The GeoJSON file lists only public cases with a location; bench/seed_volume.py
places every public synthetic case inside the demo city, so it holds one feature
per public case.

Target (docs/performance.md): the first byte within 1 s, 100,000 rows within 15 s.
"""

from __future__ import annotations

import http.client
import io
import time
from dataclasses import dataclass

from bench.common import HOST


@dataclass
class ExportResult:
    path: str
    status: int
    first_byte: float
    total: float
    size: int
    rows: int | None = None


def fetch(port: int, path: str, cookie: tuple[str, str] | None = None) -> tuple[ExportResult, bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=300)
    headers = {"Host": f"{HOST}:{port}", "Accept-Language": "zh-CN"}
    if cookie:
        headers["Cookie"] = f"{cookie[0]}={cookie[1]}"
    started = time.perf_counter()
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    first = response.read(1)
    first_byte = time.perf_counter() - started
    body = first + response.read()
    total = time.perf_counter() - started
    conn.close()
    return ExportResult(path, response.status, first_byte, total, len(body)), body


def xlsx_rows(body: bytes) -> int:
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(body), read_only=True).active
    return sum(1 for _ in sheet.iter_rows(values_only=True)) - 1


def csv_rows(body: bytes) -> int:
    return max(body.decode("utf-8-sig").count("\n") - 1, 0)


def geojson_rows(body: bytes) -> int:
    import json

    return len(json.loads(body)["features"])


SCORECARD_DAYS = 2 * 366


def scorecard_query() -> str:
    from datetime import timedelta

    from django.utils import timezone

    today = timezone.localdate()
    return f"?date_from={today - timedelta(days=SCORECARD_DAYS):%Y-%m-%d}&date_to={today:%Y-%m-%d}"


def measure(port: int, staff_cookie: tuple[str, str] | None, public_list_url: str | None,
            count_rows: bool = True) -> dict[str, ExportResult]:
    from django.urls import reverse

    out = {}
    if staff_cookie:
        for name, path in (("case export", reverse("workbench:export")),
                           ("scorecard export", reverse("workbench:scorecard_export") + scorecard_query())):
            result, body = fetch(port, path, staff_cookie)
            if count_rows and result.status == 200:
                result.rows = xlsx_rows(body)
            out[name] = result
    if public_list_url:
        for name, suffix, count in (("open-data CSV", "/csv/", csv_rows),
                                    ("open-data GeoJSON", "/geojson/", geojson_rows)):
            result, body = fetch(port, public_list_url.rstrip("/") + suffix)
            if result.status == 200:
                result.rows = count(body)
            out[name] = result
    return out
