"""Operator actions on staff accounts: reset a second factor, lift a sign-in lockout.

Both are for administrators only (cases.operations.access) and each writes an
OperatorAction row in the same transaction as its effect.

Lockouts come from two places (cases/workbench/security.py, throttle.py): django-axes
locks a username + address pair after AXES_FAILURE_LIMIT failures (rows in AccessAttempt),
and the staff sign-in throttle counts sign-in and reset POSTs per address and per account
in the "ratelimit" cache. Lifting a lockout clears both for the account and/or address.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_ratelimit.core import _get_window, _make_cache_key, _split_rate

from cases.lifecycle import MissingReason
from cases.models import OperatorAction
from cases.workbench.throttle import GUARDED, _account_key

Kind = OperatorAction.Kind


def staff_accounts(search: str = ""):
    """Accounts that may enter the back office, with their second-factor state (3 queries
    with the groups, whatever the number of rows)."""
    users = get_user_model().objects.filter(Q(is_staff=True) | Q(is_superuser=True) | Q(groups__isnull=False))
    if search.strip():
        term = search.strip()
        users = users.filter(Q(username__icontains=term) | Q(first_name__icontains=term)
                             | Q(last_name__icontains=term) | Q(email__icontains=term))
    codes = StaticToken.objects.filter(device__user=OuterRef("pk"), device__confirmed=True)
    return (users.distinct()
            .annotate(has_authenticator=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)),
                      has_codes=Exists(codes))
            .prefetch_related("groups").order_by("username"))


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def _end_sessions(user) -> int:
    """Sign the user out everywhere: a session that passed the old second factor must not
    be the one that enrols the new authenticator."""
    ended = []
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator(chunk_size=500):
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            ended.append(session.pk)
    Session.objects.filter(pk__in=ended).delete()
    return len(ended)


def reset_second_factor(actor, user, reason: str, *, now: datetime | None = None) -> OperatorAction:
    """Remove the user's authenticator and recovery codes and end their sessions: at the
    next sign-in they must enrol a new authenticator (cases/workbench/middleware.py)."""
    reason = reason.strip()
    if not reason:
        raise MissingReason(_("Say why the second factor is reset."))
    with transaction.atomic():
        devices = TOTPDevice.objects.filter(user=user).delete()[1].get("otp_totp.TOTPDevice", 0)
        codes = StaticToken.objects.filter(device__user=user).count()
        StaticDevice.objects.filter(user=user).delete()
        sessions = _end_sessions(user)
        return OperatorAction.objects.create(
            at=now or timezone.now(), actor=actor, kind=Kind.RESET_SECOND_FACTOR, subject_user=user,
            subject=user.get_username(), reason=reason,
            outcome=_("%(devices)s authenticator(s) and %(codes)s recovery code(s) removed, "
                      "%(sessions)s session(s) ended") % {"devices": devices, "codes": codes, "sessions": sessions})


@dataclass
class Lockout:
    attempt: AccessAttempt
    locked: bool


def lockouts(now: datetime | None = None) -> list[Lockout]:
    """django-axes' failure rows (one per account + address), newest first, with whether
    the pair is locked now (limit reached within the cool-off time)."""
    now = now or timezone.now()
    cooloff = timedelta(hours=float(settings.AXES_COOLOFF_TIME or 0))
    rows = AccessAttempt.objects.order_by("-attempt_time")[:500]
    return [Lockout(a, a.failures_since_start >= settings.AXES_FAILURE_LIMIT
                    and (not cooloff or a.attempt_time > now - cooloff)) for a in rows]


def _counter_key(group: str, rate: str, value: str) -> str:
    # django-ratelimit's own key for the current window of `value` (get_usage() builds it
    # the same way, method ALL): deleting it resets the count.
    _limit, period = _split_rate(rate)
    return _make_cache_key(group, _get_window(value, period), rate, value, "")


def _clear_counters(username: str, address: str) -> int:
    cache, keys = caches[settings.RATELIMIT_USE_CACHE], []
    for url_name, (_field, address_rate, account_rate) in GUARDED.items():
        if address:
            keys.append(_counter_key(f"staff:{url_name}:address", getattr(settings, address_rate), address))
        if username:
            keys.append(_counter_key(f"staff:{url_name}:account", getattr(settings, account_rate),
                                     _account_key(username)))
    present = [k for k in keys if cache.get(k) is not None]
    cache.delete_many(keys)
    return len(present)


def unlock(actor, *, username: str = "", address: str = "", reason: str = "",
           now: datetime | None = None) -> OperatorAction:
    """Lift the lockout of an account, an address, or the pair: axes rows and throttle counters."""
    username, address = username.strip(), address.strip()
    if not username and not address:
        raise MissingReason(_("Name an account or an address to unlock."))
    rows = AccessAttempt.objects.all()
    if username:
        rows = rows.filter(username__iexact=username)
    if address:
        rows = rows.filter(ip_address=address)
    with transaction.atomic():
        removed = rows.delete()[0]
        counters = _clear_counters(username, address)
        subject = " · ".join(p for p in (username and _("account %(name)s") % {"name": username},
                                          address and _("address %(ip)s") % {"ip": address}) if p)
        return OperatorAction.objects.create(
            at=now or timezone.now(), actor=actor, kind=Kind.UNLOCK,
            subject_user=get_user_model().objects.filter(username__iexact=username).first() if username else None,
            subject=subject[:200], reason=reason.strip(),
            outcome=_("%(rows)s failure record(s) removed, %(counters)s sign-in counter(s) reset")
            % {"rows": removed, "counters": counters})
