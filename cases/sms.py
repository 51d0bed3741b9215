"""Pluggable SMS backends, chosen by settings.SMS_BACKEND (a dotted class path).

A real gateway backend subclasses BaseSmsBackend and raises on failure; the outbox
(cases/notifications.py) turns the exception into a retry with backoff.
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("portal.sms")


def mask_phone(phone: str) -> str:
    """138****8000: enough to tell numbers apart in a log, never the whole number."""
    digits = "".join(ch for ch in phone if ch.isdigit() or ch == "+")
    if len(digits) >= 8:
        return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
    return "*" * max(len(digits) - 2, 1) + digits[-2:]


class BaseSmsBackend:
    """Send one text message. Raise any exception to signal a failure worth retrying.

    ``reference`` is the outbox idempotency key; gateways that accept a client
    reference (de-duplication id) should pass it on.
    """

    def send(self, phone: str, text: str, *, reference: str | None = None) -> None:
        raise NotImplementedError


class LogSmsBackend(BaseSmsBackend):
    """Default: writes the message to the "portal.sms" log with the number masked. The
    text (it may hold the reporter's access code) is logged only with DEBUG on."""

    def send(self, phone: str, text: str, *, reference: str | None = None) -> None:
        from django.conf import settings

        shown = text if settings.DEBUG else f"[{len(text)} characters, shown only with DEBUG on]"
        logger.info("SMS to %s (%s): %s", mask_phone(phone), reference or "-", shown)


class SmsDisabled(Exception):
    """SMS is switched off (SMS_BACKEND=off): the message is recorded as not sent."""


class DisabledSmsBackend(BaseSmsBackend):
    """SMS_BACKEND=off: no gateway. The outbox marks text messages failed ("SMS is
    switched off"), never sent, and says so on the case's notification list."""

    enabled = False

    def send(self, phone: str, text: str, *, reference: str | None = None) -> None:
        raise SmsDisabled("SMS is switched off (SMS_BACKEND=off)")


@dataclass(frozen=True)
class SmsMessage:
    phone: str
    text: str
    reference: str | None = None


# Messages "sent" by LocmemSmsBackend, for tests; clear it in a test's setup.
outbox: list[SmsMessage] = []


class LocmemSmsBackend(BaseSmsBackend):
    def send(self, phone: str, text: str, *, reference: str | None = None) -> None:
        outbox.append(SmsMessage(phone=phone, text=text, reference=reference))


OFF = "off"
# Backends that deliver nothing: refused by the production profile.
NON_DELIVERING = frozenset({"cases.sms.LogSmsBackend", "cases.sms.LocmemSmsBackend"})


def backend_path(value: str) -> str:
    return "cases.sms.DisabledSmsBackend" if value.strip().lower() == OFF else value


def get_sms_backend() -> BaseSmsBackend:
    return import_string(backend_path(settings.SMS_BACKEND))()
