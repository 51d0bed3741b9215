"""Evidence files of replies and re-inspections: private, hashed, type from content.

The uploader's file name is kept only as a label; the stored name is generated and the
extension follows the detected type, never the one the uploader typed.
"""

import hashlib
import io
import zipfile

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_BYTES = 20 * 1024 * 1024
MAX_FILES = 10
OFFICE_MARKERS = {"word/document.xml": ".docx", "xl/workbook.xml": ".xlsx", "ppt/presentation.xml": ".pptx"}


def detect_extension(head: bytes, data: bytes) -> str | None:
    """The file type decided from its bytes (JPEG, PNG, PDF, Word/Excel/PowerPoint)."""
    if head.startswith(b"\xff\xd8\xff"):
        return ".jpg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return ".png"
    if head.startswith(b"%PDF-"):
        return ".pdf"
    if head.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except zipfile.BadZipFile:
            return None
        for marker, ext in OFFICE_MARKERS.items():
            if marker in names:
                return ext
    return None


def read_upload(upload) -> tuple[bytes, str, str]:
    """(content, extension, sha256) or a ValidationError naming the file."""
    if upload.size > MAX_BYTES:
        raise ValidationError(_("%(name)s is larger than 20 MB.") % {"name": upload.name})
    data = b"".join(upload.chunks())
    ext = detect_extension(data[:16], data)
    if ext is None:
        raise ValidationError(_("%(name)s is not a photo, PDF or Office document.") % {"name": upload.name})
    return data, ext, hashlib.sha256(data).hexdigest()


def check_uploads(files) -> list[tuple[object, bytes, str, str]]:
    """Every upload validated before anything is stored (nothing half-saved)."""
    files = list(files or [])
    if len(files) > MAX_FILES:
        raise ValidationError(_("Attach at most %(n)s files.") % {"n": MAX_FILES})
    return [(upload, *read_upload(upload)) for upload in files]
