"""Backup and restore of everything the portal keeps: the database, public media and
private media (citizens' originals, evidence), with a manifest of checksums.

A backup is a folder:

    manifest.json      when, which database, checksums, the encryption-key fingerprint
    database.sqlite3   SQLite: an online copy (sqlite3 backup API, consistent while serving)
    database.pgdump    PostgreSQL: pg_dump custom format (restored with pg_restore)
    media.tar          public/… and private/… files, read through the configured storages
                       (local folders or S3), so it works the same on every deployment

Reporter contact data is encrypted with FIELD_ENCRYPTION_KEY; a backup without that key is
unreadable. The manifest records the key's fingerprint (never the key), and the backup
refuses to run unless PORTAL_KEY_ESCROW_FINGERPRINT says the operator has escrowed this
key (`manage.py backup --key-fingerprint` prints the value to record). Restore refuses a
backup taken under another key, and checks that a stored contact decrypts afterwards.
"""

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import connection, connections

FORMAT = 1
STORAGE_ALIASES = {"public": "default", "private": "private"}


class BackupError(Exception):
    """A backup or restore that cannot proceed; the message says what to do."""


def key_fingerprint() -> str:
    material = settings.FIELD_ENCRYPTION_KEY or settings.SECRET_KEY
    return hashlib.sha256(b"portal-field-key:" + str(material).encode()).hexdigest()[:32]


def check_key_escrowed() -> None:
    escrowed = getattr(settings, "PORTAL_KEY_ESCROW_FINGERPRINT", "")
    if escrowed != key_fingerprint():
        raise BackupError(
            "The contact-data encryption key is not recorded as escrowed: a backup would be unreadable "
            "without it. Store FIELD_ENCRYPTION_KEY in the escrow (deploy/README.md, 'Backups'), then set "
            f"PORTAL_KEY_ESCROW_FINGERPRINT={key_fingerprint()}.")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass
class BackupResult:
    folder: Path
    manifest: dict


def create_backup(target: Path) -> BackupResult:
    check_key_escrowed()
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    folder = target / f"portal-backup-{stamp}"
    folder.mkdir(parents=True)
    database_file = _dump_database(folder)
    media_counts = _dump_media(folder / "media.tar")
    manifest = {
        "format": FORMAT, "created_at": datetime.now(UTC).isoformat(), "vendor": connection.vendor,
        "database_file": database_file.name, "media_files": media_counts, "key_fingerprint": key_fingerprint(),
        "sha256": {p.name: _sha256(p) for p in (database_file, folder / "media.tar")},
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2))
    return BackupResult(folder, manifest)


def _dump_database(folder: Path) -> Path:
    if connection.vendor == "sqlite":
        target = folder / "database.sqlite3"
        connection.ensure_connection()
        with sqlite3.connect(target) as copy:
            connection.connection.backup(copy)
        return target
    if connection.vendor == "postgresql":
        target = folder / "database.pgdump"
        _pg("pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={target}")
        return target
    raise BackupError(f"no backup method for the {connection.vendor} database")


def _pg(program: str, *args: str) -> None:
    db = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""}
    argv = [program, f"--host={db.get('HOST') or 'localhost'}", f"--port={db.get('PORT') or 5432}",
            f"--username={db.get('USER') or 'postgres'}", *args, f"--dbname={db['NAME']}"]
    if shutil.which(program) is None:
        raise BackupError(f"{program} is not installed (Debian package postgresql-client)")
    result = subprocess.run(argv, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{program} failed: {result.stderr.strip()[-2000:]}")


def _walk(storage, folder: str = ""):
    directories, files = storage.listdir(folder)
    for name in files:
        yield f"{folder}/{name}" if folder else name
    for directory in directories:
        yield from _walk(storage, f"{folder}/{directory}" if folder else directory)


def _dump_media(path: Path) -> dict:
    counts = {}
    with tarfile.open(path, "w") as tar:
        for prefix, alias in STORAGE_ALIASES.items():
            storage, counts[prefix] = storages[alias], 0
            try:
                names = list(_walk(storage))
            except FileNotFoundError:  # a local folder nothing was ever written to
                names = []
            for name in names:
                with storage.open(name, "rb") as fh:
                    data = fh.read()
                info = tarfile.TarInfo(f"{prefix}/{name}")
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
                counts[prefix] += 1
    return counts


def read_manifest(folder: Path) -> dict:
    try:
        manifest = json.loads((folder / "manifest.json").read_text())
    except FileNotFoundError as exc:
        raise BackupError(f"{folder} has no manifest.json: not a portal backup") from exc
    for name, digest in manifest["sha256"].items():
        if _sha256(folder / name) != digest:
            raise BackupError(f"{name} does not match its checksum: the backup is damaged")
    return manifest


def restore_backup(folder: Path) -> dict:
    manifest = read_manifest(folder)
    if manifest["vendor"] != connection.vendor:
        raise BackupError(f"the backup is of a {manifest['vendor']} database, this one is {connection.vendor}")
    if manifest["key_fingerprint"] != key_fingerprint():
        raise BackupError("the backup was taken under another FIELD_ENCRYPTION_KEY: set the escrowed key "
                          "of that time, or reporter contacts will be unreadable")
    _restore_database(folder / manifest["database_file"])
    _restore_media(folder / "media.tar")
    _check_contacts_decrypt()
    return manifest


def _restore_database(path: Path) -> None:
    connections.close_all()
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(path) as source:
            source.backup(connection.connection)
        connections.close_all()
        return
    _pg("pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
        str(path))


def _restore_media(path: Path) -> None:
    with tarfile.open(path) as tar:
        for member in tar:
            prefix, _, name = member.name.partition("/")
            if prefix not in STORAGE_ALIASES or not member.isfile() or ".." in name.split("/"):
                continue
            storage = storages[STORAGE_ALIASES[prefix]]
            if storage.exists(name):
                storage.delete(name)
            saved = storage.save(name, ContentFile(tar.extractfile(member).read()))
            if saved != name:
                raise BackupError(f"could not restore {member.name} under its own name (got {saved})")


def _check_contacts_decrypt() -> None:
    from cases.models import ReporterIdentity

    try:  # contact fields decrypt as the rows are read
        list(ReporterIdentity.objects.order_by("-pk").values_list("name", "phone", "email")[:20])
    except ValueError as exc:
        raise BackupError(f"restored, but contact data does not decrypt: {exc}") from exc
