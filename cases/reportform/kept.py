"""Photos kept on the server after a form error, so the citizen need not choose them again.

When the report form comes back with an error, the photos sent with it are stored as
received in the private storage under a random name (`kept/<hex>`), and the page
offers them again by a signed token (name, size, the browser's hash claim, the form's
idempotency key). Only the page that shows the token can use it: the token is tied to
the form's idempotency key and expires after PORTAL_KEPT_PHOTO_SECONDS. The files are
removed once the report is filed, and whatever is older than that time is removed
when the next photos are kept (kept photos exist only on the error path).

The files are not processed here (that is the intake's job when the report is filed):
only the header is read to see that it is a photo format the portal takes.
"""

import io
import logging
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from cases.photos import _FORMAT_NAMES, ACCEPTED_FORMATS

SALT = "portal.reportform.kept"
FOLDER = "kept"
log = logging.getLogger("portal.public")


@dataclass(frozen=True)
class KeptPhoto:
    token: str
    name: str
    size: int


def _storage():
    return storages["private"]


def _is_photo(data: bytes) -> bool:
    try:
        with Image.open(io.BytesIO(data)) as im:  # the header only: nothing is decoded
            return _FORMAT_NAMES.get(im.format, im.format) in ACCEPTED_FORMATS
    except Exception:  # noqa: BLE001 - any failure to read the header: not a photo we keep
        return False


def keep(upload, form_token: str) -> KeptPhoto | None:
    """Store one upload; None when it is not a photo the portal takes or too large."""
    if upload.size > settings.PORTAL_PHOTO_MAX_BYTES:
        return None
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    if not _is_photo(data):
        return None
    try:
        stored = _storage().save(f"{FOLDER}/{uuid.uuid4().hex}", ContentFile(data))
    except OSError:  # the storage is full or down: the page asks to choose the photo again
        log.warning("a photo could not be kept after a form error (storage unavailable)")
        return None
    name = (upload.name or "photo")[-100:]
    token = signing.dumps({"f": stored, "n": name, "s": len(data), "c": getattr(upload, "client_sha256", ""),
                           "t": upload.content_type or "", "k": form_token}, salt=SALT, compress=True)
    return KeptPhoto(token, name, len(data))


def _entry(token: str, form_token: str) -> dict | None:
    try:
        entry = signing.loads(token[:2000], salt=SALT, max_age=settings.PORTAL_KEPT_PHOTO_SECONDS)
    except signing.BadSignature:  # expired ones too
        return None
    if entry.get("k") != form_token or not str(entry.get("f", "")).startswith(FOLDER + "/"):
        return None
    return entry


def describe(tokens: list[str], form_token: str) -> list[KeptPhoto]:
    """The kept photos still usable, to offer them again."""
    found = [(t, _entry(t, form_token)) for t in tokens]
    return [KeptPhoto(t, e["n"], e["s"]) for t, e in found if e and _storage().exists(e["f"])]


def load(tokens: list[str], form_token: str) -> tuple[list[SimpleUploadedFile], int]:
    """The kept photos as uploads again (with their hash claim), and how many were lost."""
    files, lost = [], 0
    for token in tokens:
        entry = _entry(token, form_token)
        try:
            with _storage().open(entry["f"], "rb") as handle:
                data = handle.read(settings.PORTAL_PHOTO_MAX_BYTES + 1)
        except (TypeError, OSError):  # no entry, or the file was removed meanwhile
            lost += 1
            continue
        upload = SimpleUploadedFile(entry["n"], data, content_type=entry["t"] or "application/octet-stream")
        upload.client_sha256 = entry["c"]
        upload.kept_file = entry["f"]
        files.append(upload)
    return files, lost


def discard(files) -> None:
    """Remove the stored copies of kept photos (after the report was filed)."""
    for upload in files:
        name = getattr(upload, "kept_file", "")
        if name:
            try:
                _storage().delete(name)
            except OSError:
                log.warning("a kept photo could not be removed; the next purge removes it")


def purge(now=None) -> int:
    """Remove kept photos older than their lifetime. Returns how many were removed."""
    storage, removed = _storage(), 0
    cutoff = (now or timezone.now()) - timedelta(seconds=settings.PORTAL_KEPT_PHOTO_SECONDS)
    try:
        names = storage.listdir(FOLDER)[1]
    except (FileNotFoundError, NotADirectoryError):
        return 0
    for name in names:
        path = f"{FOLDER}/{name}"
        try:
            if storage.get_modified_time(path) < cutoff:
                storage.delete(path)
                removed += 1
        except OSError:
            continue
    return removed
