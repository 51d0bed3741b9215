"""The progress report as a Word document (python-docx) and an Excel workbook (openpyxl,
formula-safe), both built from a stored snapshot only: the same snapshot always gives
the same figures, however the live data moved since."""

import io
from datetime import date

from django.conf import settings
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from cases.models import ProgressSnapshot
from cases.reports import sentences as s
from cases.workbench.exports import FORMULA_STARTS

HEADINGS = ("一、总体进展", "二、交办信访件办理情况", "三、督查督办和问责情况", "四、存在的问题", "五、下一步工作")
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FONT = "SimSun"


def city_name() -> str:
    return getattr(settings, "PORTAL_CITY_NAME", "清河市")


def title(snapshot: ProgressSnapshot) -> str:
    return f"关于{city_name()}生态环境保护督察整改工作进展情况的通报"


def _set_font(document) -> None:
    style = document.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(12)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)


def _table(document, headings: list[str], rows: list[list]) -> None:
    table = document.add_table(rows=1, cols=len(headings))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headings, strict=True):
        cell.text = str(text)
        cell.paragraphs[0].runs[0].bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = str(value)


def _free_text(document, text: str) -> None:
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    for line in lines or ["（无）"]:
        document.add_paragraph(line)


def build_docx(snapshot: ProgressSnapshot, before: ProgressSnapshot | None) -> bytes:
    figures = snapshot.figures
    sections = s.report_sections(figures, before.figures if before else None, snapshot.as_of)
    document = Document()
    _set_font(document)
    heading = document.add_heading(title(snapshot), level=0)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    dated = document.add_paragraph(f"（截至{s.cn_date(snapshot.as_of)}）")
    dated.alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_heading(HEADINGS[0], level=1)
    for line in sections["overall"]:
        document.add_paragraph(line)
    _table(document, s.TASK_HEADINGS, [s.task_row(figures)])
    document.add_heading(HEADINGS[1], level=1)
    for line in sections["referrals"] + sections["changes"]:
        document.add_paragraph(line)
    _table(document, s.BATCH_HEADINGS, s.batch_rows(figures))
    document.add_heading(HEADINGS[2], level=1)
    for line in sections["supervision"]:
        document.add_paragraph(line)
    _table(document, s.SUPERVISION_HEADINGS, [s.supervision_row(figures)])
    document.add_heading(HEADINGS[3], level=1)
    _free_text(document, snapshot.problems)
    document.add_heading(HEADINGS[4], level=1)
    _free_text(document, snapshot.next_steps)
    signature = document.add_paragraph(f"{city_name()}生态环境保护督察整改工作领导小组办公室\n"
                                       f"{s.cn_date(timezone_date(snapshot))}")
    signature.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def timezone_date(snapshot: ProgressSnapshot) -> date:
    from django.utils import timezone

    return timezone.localtime(snapshot.created_at).date()


def safe_cell(sheet, value) -> WriteOnlyCell:
    """A cell that is never a formula: strings are stored as text, and those that start
    like a formula carry Excel's quote prefix (as the workbench exports do)."""
    value = value if isinstance(value, (int, float)) or value is None else str(value)
    cell = WriteOnlyCell(sheet, value)
    if isinstance(value, str):
        cell.data_type = "s"
        cell.quotePrefix = value.startswith(FORMULA_STARTS)
    return cell


def build_xlsx(snapshot: ProgressSnapshot, before: ProgressSnapshot | None) -> bytes:
    figures = snapshot.figures
    sections = s.report_sections(figures, before.figures if before else None, snapshot.as_of)
    workbook = Workbook(write_only=True)
    sheets = [
        ("总体进展", s.TASK_HEADINGS, [s.task_row(figures)]),
        ("交办信访件", s.BATCH_HEADINGS, s.batch_rows(figures)),
        ("督查督办和问责", s.SUPERVISION_HEADINGS, [s.supervision_row(figures)]),
        ("通报正文", ["段落"], [[line] for key in ("overall", "referrals", "changes", "supervision")
                               for line in sections[key]]
         + [[HEADINGS[3]], [snapshot.problems], [HEADINGS[4]], [snapshot.next_steps]]),
    ]
    bold = Font(bold=True)
    for name, headings, rows in sheets:
        sheet = workbook.create_sheet(title=name)
        header = [safe_cell(sheet, h) for h in headings]
        for cell in header:
            cell.font = bold
        sheet.append(header)
        for row in rows:
            sheet.append([safe_cell(sheet, v) for v in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
