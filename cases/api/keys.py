"""API keys for Open311 clients: shown once, stored as a SHA-256 hash.

A key is `<prefix>_<secret>`. The prefix (stored in clear) finds the candidate
rows with an index; the hash of the whole key is compared in constant time. The
secret carries 256 random bits, so an unsalted SHA-256 cannot be brute-forced.
"""

import hashlib
import hmac
import secrets

from django.db import transaction
from django.utils import timezone

from cases.models import ApiClient

PREFIX_BYTES = 4  # 8 hex characters; ApiClient.key_prefix holds up to 12


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _new_key() -> tuple[str, str]:
    prefix = secrets.token_hex(PREFIX_BYTES)
    return prefix, f"{prefix}_{secrets.token_urlsafe(32)}"


def _prefix_of(key: str) -> str:
    return key.split("_", 1)[0] if "_" in key else ""


def create_client(name: str, *, contact: str = "", rate_limit: str | None = None) -> tuple[ApiClient, str]:
    """A new active client and its key. The key is not stored: show it once."""
    prefix, key = _new_key()
    fields = {"name": name, "contact": contact, "key_prefix": prefix, "key_hash": hash_key(key)}
    if rate_limit:
        fields["rate_limit"] = rate_limit
    client = ApiClient.objects.create(**fields)
    return client, key


def rotate_key(client: ApiClient) -> str:
    """Replace the client's key; the old one stops working at once."""
    prefix, key = _new_key()
    with transaction.atomic():
        ApiClient.objects.filter(pk=client.pk).update(key_prefix=prefix, key_hash=hash_key(key),
                                                      rotated_at=timezone.now())
    client.refresh_from_db()
    return key


def set_active(client: ApiClient, active: bool) -> None:
    ApiClient.objects.filter(pk=client.pk).update(is_active=active)
    client.is_active = active


def lookup(key: str | None) -> ApiClient | None:
    """The client a key belongs to, active or not (None for an unknown key)."""
    key = (key or "").strip()
    prefix = _prefix_of(key)
    if not prefix or len(key) > 200:
        return None
    digest = hash_key(key)
    for client in ApiClient.objects.filter(key_prefix=prefix):
        if hmac.compare_digest(client.key_hash, digest):
            return client
    return None
