"""Shared helpers of the workbench tests."""

import io

from openpyxl import load_workbook
from PIL import Image

REPORTER_MARKS = ("张三", "13800138000", "zs@example.org", "10.1.2.3")  # tests.cases.conftest's reporter


def body_text(response) -> str:
    """What a person could read in the response: HTML/JSON text, or every cell of an .xlsx."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if response.get("Content-Type", "").startswith("application/vnd.openxmlformats"):
        sheet = load_workbook(io.BytesIO(content), read_only=True).active
        return "\n".join(str(v) for row in sheet.iter_rows(values_only=True) for v in row if v is not None)
    if response.get("Content-Type", "").startswith("image/"):
        return ""
    return content.decode("utf-8", errors="replace")


def jpeg_bytes(colour=(200, 80, 40), size=(64, 48)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "JPEG")
    return buffer.getvalue()
