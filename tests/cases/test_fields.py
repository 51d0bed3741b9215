"""cases/fields.py: contact data encrypted at rest, key rotation, outbox rows in clear migrated."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from cases.fields import PREFIX, _fernet
from cases.intake import ReporterInput, check_access_code, hash_access_code
from cases.models import Notification, ReporterIdentity

pytestmark = pytest.mark.django_db

OLD, NEW = "old-key-" + "o" * 40, "new-key-" + "n" * 40


def raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def test_rotation_new_key_first_old_keys_still_decrypt_and_the_command_re_encrypts(settings, city, new_case):
    settings.FIELD_ENCRYPTION_KEY = OLD
    case = new_case(reporter=ReporterInput(name="王五", phone="13700137000", email="ww@example.org"))
    reporter = case.reporters.get()
    before = raw("cases_reporteridentity", "phone", reporter.pk)
    assert before.startswith(PREFIX) and "13700137000" not in before
    settings.FIELD_ENCRYPTION_KEY = f"{NEW},{OLD}"
    assert ReporterIdentity.objects.get(pk=reporter.pk).phone == "13700137000"  # old rows still readable
    call_command("reencrypt_contacts", stdout=open("/dev/null", "w"))
    after = raw("cases_reporteridentity", "phone", reporter.pk)
    assert after != before
    _fernet(NEW).decrypt(after[len(PREFIX):].encode())  # now under the new key alone
    settings.FIELD_ENCRYPTION_KEY = NEW
    assert ReporterIdentity.objects.get(pk=reporter.pk).email == "ww@example.org"


def test_access_codes_handed_out_before_a_rotation_keep_working(settings, city, new_case):
    settings.FIELD_ENCRYPTION_KEY = OLD
    case = new_case()
    case.access_code_hash = hash_access_code(case.reference, "ABCDEFGH23")
    settings.FIELD_ENCRYPTION_KEY = f"{NEW},{OLD}"
    assert check_access_code(case, "ABCDEFGH23") and not check_access_code(case, "ABCDEFGH24")


def test_outbox_rows_written_in_clear_are_encrypted_by_the_migration(city, new_case):
    from importlib import import_module

    from django.apps import apps

    case = new_case()
    row = Notification.objects.create(case=case, audience="reporter", channel="email", recipient="x",
                                      template="case_received", subject="s", body="x", idempotency_key="clear-1",
                                      next_attempt_at=timezone.now())
    with connection.cursor() as cursor:  # as written before the fields were encrypted
        cursor.execute("UPDATE cases_notification SET recipient = %s, body = %s WHERE id = %s",
                       ["li@example.org", "您的查询码是 QWERTY2345", row.pk])
    import_module("cases.migrations.0008_encrypt_outbox_rows").encrypt_rows(apps, None)
    assert raw("cases_notification", "recipient", row.pk).startswith(PREFIX)
    assert "QWERTY2345" not in raw("cases_notification", "body", row.pk)
    row.refresh_from_db()
    assert (row.recipient, row.body) == ("li@example.org", "您的查询码是 QWERTY2345")
