"""Limits on staff sign-in and password reset, per client address and per account.

django-axes locks a username + address pair after 5 failures. That does not slow an
attacker who sprays one password across many accounts from one address, nor one who
tries one account from many addresses, and Wagtail's password reset had no limit at
all (18 mails in 2 s). This middleware counts every sign-in and reset POST twice,
before the view runs: once for the client address (portal/clientip.py) and once for
the account named in the form (lower-cased, hashed; counted whether or not it exists,
so the answer never tells). Over either limit the answer is the lockout page (429).
"""

import hashlib

from django.conf import settings
from django_ratelimit.core import is_ratelimited

from portal.clientip import client_ip

from .security import lockout_response

# URL name → (form field naming the account, address rate setting, account rate setting)
GUARDED = {
    "wagtailadmin_login": ("username", "PORTAL_RATELIMIT_LOGIN_ADDRESS", "PORTAL_RATELIMIT_LOGIN_ACCOUNT"),
    "wagtailadmin_password_reset": ("email", "PORTAL_RATELIMIT_RESET_ADDRESS", "PORTAL_RATELIMIT_RESET_ACCOUNT"),
}


def _account_key(value: str) -> str:
    return hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]


def _over(request, group: str, key: str, rate: str) -> bool:
    return is_ratelimited(request, group=group, key=lambda _g, _r: key, rate=rate, increment=True)


def limited(request, url_name: str) -> bool:
    field, address_rate, account_rate = GUARDED[url_name]
    by_address = _over(request, f"staff:{url_name}:address", client_ip(request), getattr(settings, address_rate))
    account = request.POST.get(field, "")
    by_account = bool(account.strip()) and _over(request, f"staff:{url_name}:account", _account_key(account),
                                                 getattr(settings, account_rate))
    return by_address or by_account


class StaffAuthThrottleMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if request.method != "POST" or match is None or match.url_name not in GUARDED:
            return None
        if limited(request, match.url_name):
            return lockout_response(request)
        return None
