"""Health endpoints, one per consumer (deploy/README.md, README "Running at scale"):

- ``/livez``  — the process answers; for a process supervisor. Touches nothing.
- ``/readyz`` — this node can serve: the database answers. For the load balancer. A shared
  dependency (Redis, the worker, storage, the calendar) never takes every node out at once.
- ``/healthz`` — the detailed report for monitoring: each dependency is ``ok`` or ``degraded``
  with a reason; only a failed database makes the node ``failing`` (503).
"""

import threading
import time
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

STORAGE_PROBE_TTL = 60.0  # seconds; a probe writes one object, so not on every check


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


def _probe_media() -> str | None:
    name = default_storage.save(f"healthz/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
    try:
        with default_storage.open(name) as fh:
            if fh.read() != b"ok":
                return "media storage returned different bytes"
    finally:
        default_storage.delete(name)
    return None


class _ProbeMemo:
    """The last storage probe result of this process, reused for STORAGE_PROBE_TTL seconds."""

    def __init__(self):
        self.lock = threading.Lock()
        self.at: float | None = None
        self.result: str | None = None

    def clear(self) -> None:
        with self.lock:
            self.at = None


storage_memo = _ProbeMemo()


def check_media() -> str | None:
    with storage_memo.lock:
        fresh = storage_memo.at is not None and time.time() - storage_memo.at < STORAGE_PROBE_TTL
        if fresh:
            return storage_memo.result
        try:
            result = _probe_media()
        except Exception as exc:  # reported as degraded, remembered like a success
            result = f"{type(exc).__name__}: {exc}"
        storage_memo.at, storage_memo.result = time.time(), result
        return result


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


# A failed dependency of the whole site is "degraded": the node still serves pages.
DEPENDENCIES = {
    "cache": check_cache,
    "media": check_media,
    "task_queue": check_task_queue,
    "work_calendar": check_calendar,
}


def _run(check) -> str | None:
    try:
        return check()
    except Exception as exc:  # a health check reports failures, it never raises
        return f"{type(exc).__name__}: {exc}"


@never_cache
def livez(request):
    return JsonResponse({"status": "ok"})


@never_cache
def readyz(request):
    problem = _run(check_database)
    if problem:
        return JsonResponse({"status": "failing", "database": problem}, status=503)
    return JsonResponse({"status": "ok"})


def _calendar_warning() -> str | None:
    today = timezone.localdate()
    provisional = provisional_years(today, today + timedelta(days=60))
    if provisional:
        return "provisional calendar (statutory holidays only) for " + ", ".join(map(str, provisional))
    return None


@never_cache
def healthz(request):
    database = _run(check_database)
    if database:
        # Every other check reads the database too; report the one cause.
        return JsonResponse({"status": "failing", "checks": {"database": {"status": "failing",
                                                                          "reason": database}}}, status=503)
    checks = {"database": {"status": "ok"}}
    for name, check in DEPENDENCIES.items():
        problem = _run(check)
        checks[name] = {"status": "degraded", "reason": problem} if problem else {"status": "ok"}
    warning = _calendar_warning() if checks["work_calendar"]["status"] == "ok" else None
    if warning:
        checks["work_calendar"]["warning"] = warning
    degraded = [name for name, result in checks.items() if result["status"] != "ok"]
    return JsonResponse({"status": "degraded" if degraded else "ok", "degraded": degraded, "checks": checks})
