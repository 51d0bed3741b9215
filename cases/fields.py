"""Encrypted model field for reporter contact data (PRODUCT §7: encrypted at rest).

FIELD_ENCRYPTION_KEY holds one key, or several separated by commas for rotation: the
first encrypts, every one decrypts (MultiFernet). Rotate by putting a new key first,
running `manage.py reencrypt_contacts`, then dropping the old key (docs/security.md).
Production requires the setting; elsewhere it falls back to SECRET_KEY.
"""

import base64
import hashlib
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models

PREFIX = "enc1:"


def key_materials() -> list[str]:
    """The configured keys, newest first (SECRET_KEY when none is set: development and tests)."""
    keys = [k.strip() for k in (settings.FIELD_ENCRYPTION_KEY or "").split(",") if k.strip()]
    return keys or [settings.SECRET_KEY]


@lru_cache(maxsize=8)
def _fernet(key_material: str) -> Fernet:
    digest = hashlib.sha256(("portal-field-encryption:" + key_material).encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


@lru_cache(maxsize=4)
def _multi(materials: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([_fernet(m) for m in materials])


def fernet() -> MultiFernet:
    return _multi(tuple(key_materials()))


def reencrypt(value: str) -> str:
    """`value` (encrypted under any configured key, or still in clear) under the newest key."""
    if not value:
        return value
    return encrypt(decrypt(value))


def encrypt(value: str) -> str:
    return PREFIX + fernet().encrypt(value.encode()).decode()


def decrypt(value: str) -> str:
    if not value.startswith(PREFIX):
        return value
    try:
        return fernet().decrypt(value[len(PREFIX):].encode()).decode()
    except InvalidToken as exc:  # wrong key: fail loudly, never show ciphertext as data
        raise ValueError("cannot decrypt a stored contact field: is its key missing from FIELD_ENCRYPTION_KEY?") \
            from exc


class EncryptedTextField(models.TextField):
    """Stores text Fernet-encrypted; reads give plain text. Not searchable by design."""

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(value)


def encrypted_fields(models_iterable) -> list[tuple[type, list[str]]]:
    """(model, [field names]) for every model with an EncryptedTextField."""
    found = []
    for model in models_iterable:
        names = [f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if names:
            found.append((model, names))
    return found


def reencrypt_model(model, names: list[str], batch: int = 500) -> int:
    """Rewrite `names` of every row under the newest key (rows still in clear included).
    Reads decrypt with any configured key; update() encrypts with the first."""
    changed = 0
    rows = model._base_manager.order_by("pk").values_list("pk", *names)
    for row in rows.iterator(chunk_size=batch):
        pk, values = row[0], row[1:]
        model._base_manager.filter(pk=pk).update(**{n: v for n, v in zip(names, values, strict=True)})
        changed += 1
    return changed
