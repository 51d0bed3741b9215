"""Evidence files: type from content, hash and size recorded, private storage, refusals."""

import hashlib
import io
import zipfile

import pytest
from django.conf import settings
from django.utils import translation

from cases.models import EvidenceFile, ProgressReport
from cases.programme import progress
from cases.programme.evidence import MAX_EVIDENCE_BYTES, EvidenceError, check_file
from tests.cases.programme.conftest import T0, jpeg_bytes, pdf_bytes, scheduled_task, upload


def office_zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


DOCX = office_zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
XLSX = office_zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})
DOCM = office_zip({"[Content_Types].xml": b"application/vnd.ms-word.document.macroEnabled.main+xml",
                   "word/document.xml": b"<w:document/>", "word/vbaProject.bin": b"\x00"})
PLAIN_ZIP = office_zip({"a.txt": b"hello"})


@pytest.mark.parametrize("name, data, kind, content_type", [
    ("方案.pdf", pdf_bytes(), "pdf", "application/pdf"),
    ("台账.docx", DOCX, "word", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("台账.xlsx", XLSX, "excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("现场.jpg", jpeg_bytes(), "photo", "image/jpeg"),
])
def test_type_comes_from_the_content(name, data, kind, content_type):
    checked = check_file(upload(name, data))
    assert (checked.kind, checked.content_type) == (kind, content_type)
    assert checked.sha256 == hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize("name, data, reason", [
    ("report.pdf", jpeg_bytes(), "extension"),  # a photo calling itself a PDF
    ("photo.jpg", pdf_bytes(), "extension"),
    ("plan.docx", XLSX, "extension"),
    ("macro.docx", DOCM, "macro"),
    ("macro.docm", DOCM, "not accepted"),
    ("secret.pdf", pdf_bytes(b"/Encrypt 5 0 R\n"), "encrypted"),
    ("old.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, "password"),
    ("bundle.xlsx", PLAIN_ZIP, "zip"),
    ("bundle.zip", PLAIN_ZIP, "not accepted"),
    ("script.pdf", b"#!/bin/sh\n", "extension"),
    ("empty.pdf", b"", "empty"),
])
def test_refused_files_say_why(name, data, reason):
    with translation.override("en"), pytest.raises(EvidenceError, match=reason) as exc:
        check_file(upload(name, data))
    assert name in str(exc.value)


def test_too_large_is_refused_before_reading():
    big = upload("big.pdf", b"%PDF-" + b"0" * 10)
    big.size = MAX_EVIDENCE_BYTES + 1
    with translation.override("en"), pytest.raises(EvidenceError, match="too large"):
        check_file(big)


@pytest.mark.django_db
def test_stored_privately_with_hash_size_receive_time_and_uploader(city, office):
    _task, m1, _m2 = scheduled_task(city, office)
    data = pdf_bytes()
    progress.post_progress(m1, city.env_handler, 30, "方案已报审", [upload("方案.pdf", data), upload("现场.jpg", jpeg_bytes())],
                           now=T0)
    pdf, photo = EvidenceFile.objects.order_by("pk")
    assert (pdf.sha256, pdf.size, pdf.received_at, pdf.uploaded_by) == (
        hashlib.sha256(data).hexdigest(), len(data), T0, city.env_handler)
    assert pdf.department == city.env and not pdf.is_public
    assert pdf.file.name.startswith("task-evidence/") and "方案" not in pdf.file.name
    assert str(settings.PRIVATE_MEDIA_ROOT) in pdf.file.path
    assert not str(pdf.file.path).startswith(str(settings.MEDIA_ROOT))
    assert photo.image and photo.thumbnail and photo.kind == "photo"


@pytest.mark.django_db
def test_one_bad_file_saves_nothing(city, office):
    _task, m1, _m2 = scheduled_task(city, office)
    with pytest.raises(EvidenceError):
        progress.post_progress(m1, city.env_handler, 30, "x", [upload("a.pdf", pdf_bytes()), upload("b.docx", DOCM)],
                               now=T0)
    assert not EvidenceFile.objects.exists() and not ProgressReport.objects.exists()
    m1.refresh_from_db()
    assert m1.percent == 0 and m1.version == 0
