"""Excel exports (docs/product.md §4.3), streamed, safe against formula injection, logged.

Streamed: the workbook is written row by row into a zip that goes to the client as it
grows (``zipfile`` writes data descriptors on a stream it cannot seek), so the
request starts answering at once and holds at most a few hundred rows in memory.
The sheet XML is written here directly (inline strings, one style per kind of
cell) because openpyxl needed ~85 s for 100,000 rows, past the web timeout
(docs/performance.md); openpyxl reads the result back in the tests.

Formula-safe: every string is an inline string cell (``t="inlineStr"``), which a
spreadsheet never evaluates, and strings starting with = + - @ (or a tab / CR,
which spreadsheet programs also treat as formula starts when the cell is edited)
carry Excel's quote prefix, so they stay text even when someone edits the cell
(Wagtail's own spreadsheet export does the same; docs/architecture.md, "Stack notes").

Logged: who, which export, which filter and how many rows, when the last row was
sent or the client went away (logger ``portal.exports``). No export here ever reads
ReporterIdentity (docs/product.md §7).
"""

import logging
import re
import time
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from xml.sax.saxutils import escape

from django.http import StreamingHttpResponse
from django.utils import timezone

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ROWS_PER_CHUNK = 500
EPOCH = datetime(1899, 12, 30)
# Characters XML 1.0 does not allow (a control character in a description would
# make the whole workbook unreadable).
INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
log = logging.getLogger("portal.exports")

# Styles (cellXfs): 0 plain, 1 bold heading, 2 date and time, 3 text with quote prefix.
STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd hh:mm"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def _static_parts(title: str) -> list[tuple[str, str]]:
    ns = "http://schemas.openxmlformats.org"
    return [
        ("[Content_Types].xml",
         '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
         f'<Types xmlns="{ns}/package/2006/content-types">'
         '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
         '<Default Extension="xml" ContentType="application/xml"/>'
         '<Override PartName="/xl/workbook.xml" '
         'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
         '<Override PartName="/xl/worksheets/sheet1.xml" '
         'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
         '<Override PartName="/xl/styles.xml" '
         'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>'),
        ("_rels/.rels",
         '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
         f'<Relationships xmlns="{ns}/package/2006/relationships">'
         f'<Relationship Id="rId1" Type="{ns}/officeDocument/2006/relationships/officeDocument" '
         'Target="xl/workbook.xml"/></Relationships>'),
        ("xl/workbook.xml",
         '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
         f'<workbook xmlns="{ns}/spreadsheetml/2006/main" xmlns:r="{ns}/officeDocument/2006/relationships">'
         f'<sheets><sheet name="{escape(_sheet_title(title), {chr(34): "&quot;"})}" sheetId="1" r:id="rId1"/>'
         "</sheets></workbook>"),
        ("xl/_rels/workbook.xml.rels",
         '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
         f'<Relationships xmlns="{ns}/package/2006/relationships">'
         f'<Relationship Id="rId1" Type="{ns}/officeDocument/2006/relationships/worksheet" '
         'Target="worksheets/sheet1.xml"/>'
         f'<Relationship Id="rId2" Type="{ns}/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
         "</Relationships>"),
        ("xl/styles.xml", STYLES),
    ]


def _sheet_title(title: str) -> str:
    return re.sub(r"[\[\]:*?/\\]", " ", title)[:31] or "Sheet1"


def _column_names(n: int) -> list[str]:
    names = []
    for i in range(n):
        name, i = "", i + 1
        while i:
            i, rem = divmod(i - 1, 26)
            name = chr(65 + rem) + name
        names.append(name)
    return names


def _cell(ref: str, value, style: int = 0, tz=None) -> str:
    if value is None or value == "":
        return ""
    if type(value) is str:
        return _text(ref, value, style)
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        return f'<c r="{ref}"><v>{value}</v></c>'
    if isinstance(value, datetime):
        return f'<c r="{ref}" s="2"><v>{_serial(value, tz or timezone.get_current_timezone())}</v></c>'
    if isinstance(value, date):
        return f'<c r="{ref}" s="2"><v>{(value - EPOCH.date()).days}</v></c>'
    return _text(ref, str(value), style)


def _serial(value: datetime, tz) -> str:
    """Excel's date serial of a datetime. Excel has no time zones: the local
    (Asia/Shanghai) wall time is written."""
    local = value.astimezone(tz).replace(tzinfo=None) if value.tzinfo else value
    return f"{(local - EPOCH).total_seconds() / 86400:.8f}"


def _text(ref: str, text: str, style: int) -> str:
    if not text.isprintable():  # line breaks are allowed, other control characters are not
        text = INVALID_XML.sub("", text)
    if style == 0 and text.startswith(FORMULA_STARTS):
        style = 3
    styled = f' s="{style}"' if style else ""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f'<c r="{ref}" t="inlineStr"{styled}><is><t xml:space="preserve">{text}</t></is></c>'


def _row(number: int, columns: list[str], values: Sequence, style: int = 0) -> str:
    cells = "".join(_cell(f"{col}{number}", v, style) for col, v in zip(columns, values, strict=False))
    return f'<row r="{number}">{cells}</row>'


def _row_writer(columns: list[str], tz):
    """`_row()` for the data rows, with the common types (str, None, datetime, int)
    handled inline: at 100,000 rows × 18 columns the function calls per cell and the
    time zone looked up per date were most of the writer's time. Same XML as `_row()`."""
    starts, invalid, epoch = FORMULA_STARTS, INVALID_XML.sub, EPOCH

    def row(number: int, values: Sequence) -> str:
        parts = [f'<row r="{number}">']
        append = parts.append
        for col, value in zip(columns, values, strict=False):
            kind = type(value)
            if kind is str:
                if not value:
                    continue
                if not value.isprintable():
                    value = invalid("", value)
                if "&" in value or "<" in value or ">" in value:
                    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                styled = ' s="3"' if value.startswith(starts) else ""
                append(f'<c r="{col}{number}" t="inlineStr"{styled}><is><t xml:space="preserve">{value}</t></is></c>')
            elif value is None:
                continue
            elif kind is datetime:
                local = value.astimezone(tz).replace(tzinfo=None) if value.tzinfo else value
                append(f'<c r="{col}{number}" s="2"><v>{(local - epoch).total_seconds() / 86400:.8f}</v></c>')
            elif kind is int or kind is float:
                append(f'<c r="{col}{number}"><v>{value}</v></c>')
            else:
                append(_cell(f"{col}{number}", value, 0, tz))
        append("</row>")
        return "".join(parts)

    return row


class _Sink:
    """A write-only stream: zipfile appends bytes, the generator takes them away."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []

    def write(self, data) -> int:
        self.chunks.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data, self.chunks = b"".join(self.chunks), []
        return data


def xlsx_chunks(title: str, headings: Sequence[str], rows: Iterable[Sequence], counter: list[int]) -> Iterator[bytes]:
    """The bytes of a one-sheet workbook, a few hundred rows at a time; counter[0]
    counts the data rows written."""
    sink = _Sink()
    columns = _column_names(max(len(headings), 1))
    row = _row_writer(columns, timezone.get_current_timezone())
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, text in _static_parts(title):
            archive.writestr(name, text)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                         '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
                         + _row(1, columns, [str(h) for h in headings], style=1)).encode())
            yield sink.take()  # the first bytes leave before the rows are read
            buffer = []
            for number, values in enumerate(rows, start=2):
                buffer.append(row(number, values))
                counter[0] += 1
                if len(buffer) >= ROWS_PER_CHUNK:
                    sheet.write("".join(buffer).encode())
                    buffer.clear()
                    yield sink.take()
            sheet.write(("".join(buffer) + "</sheetData></worksheet>").encode())
    yield sink.take()


def _logged(chunks: Iterator[bytes], counter: list[int], what: dict, rows: Iterable = ()) -> Iterator[bytes]:
    """`chunks`, logged when the last one left or the client went away: the server then
    closes the response, which closes this generator, so no further row is read."""
    started, finished = time.monotonic(), False
    try:
        yield from chunks
        finished = True
    finally:
        close = getattr(rows, "close", None)
        if close:  # the query's cursor, at once rather than when the generator is collected
            close()
        log.info("export %s by user %s, filter %r: %s rows in %.1f s%s", what.get("kind", "?"), what.get("user"),
                 what.get("filter", ""), counter[0], time.monotonic() - started,
                 "" if finished else " (stopped: the client went away or an error)",
                 extra={"export": {**what, "rows": counter[0], "finished": finished}})


def xlsx_response(filename: str, title: str, headings: Sequence[str], rows: Iterable[Sequence], *,
                  what: dict | None = None) -> StreamingHttpResponse:
    """`what`: who exported what (kind, user id, filter) for the export log."""
    counter = [0]
    response = StreamingHttpResponse(_logged(xlsx_chunks(title, headings, rows, counter), counter, what or {}, rows),
                                     content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["X-Accel-Buffering"] = "no"  # nginx passes the rows on as they come
    return response
