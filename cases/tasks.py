"""django-q2 entry points. They take ids, are idempotent, and call services."""

from django.utils import timezone

from cases.models import TaskHeartbeat


def heartbeat() -> None:
    TaskHeartbeat.objects.update_or_create(name="worker", defaults={"beat_at": timezone.now()})
