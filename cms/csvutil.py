"""CSV responses for open data: UTF-8 with a BOM (Excel opens it as UTF-8) and
formula-safe cells (a cell starting with = + - @ is prefixed with a quote, as
Wagtail's own spreadsheet export does; ENGINEERING §4).

Streamed a few hundred rows at a time, so a file of 100,000 cases starts at once and
never sits whole in a web worker's memory; each download is logged (which file, which
filter, how many rows) by ``portal.exports``, like the staff exports."""

import csv
import logging
import time
from collections.abc import Iterable, Iterator, Sequence

from django.http import StreamingHttpResponse

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"
ROWS_PER_CHUNK = 500
log = logging.getLogger("portal.exports")


def safe_cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


class _Lines:
    """csv.writer's file: keeps what was written until the generator takes it."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def write(self, text: str) -> None:
        self.parts.append(text)

    def take(self) -> bytes:
        data, self.parts = "".join(self.parts), []
        return data.encode("utf-8")


def _chunks(header: Sequence[str], rows: Iterable[Sequence], what: dict) -> Iterator[bytes]:
    lines, count, started, finished = _Lines(), 0, time.monotonic(), False
    writer = csv.writer(lines)
    lines.write(BOM)
    writer.writerow([safe_cell(h) for h in header])
    try:
        for row in rows:
            writer.writerow([safe_cell(v) for v in row])
            count += 1
            if count % ROWS_PER_CHUNK == 0:
                yield lines.take()
        yield lines.take()
        finished = True
    finally:
        log.info("open data %s, filter %r: %s rows in %.1f s%s", what.get("kind", "?"), what.get("filter", ""),
                 count, time.monotonic() - started, "" if finished else " (stopped)",
                 extra={"export": {**what, "rows": count, "finished": finished}})


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence], *,
                 what: dict | None = None) -> StreamingHttpResponse:
    response = StreamingHttpResponse(_chunks(header, rows, {"kind": filename, **(what or {})}),
                                     content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Accel-Buffering"] = "no"
    return response
