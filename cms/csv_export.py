"""CSV responses for open data: UTF-8 with a BOM (Excel opens it as UTF-8) and
formula-safe cells (a cell starting with = + - @ is prefixed with a quote, as
Wagtail's own spreadsheet export does; docs/architecture.md, "Stack notes").

Streamed a few hundred rows at a time, so a file of 100,000 cases starts at once and
never sits whole in a web worker's memory; each download is logged (which file, which
filter, how many rows) by ``portal.exports``, like the staff exports."""

import csv
import json
import logging
import time
from collections.abc import Iterable, Iterator, Sequence

from django.http import StreamingHttpResponse

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"
ROWS_PER_CHUNK = 500
log = logging.getLogger("portal.exports")


def safe_cell(value) -> str:
    if value is None:
        return ""
    text = value if type(value) is str else str(value)
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


def _logged(chunks: Iterator[bytes], counter: list[int], what: dict, rows: Iterable) -> Iterator[bytes]:
    """`chunks`, logged when the last one left or the client went away (the server
    then closes the response, which closes this generator: no further row is read)."""
    started, finished = time.monotonic(), False
    try:
        yield from chunks
        finished = True
    finally:
        close = getattr(rows, "close", None)
        if close:  # the query's cursor, at once rather than when the generator is collected
            close()
        log.info("open data %s, filter %r: %s rows in %.1f s%s", what.get("kind", "?"), what.get("filter", ""),
                 counter[0], time.monotonic() - started, "" if finished else " (stopped)",
                 extra={"export": {**what, "rows": counter[0], "finished": finished}})


def _csv_chunks(header: Sequence[str], rows: Iterable[Sequence], counter: list[int]) -> Iterator[bytes]:
    lines = _Lines()
    writer = csv.writer(lines)
    lines.write(BOM)
    writer.writerow([safe_cell(h) for h in header])
    yield lines.take()  # the first bytes leave before the first row is read
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
        counter[0] += 1
        if counter[0] % ROWS_PER_CHUNK == 0:
            yield lines.take()
    yield lines.take()


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence], *,
                 what: dict | None = None) -> StreamingHttpResponse:
    counter = [0]
    response = StreamingHttpResponse(_logged(_csv_chunks(header, rows, counter), counter,
                                             {"kind": filename, **(what or {})}, rows),
                                     content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Accel-Buffering"] = "no"
    return response


def _json_chunks(head: str, items: Iterable, tail: str, counter: list[int]) -> Iterator[bytes]:
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    yield head.encode("utf-8")  # the first bytes leave before the first row is read
    parts: list[str] = []
    for item in items:
        parts.append(("," if counter[0] else "") + dumps(item))
        counter[0] += 1
        if counter[0] % ROWS_PER_CHUNK == 0:
            yield "".join(parts).encode("utf-8")
            parts.clear()
    parts.append(tail)
    yield "".join(parts).encode("utf-8")


def json_stream_response(filename: str, content_type: str, head: str, items: Iterable, tail: str, *,
                         what: dict | None = None, disposition: str = "attachment") -> StreamingHttpResponse:
    """A JSON document `head` + the items, comma-separated + `tail` (e.g. a GeoJSON
    FeatureCollection), streamed and logged like the CSV files."""
    counter = [0]
    response = StreamingHttpResponse(_logged(_json_chunks(head, items, tail, counter), counter,
                                             {"kind": filename, **(what or {})}, items),
                                     content_type=content_type)
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["X-Accel-Buffering"] = "no"
    return response
