"""Reading a referral batch spreadsheet (.xlsx or .csv) into rows of text.

Only the file layer lives here: decoding, finding the header row, mapping Chinese
or English column names to fields, numbering rows as the user sees them. What the
values mean (townships, categories, codes) is checked in `cases.referrals`.
The column vocabulary is documented in docs/referral-import.md.
"""

import codecs
import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime

from django.utils.translation import gettext as _

MAX_BYTES = 10 * 1024 * 1024
# The whole file is written in one transaction at roughly 0.1 s a case (submit_case
# and routing), holding SQLite's write lock or the reference counter row meanwhile:
# real batches are tens of cases, and a limit keeps an import from blocking intake.
MAX_ROWS = 500
HEADER_SCAN_ROWS = 10  # title rows above the header are common in official sheets

# field -> accepted headers; the first one is the canonical Chinese header.
COLUMNS: dict[str, tuple[str, ...]] = {
    "sequence": ("序号", "sequence", "no"),
    "original_code": ("受理编号", "original_code", "案件编号", "交办编号", "原编号", "code"),
    "key_case": ("重点件", "key_case", "是否重点件", "重点案件"),
    "township": ("乡镇街道", "township", "乡镇", "街道", "township_street"),
    "category": ("问题类型", "category", "污染类型", "案件类型"),
    "content": ("举报内容", "content", "交办问题基本情况", "信访内容", "问题描述", "description"),
    "address": ("行政区域", "address", "地址", "详细地址"),
}
REQUIRED = ("original_code", "township", "category", "content")


def _norm(header: str) -> str:
    # "乡镇（街道）", "乡镇/街道", "Original Code" and "original_code" all compare equal.
    return re.sub(r"[\s()（）/／_\-.:：*＊]", "", header).lower()


_ALIASES = {_norm(alias): field for field, aliases in COLUMNS.items() for alias in aliases}


@dataclass(frozen=True)
class RowError:
    row: int | None  # spreadsheet row as the user sees it (header = 1); None: the batch itself
    column: str  # the header as written in the file, or the argument name for batch errors
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass(frozen=True)
class RowData:
    row: int
    values: dict[str, str]  # field -> cell text, stripped
    columns: dict[str, str]  # field -> header as written in the file (shared by all rows)
    header_row: int


class BatchFileError(Exception):
    """The file as a whole cannot be read; nothing row-level to report."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__("; ".join(e.message for e in errors))


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel stores "153" and long numeric codes as floats
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


def parse_batch_file(fileobj, filename: str) -> list[RowData]:
    """Rows below the header, empty rows skipped. Raises BatchFileError."""
    data = fileobj.read(MAX_BYTES + 1)
    if isinstance(data, str):
        data = data.encode("utf-8")
    if len(data) > MAX_BYTES:
        raise _file_error(_("The file is larger than %(mb)s MB.") % {"mb": MAX_BYTES // (1024 * 1024)})
    if not data.strip():
        raise _file_error(_("The file is empty."))
    kind = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if kind == "xlsx":
        return _rows(_xlsx_rows(data))
    if kind == "csv":
        return _rows(_csv_rows(data))
    if kind == "xls":
        raise _file_error(_("The old .xls format is not supported; save the sheet as .xlsx."))
    raise _file_error(_("Upload an .xlsx or .csv file."))


def _file_error(message: str) -> BatchFileError:
    return BatchFileError([RowError(None, "", message)])


def _xlsx_rows(data: bytes) -> Iterator[tuple[int, list[str]]]:
    import openpyxl  # deferred: a heavy import only .xlsx uploads need

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken or foreign file
        raise _file_error(_("The file could not be read as an Excel workbook.")) from exc
    try:
        rows = book.worksheets[0].iter_rows()
        number = 0
        while True:
            try:
                cells = next(rows, None)
            except Exception as exc:  # a corrupt sheet inside a valid zip fails while streaming
                raise _file_error(_("The file could not be read as an Excel workbook.")) from exc
            if cells is None:
                return
            # Read-only sheets number their own rows; trust a real cell's row over counting.
            number = next((c.row for c in cells if getattr(c, "row", None)), number + 1)
            yield number, [cell_text(c.value) for c in cells]
    finally:
        book.close()


def _decode(data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")  # what Excel writes for "CSV" on a Chinese Windows
    except UnicodeDecodeError as exc:
        raise _file_error(_("The CSV file is neither UTF-8 nor GB18030 text.")) from exc


def _csv_rows(data: bytes) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(_decode(data), newline=""))
    try:
        # A record with a quoted line break is still one row in a spreadsheet program.
        for number, record in enumerate(reader, start=1):
            yield number, [cell_text(v) for v in record]
    except csv.Error as exc:
        raise _file_error(_("The CSV file is malformed: %(error)s") % {"error": exc}) from exc


def _header_map(cells: list[str]) -> dict[str, tuple[int, str]]:
    found: dict[str, tuple[int, str]] = {}
    for index, header in enumerate(cells):
        field = _ALIASES.get(_norm(header)) if header else None
        if field and field not in found:
            found[field] = (index, header)
    return found


def _rows(source: Iterable[tuple[int, list[str]]]) -> list[RowData]:
    header_row, mapping, columns, rows, seen = 0, {}, {}, [], 0
    for number, cells in source:
        if not any(cells):
            continue
        if not header_row:
            seen += 1
            mapping = _header_map(cells)
            if len(mapping) >= 2:
                header_row, columns = number, {f: h for f, (_i, h) in mapping.items()}
            elif seen >= HEADER_SCAN_ROWS:
                break
            continue
        if len(rows) >= MAX_ROWS:
            raise _file_error(_("The file has more than %(max)s rows; split it.") % {"max": MAX_ROWS})
        values = {f: cells[i] if i < len(cells) else "" for f, (i, _h) in mapping.items()}
        if not any(values.get(name) for name in REQUIRED):
            continue  # a note or a "合计" line under the table, not a case
        rows.append(RowData(number, values, columns, header_row))
    if not header_row:
        raise _file_error(_("No header row found: the sheet needs a row with the column names %(names)s.")
                          % {"names": "、".join(COLUMNS[f][0] for f in REQUIRED)})
    if not rows:
        raise _file_error(_("The file has no case rows below the header row."))
    return rows
