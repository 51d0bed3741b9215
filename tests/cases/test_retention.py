"""Reporter contact data: encrypted at rest, deleted after the retention period."""

from datetime import timedelta

from django.db import connection

from cases import actions, results
from cases.models import Notification, ReporterIdentity
from cases.retention import purge_expired_contacts
from tests.cases.conftest import T0


def raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cur:
        cur.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])
        return cur.fetchone()[0]


def test_contact_data_is_encrypted_at_rest(city, new_case):
    case = new_case()
    identity = ReporterIdentity.objects.get(case=case)
    assert identity.phone == "13800138000"
    for column in ("name", "phone", "email", "ip_address"):
        stored = raw("cases_reporteridentity", column, identity.pk)
        assert stored.startswith("enc1:") and "138001" not in stored and "张三" not in stored
    note = Notification.objects.filter(case=case, audience="reporter").first()
    assert note is not None and raw("cases_notification", "recipient", note.pk).startswith("enc1:")
    assert "enc1:" not in note.recipient


def test_contacts_are_purged_after_retention(city, new_case, settings):
    settings.PORTAL_CONTACT_RETENTION_DAYS = 30
    case = actions.accept(new_case(), city.env_handler, now=T0)
    results.submit_result(case, city.env_handler, findings="x", reply="y", now=T0)
    results.close(case, city.intake, now=T0)
    still_open = new_case()
    Notification.objects.filter(case=case).update(state="sent")
    assert purge_expired_contacts(now=T0 + timedelta(days=29)) == 0
    assert purge_expired_contacts(now=T0 + timedelta(days=31)) == 1
    identity = ReporterIdentity.objects.get(case=case)
    assert (identity.name, identity.phone, identity.email, identity.ip_address) == ("", "", "", "")
    assert identity.contact_purged_at is not None
    assert set(Notification.objects.filter(case=case, audience="reporter").values_list("recipient", flat=True)) == {""}
    assert ReporterIdentity.objects.get(case=still_open).phone == "13800138000"
