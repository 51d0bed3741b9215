"""Opaque follow tokens: let a citizen follow a case the public may not know about.

A token is the case's id encrypted and authenticated (Fernet, a fresh nonce each
time), so it reveals nothing (not the id, not whether two answers name the same
case) and cannot be forged; it expires after a day.
"""

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings

MAX_AGE_SECONDS = 24 * 3600
MAX_LENGTH = 200


def _fernet() -> Fernet:
    digest = hashlib.sha256(("portal-follow-token:" + settings.SECRET_KEY).encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def follow_token(case_id: int) -> str:
    return _fernet().encrypt(str(case_id).encode()).decode()


def case_id_from(token: str) -> int | None:
    if not token or len(token) > MAX_LENGTH:
        return None
    try:
        raw = _fernet().decrypt(token.encode(), ttl=MAX_AGE_SECONDS)
    except (InvalidToken, ValueError):
        return None
    return int(raw) if raw.isdigit() else None
