"""The one place that decides a request's client address.

Every rate limit (citizen forms, lookups, Open311), the sign-in lockout (django-axes'
AXES_CLIENT_IP_CALLABLE), the stored reporter address and the logs read it from here,
so they all count the same client.

Directly exposed, the address is REMOTE_ADDR. Behind the deployment's reverse proxy,
RATELIMIT_IP_META_KEY names the META key the proxy itself sets (e.g. HTTP_X_REAL_IP).
When that value is a list (X-Forwarded-For), the right-most entry is used: it is the
one the nearest proxy appended; entries to its left come from the client and can be
forged. A missing or malformed value falls back to REMOTE_ADDR.
"""

import ipaddress

from django.conf import settings


def _valid(value: str) -> str | None:
    value = value.strip()
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_ip(request) -> str:
    meta_key = getattr(settings, "RATELIMIT_IP_META_KEY", None)
    if isinstance(meta_key, str) and meta_key and meta_key != "REMOTE_ADDR":
        raw = request.META.get(meta_key) or ""
        found = _valid(raw.split(",")[-1]) if raw else None
        if found:
            return found
    return _valid(request.META.get("REMOTE_ADDR") or "") or ""


def ratelimit_key(_group: str, request) -> str:
    """django-ratelimit `key` callable."""
    return client_ip(request)
