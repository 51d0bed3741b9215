"""A logging filter that keeps personal data and secrets out of every log line.

By construction the portal logs ids and references, never contacts, access codes,
reset links or message bodies (PRODUCT §7). This filter is the second wall, for
what libraries log (a 404 for a password-reset URL, an exception message that
quotes an address): outside DEBUG it replaces
- e-mail addresses and mobile/phone numbers,
- password-reset links (the uid and token after .../reset/),
- anything shaped like an access code (10 characters of its alphabet),
in the message and its arguments, before any handler formats the record.
"""

import logging
import re

from django.conf import settings

PATTERNS = [
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "[e-mail]"),
    (re.compile(r"(?<![\w-])(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?!\d)"), "[phone]"),
    (re.compile(r"(?<!\d)0\d{2,3}-\d{7,8}(?!\d)"), "[phone]"),
    (re.compile(r"(reset/(?:confirm/)?)[^/\s]+/[^/\s\"']+"), r"\1[redacted]"),
    (re.compile(r"(?<![A-Za-z0-9])[ABCDEFGHJKLMNPQRSTUVWXYZ23456789]{10}(?![A-Za-z0-9])"), "[code]"),
]


def redact(text: str) -> str:
    for pattern, replacement in PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(settings, "DEBUG", False):
            return True
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed record is logged as it is
            return True
        record.msg, record.args = redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True
