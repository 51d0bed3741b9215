"""portal/logredact.py: no contact, access code, reset link or message body in a log line."""

import logging

import pytest

from portal.logredact import RedactFilter, redact

SECRETS = {
    "e-mail": "Reporter li.si+env@example.org wrote",
    "mobile": "SMS to 13800138000 and +86 139-1234-5678",
    "landline": "call 0531-88886666",
    "reset": "Not Found: /admin/password_reset/confirm/MTI/c9x1zz-0123456789abcdef0123456789abcdef/",
    "code": "access code QWERTY2345 for HB2026-000153",
}


@pytest.mark.parametrize("name", SECRETS)
def test_secrets_are_replaced(name):
    text = redact(SECRETS[name])
    for fragment in ("li.si", "13800138000", "1234-5678", "88886666", "c9x1zz", "QWERTY2345"):
        assert fragment not in text
    assert "HB2026-000153" in redact(SECRETS["code"])  # references stay: they are how logs are read


def test_every_configured_handler_redacts(settings):
    assert all("redact" in handler.get("filters", []) for handler in settings.LOGGING["handlers"].values())


def test_the_filter_redacts_arguments_and_exceptions(settings):
    settings.DEBUG = False
    try:
        raise ValueError("bad address li.si@example.org")
    except ValueError:
        import sys

        record = logging.LogRecord("portal", logging.ERROR, __file__, 1, "mail to %s failed", ("a.b@example.org",),
                                   sys.exc_info())
    RedactFilter().filter(record)
    line = logging.Formatter().format(record)
    assert "example.org" not in line and "[e-mail]" in line


def test_debug_keeps_the_line_for_the_developer(settings):
    settings.DEBUG = True
    record = logging.LogRecord("portal", logging.INFO, __file__, 1, "to %s", ("a.b@example.org",), None)
    RedactFilter().filter(record)
    assert record.getMessage() == "to a.b@example.org"
