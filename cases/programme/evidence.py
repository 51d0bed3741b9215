"""Evidence files for milestones and verifications: type decided from content, SHA-256,
size and receive time recorded, stored privately.

Accepted: photos (the citizen-photo pipeline: re-encoded without metadata, thumbnail),
PDF (not encrypted), Word .docx and Excel .xlsx (not macro-enabled, not password-protected).
The extension must say what the content is. Zip archives, macro-enabled or encrypted
Office files, encrypted PDFs, legacy binary Office files and anything else are refused.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from cases.models import EvidenceFile
from cases.photos import PhotoError, discard_files, process_photo

MAX_EVIDENCE_BYTES = 20 * 1024 * 1024
MAX_FILES = 10
PHOTO_EXTENSIONS = {"jpg", "jpeg", "png", "webp", "heic", "heif"}
EXTENSIONS = {"pdf": EvidenceFile.Kind.PDF, "docx": EvidenceFile.Kind.WORD, "xlsx": EvidenceFile.Kind.EXCEL,
              **dict.fromkeys(PHOTO_EXTENSIONS, EvidenceFile.Kind.PHOTO)}
CONTENT_TYPES = {
    EvidenceFile.Kind.PDF: "application/pdf",
    EvidenceFile.Kind.WORD: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    EvidenceFile.Kind.EXCEL: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class EvidenceError(ValueError):
    """A file the portal will not take; str(exc) names the file and says why."""


@dataclass
class CheckedFile:
    name: str
    kind: str
    content_type: str
    data: bytes
    sha256: str
    image: bytes = b""
    thumbnail: bytes = b""


def _read(upload) -> bytes:
    if (getattr(upload, "size", None) or 0) > MAX_EVIDENCE_BYTES:
        raise EvidenceError(_("is too large: at most %(mb)d MB per file.") % {"mb": MAX_EVIDENCE_BYTES // 1048576})
    upload.seek(0)
    data = upload.read(MAX_EVIDENCE_BYTES + 1)
    if len(data) > MAX_EVIDENCE_BYTES:
        raise EvidenceError(_("is too large: at most %(mb)d MB per file.") % {"mb": MAX_EVIDENCE_BYTES // 1048576})
    if not data:
        raise EvidenceError(_("is empty."))
    return data


def sniff(data: bytes) -> str:
    """The kind the content says it is (photo/pdf/word/excel), or raise."""
    if data.startswith(b"%PDF-"):
        if b"/Encrypt" in data:
            raise EvidenceError(_("is an encrypted (password-protected) PDF. Send it without a password."))
        return EvidenceFile.Kind.PDF
    if data.startswith(OLE_MAGIC):
        raise EvidenceError(_("is a password-protected or old-format (.doc/.xls) Office file. "
                              "Save it as .docx or .xlsx without a password."))
    if data.startswith(b"PK\x03\x04"):
        return _office_kind(data)
    return EvidenceFile.Kind.PHOTO  # confirmed (or refused) by the photo pipeline


def _office_kind(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            types = archive.read("[Content_Types].xml") if "[Content_Types].xml" in names else b""
    except (zipfile.BadZipFile, KeyError, RuntimeError, NotImplementedError):
        raise EvidenceError(_("is a damaged or encrypted archive.")) from None
    if any(n.lower().endswith("vbaproject.bin") for n in names) or b"macroEnabled" in types:
        raise EvidenceError(_("is a macro-enabled Office file. Save it without macros (.docx/.xlsx)."))
    if "word/document.xml" in names:
        return EvidenceFile.Kind.WORD
    if "xl/workbook.xml" in names:
        return EvidenceFile.Kind.EXCEL
    raise EvidenceError(_("is a zip archive. Send the documents themselves, not an archive."))


def check_file(upload) -> CheckedFile:
    name = (getattr(upload, "name", "") or "file").rsplit("/", 1)[-1][:200]
    try:
        return _check(upload, name)
    except (EvidenceError, PhotoError) as exc:
        raise EvidenceError(f"“{name}” {exc}" if isinstance(exc, EvidenceError) else f"“{name}”: {exc}") from None


def _check(upload, name: str) -> CheckedFile:
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in EXTENSIONS:
        raise EvidenceError(_("has a file type that is not accepted. Use photos, PDF, .docx or .xlsx."))
    data = _read(upload)
    kind = sniff(data)
    if kind != EXTENSIONS[ext]:
        raise EvidenceError(_("is not what its extension .%(ext)s says.") % {"ext": ext})
    checked = CheckedFile(name, kind, CONTENT_TYPES.get(kind, ""), data, hashlib.sha256(data).hexdigest())
    if kind == EvidenceFile.Kind.PHOTO:
        photo = process_photo(data)
        checked.content_type = f"image/{photo.original_format.lower()}"
        checked.image, checked.thumbnail = photo.image_bytes, photo.thumb_bytes
    return checked


def check_files(uploads: Iterable) -> list[CheckedFile]:
    """Check every file before anything is stored: one bad file refuses the submission."""
    uploads = list(uploads)
    if len(uploads) > MAX_FILES:
        raise EvidenceError(_("At most %(count)d files at a time.") % {"count": MAX_FILES})
    return [check_file(u) for u in uploads]


def store_files(checked: Iterable[CheckedFile], *, task, uploaded_by, now: datetime, milestone=None,
                verification=None, department=None) -> list[EvidenceFile]:
    """Write checked files (call inside the change's transaction; files go if it fails)."""
    written: list[str] = []
    try:
        return [_store(c, task, uploaded_by, now, milestone, verification, department, written) for c in checked]
    except BaseException:
        discard_files(written)
        raise


def _store(c: CheckedFile, task, uploaded_by, now, milestone, verification, department, written) -> EvidenceFile:
    ext = c.name.rsplit(".", 1)[-1].lower()
    row = EvidenceFile(task=task, milestone=milestone, verification=verification, department=department,
                       kind=c.kind, original_name=c.name, content_type=c.content_type, size=len(c.data),
                       sha256=c.sha256, received_at=now, uploaded_by=uploaded_by)
    parts = [("file", f"original.{ext}", c.data)]
    if c.kind == EvidenceFile.Kind.PHOTO:
        parts += [("image", "image.jpg", c.image), ("thumbnail", "thumbnail.jpg", c.thumbnail)]
    for field, filename, data in parts:
        getattr(row, field).save(filename, ContentFile(data), save=False)
        written.append(getattr(row, field).name)
    row.save()
    return row
