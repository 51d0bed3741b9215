"""Self-hosted proof-of-work CAPTCHA (ALTCHA, PoW v2), docs/product.md §4.1 abuse control.

The server signs a challenge in deterministic mode (it knows the answer's key and
signs it, so verification is one HMAC); the browser's ALTCHA widget finds the
counter. A solved challenge is accepted once: its signature is remembered in
the cache until it expires, so a replayed payload is refused. The same form
posted twice (a double click) carries the same idempotency token and is not
a replay: intake files one case for it.
"""

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

import altcha
from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

_USED_PREFIX = "portal:altcha-used:"


def _secret(label: str) -> str:
    base = settings.PORTAL_ALTCHA_HMAC_KEY or settings.SECRET_KEY
    return hmac.new(base.encode(), f"portal-altcha:{label}".encode(), hashlib.sha256).hexdigest()


def is_required(request) -> bool:
    """Citizens solve the proof of work; signed-in staff filing on someone's behalf do not."""
    return settings.PORTAL_CAPTCHA_REQUIRED and not request.user.is_authenticated


def new_challenge() -> dict:
    """A signed challenge as the widget fetches it (JSON)."""
    top = max(2, settings.PORTAL_ALTCHA_MAX_COUNTER)
    counter = top // 2 + secrets.randbelow(top - top // 2)
    challenge = altcha.create_challenge(
        algorithm=settings.PORTAL_ALTCHA_ALGORITHM, cost=settings.PORTAL_ALTCHA_COST, counter=counter,
        expires_at=int(time.time()) + settings.PORTAL_ALTCHA_EXPIRES_SECONDS,
        hmac_secret=_secret("challenge"), hmac_key_secret=_secret("key"),
    )
    return challenge.to_dict()


@dataclass(frozen=True)
class Verdict:
    ok: bool
    message: str = ""


def verify(payload: str, token: str) -> Verdict:
    """Check a solved payload; accept it once (or again for the same form token)."""
    if not payload:
        return Verdict(False, _("Please wait for the anti-robot check to finish (it runs by itself in your "
                                "browser and needs JavaScript), then send the form again."))
    result = altcha.verify_solution(payload[:20000], _secret("challenge"), hmac_key_secret=_secret("key"))
    if result.expired:
        return Verdict(False, _("The anti-robot check has expired. Please send the form again."))
    if not result.verified:
        return Verdict(False, _("The anti-robot check failed. Please reload the page and try again."))
    if not _first_use(payload, token):
        return Verdict(False, _("This anti-robot check was already used. Please reload the page and try again."))
    return Verdict(True)


def _first_use(payload: str, token: str) -> bool:
    challenge = altcha.Payload.from_base64(payload).challenge
    key = _USED_PREFIX + hashlib.sha256((challenge.signature or "").encode()).hexdigest()
    expires = challenge.parameters.expires_at or 0
    ttl = max(60, int(expires - time.time()) + 60)
    if cache.add(key, token or "-", ttl):
        return True
    return bool(token) and cache.get(key) == token
