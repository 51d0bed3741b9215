"""Restore drill (cases/operations/backup.py): back up, wipe, restore, and the case with its
photos and the reporter's contact data reads back. Runs on SQLite and on PostgreSQL."""

import hashlib
import io
import json

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import CommandError, call_command
from PIL import Image

from cases.models import Case, Photo, ReporterIdentity
from cases.operations.backup import BackupError, create_backup, key_fingerprint, restore_backup
from cases.photos import attach_photos
from tests.cases.conftest import T0

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def escrowed(settings):
    settings.PORTAL_KEY_ESCROW_FINGERPRINT = key_fingerprint()


def jpeg() -> ContentFile:
    buf = io.BytesIO()
    Image.new("RGB", (120, 90), (200, 80, 20)).save(buf, "JPEG")
    return ContentFile(buf.getvalue(), name="river.jpg")


def file_digests(photo: Photo) -> dict:
    return {f: hashlib.sha256(getattr(photo, f).open("rb").read()).hexdigest()
            for f in ("original", "image", "thumbnail")}


def test_restore_drill(new_case, escrowed, tmp_path):
    case = new_case()
    photo = attach_photos(case, [jpeg()], kind="citizen", now=T0)[0]
    storages["default"].save("documents/notice.txt", ContentFile(b"public notice"))
    before = file_digests(photo)
    assert before["original"] == photo.original_sha256

    backup = create_backup(tmp_path)
    assert backup.manifest["media_files"] == {"public": 1, "private": 3}

    names = [photo.original.name, photo.image.name, photo.thumbnail.name]
    Case.objects.all().delete()  # the wipe: rows and files
    for name in names:
        storages["private"].delete(name)
    storages["default"].delete("documents/notice.txt")
    assert not Photo.objects.exists() and not storages["private"].exists(names[0])

    restore_backup(backup.folder)

    restored = Case.objects.get(reference=case.reference)
    reporter = ReporterIdentity.objects.get(case=restored)
    assert (reporter.name, reporter.phone, reporter.email) == ("张三", "13800138000", "zs@example.org")
    assert file_digests(Photo.objects.get(case=restored)) == before
    assert storages["default"].open("documents/notice.txt").read() == b"public notice"


def test_backup_refuses_until_the_key_is_escrowed(settings, tmp_path, db):
    settings.PORTAL_KEY_ESCROW_FINGERPRINT = ""
    with pytest.raises(CommandError, match="PORTAL_KEY_ESCROW_FINGERPRINT="):
        call_command("backup", str(tmp_path))
    assert not list(tmp_path.iterdir())


def test_a_damaged_backup_is_refused_before_anything_is_replaced(new_case, escrowed, tmp_path):
    new_case()
    backup = create_backup(tmp_path)
    tar = backup.folder / "media.tar"
    tar.write_bytes(tar.read_bytes() + b"x")
    Case.objects.all().delete()
    with pytest.raises(BackupError, match="media.tar does not match"):
        restore_backup(backup.folder)
    assert not Case.objects.exists()


def test_a_backup_under_another_key_is_refused(new_case, escrowed, tmp_path, settings):
    new_case()
    backup = create_backup(tmp_path)
    manifest = json.loads((backup.folder / "manifest.json").read_text())
    settings.FIELD_ENCRYPTION_KEY = "another-key-" + "x" * 40
    with pytest.raises(BackupError, match="another FIELD_ENCRYPTION_KEY"):
        restore_backup(backup.folder)
    assert manifest["key_fingerprint"] != key_fingerprint()


def test_the_commands_round_trip(new_case, escrowed, tmp_path, capsys):
    case = new_case()
    call_command("backup", str(tmp_path))
    folder = next(tmp_path.iterdir())
    Case.objects.all().delete()
    call_command("restore", str(folder), "--yes")
    assert Case.objects.filter(reference=case.reference).exists()
    assert "restored the backup" in capsys.readouterr().out
