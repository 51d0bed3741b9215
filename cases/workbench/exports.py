"""Excel exports (PRODUCT §4.3), safe against formula injection.

openpyxl stores a string that starts with "=" as a formula; Wagtail's own
spreadsheet export turns such cells back into text. We do the same for every
string cell and additionally mark strings starting with = + - @ (or a tab / CR,
which spreadsheet programs also treat as formula starts when the cell is edited)
with Excel's quote prefix, so they stay text even when someone edits the cell.
No export here ever reads ReporterIdentity (PRODUCT §7).
"""

import io
from collections.abc import Iterable, Sequence
from datetime import datetime

from django.http import FileResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from cases.privacy.text import clean_text

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "yyyy-mm-dd hh:mm"


def safe_cell(sheet, value):
    if isinstance(value, datetime):
        # Excel has no time zones: write the local (Asia/Shanghai) wall time.
        value = timezone.localtime(value).replace(tzinfo=None)
    elif value is not None and not isinstance(value, (int, float, bool)):
        # openpyxl refuses control characters (IllegalCharacterError): one stored \x0b
        # made every export holding the case fail. Text is cleaned on the way in too.
        value = clean_text(str(value))
    cell = WriteOnlyCell(sheet, value)
    if isinstance(value, str):
        cell.data_type = "s"  # never a formula, whatever openpyxl guessed
        if value.startswith(FORMULA_STARTS):
            cell.quotePrefix = True
    elif isinstance(value, datetime):
        cell.number_format = DATE_FORMAT
    return cell


def xlsx_response(filename: str, title: str, headings: Sequence[str], rows: Iterable[Sequence]) -> FileResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    bold = Font(bold=True)
    header = []
    for heading in headings:
        cell = safe_cell(sheet, str(heading))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for values in rows:
        sheet.append([safe_cell(sheet, v) for v in values])
    output = io.BytesIO()
    workbook.save(output)
    output.seek(0)
    response = FileResponse(output, as_attachment=True, filename=filename, content_type=XLSX_TYPE)
    response["X-Content-Type-Options"] = "nosniff"
    return response
