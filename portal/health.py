"""/healthz: database, cache, media storage, task-queue heartbeat, work calendar."""

import uuid
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from cases.calendar import calendar_coverage_problem, provisional_years
from cases.models import TaskHeartbeat


def check_database() -> str | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return None


def check_cache() -> str | None:
    key = f"healthz:{uuid.uuid4().hex}"
    cache.set(key, "ok", 10)
    ok = cache.get(key) == "ok"
    cache.delete(key)
    if ok:
        return None
    # portal.cache.FailSoftRedisCache swallows the outage; it keeps the reason.
    return getattr(cache, "last_error", "") or "cache did not return the value just written"


def check_media() -> str | None:
    name = default_storage.save(f"healthz/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
    try:
        with default_storage.open(name) as fh:
            if fh.read() != b"ok":
                return "media storage returned different bytes"
    finally:
        default_storage.delete(name)
    return None


def check_task_queue(now=None) -> str | None:
    now = now or timezone.now()
    beat = TaskHeartbeat.objects.filter(name="worker").values_list("beat_at", flat=True).first()
    if beat is None:
        return "no heartbeat from the task worker yet"
    age = now - beat
    if age > timedelta(seconds=settings.PORTAL_TASK_HEARTBEAT_MAX_AGE):
        return f"last task-worker heartbeat {int(age.total_seconds())} s ago"
    return None


def check_calendar(now=None) -> str | None:
    today = timezone.localdate(now) if now else timezone.localdate()
    return calendar_coverage_problem(today, today + timedelta(days=60))


CHECKS = {
    "database": check_database,
    "cache": check_cache,
    "media": check_media,
    "task_queue": check_task_queue,
    "work_calendar": check_calendar,
}


@never_cache
def healthz(request):
    results = {}
    today = timezone.localdate()
    provisional = provisional_years(today, today + timedelta(days=60))
    for name, check in CHECKS.items():
        try:
            problem = check()
        except Exception as exc:  # a health check reports failures, it never raises
            problem = f"{type(exc).__name__}: {exc}"
        results[name] = {"ok": problem is None, **({"error": problem} if problem else {})}
    if provisional and results["work_calendar"]["ok"]:
        results["work_calendar"]["warning"] = (
            "provisional calendar (statutory holidays only) for " + ", ".join(map(str, provisional))
        )
    healthy = all(r["ok"] for r in results.values())
    return JsonResponse({"status": "ok" if healthy else "failing", "checks": results},
                        status=200 if healthy else 503)
