"""Contact data retention (docs/product.md §7): reporter contact details are deleted a
configurable time after the case is finished; the case itself stays."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from cases.models import CaseState, Notification, ReporterIdentity


def purge_expired_contacts(now: datetime | None = None) -> int:
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.PORTAL_CONTACT_RETENTION_DAYS)
    expired = ReporterIdentity.objects.filter(
        contact_purged_at__isnull=True, case__state__in=CaseState.FINISHED, case__closed_at__lt=cutoff)
    ids = list(expired.values_list("pk", flat=True))
    case_ids = list(expired.values_list("case_id", flat=True).distinct())
    with transaction.atomic():
        # QuerySet.update skips the encrypting field's prep for "", which is what we want.
        ReporterIdentity.objects.filter(pk__in=ids).update(name="", phone="", email="", ip_address="",
                                                           contact_purged_at=now)
        # Sent reporter messages hold the address and the access code: clear them too.
        Notification.objects.filter(case_id__in=case_ids, audience="reporter").exclude(
            state__in=[Notification.State.PENDING, Notification.State.SENDING]).update(recipient="", body="")
    return len(ids)
