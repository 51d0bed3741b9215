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
        shown = text if settings.DEBUG else f"[{len(text)} characters, shown only with DEBUG on]"
        logger.info("SMS to %s (%s): %s", mask_phone(phone), reference or "-", shown)


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


def get_sms_backend() -> BaseSmsBackend:
    return import_string(settings.SMS_BACKEND)()
