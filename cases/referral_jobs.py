"""Progress and background running of referral batch imports (docs/product.md §8).

Why progress goes through the cache: the import writes every case in one
transaction (nothing imported unless everything is), so on PostgreSQL no other
connection sees an ImportJob row updated inside it, and on SQLite the writer holds
the database lock. The ImportJob row is therefore written only outside the import
transaction (running, total) and as the transaction's last statement (done, so the
row turns done exactly when the cases become visible); in between, progress is
published to the cache under ``import-job:<pk>``, which every web process reads.
With Redis that is shared by all processes; the single-machine default (local
memory) is per process, so a separate worker's progress shows only through the row
unless ``PORTAL_PROGRESS_CACHE`` names a cache the processes share (e.g. a file cache).
"""

import logging
import uuid
from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.core.cache import caches
from django.core.files.storage import storages
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_q.tasks import async_task

from cases.models import ImportJob
from cases.referral_sheet import RowError

log = logging.getLogger("portal.referrals")
JOB_KIND = "referral_batch"
TASK = "cases.tasks.import_referral_batch"
PROGRESS_EVERY = 10  # rows between progress reports
CACHE_TTL = 24 * 3600
MAX_STORED_ERRORS = 1000
State = ImportJob.State
FINISHED = (State.DONE, State.FAILED)


def cache_key(job_id: int) -> str:
    return f"import-job:{job_id}"


def _cache():
    return caches[getattr(settings, "PORTAL_PROGRESS_CACHE", "default")]


class Progress:
    """Reports an import's progress to its ImportJob (row + cache) and to a callback."""

    def __init__(self, job: ImportJob | None, callback: Callable[[int, int], None] | None, now: datetime):
        self.job, self.callback, self.now, self.total = job, callback, now, 0

    def _update(self, guarded: bool = True, **fields) -> bool:
        if self.job is None:
            return False
        rows = ImportJob.objects.filter(pk=self.job.pk)
        # A job that finished (perhaps by a twin run the broker delivered) stays finished.
        changed = (rows.exclude(state=State.DONE) if guarded else rows).update(**fields)
        if changed:
            for name, value in fields.items():
                setattr(self.job, name, value)
        return bool(changed)

    def _publish(self, state: str, processed: int, errors: list[dict] | None = None) -> None:
        if self.job is None:
            return
        data = {"state": str(state), "processed": processed, "total": self.total, "errors": errors or []}
        _cache().set(cache_key(self.job.pk), data, CACHE_TTL)  # a no-op while Redis is down

    def start(self) -> None:
        self._update(state=State.RUNNING, processed=0, total=0, errors=[], finished_at=None)
        self._publish(State.RUNNING, 0)

    def set_total(self, total: int) -> None:
        self.total = total
        self._update(total=total)
        self.report(0)

    def report(self, done: int) -> None:
        self._publish(State.RUNNING, done)
        if self.callback is not None:
            self.callback(done, self.total)

    def step(self, done: int) -> None:
        if done % PROGRESS_EVERY == 0 or done == self.total:
            self.report(done)

    def succeed(self, result: dict) -> None:
        """Called as the import transaction's last statement."""
        self._update(guarded=False, state=State.DONE, processed=self.total, result=result,
                     finished_at=timezone.now())
        transaction.on_commit(lambda: self._publish(State.DONE, self.total), robust=True)

    def fail(self, errors: list[RowError]) -> list[RowError]:
        stored = [e.as_dict() for e in errors[:MAX_STORED_ERRORS]]
        if len(errors) > MAX_STORED_ERRORS:
            stored.append(RowError(None, "", _("%(count)s more problems are not shown.")
                                   % {"count": len(errors) - MAX_STORED_ERRORS}).as_dict())
        if self._update(state=State.FAILED, processed=0, errors=stored, finished_at=timezone.now()):
            self._publish(State.FAILED, 0, stored)
        return errors


def job_progress(job_id: int) -> dict:
    """state, processed, total, errors: the cache while running, the row once finished."""
    cached = _cache().get(cache_key(job_id))
    if cached and cached["state"] in FINISHED:
        return cached
    row = ImportJob.objects.filter(pk=job_id).values("state", "processed", "total", "errors").first()
    if row is None:
        raise ImportJob.DoesNotExist(job_id)
    # The row wins once finished: a worker killed mid-import leaves a stale cache entry.
    return cached if cached and row["state"] not in FINISHED else row


def queue_import(upload, filename: str, *, source: str, number: int, received_at: datetime,
                 due_at: datetime, actor=None) -> ImportJob:
    """For the admin upload view: keep the file privately, run the import in the worker."""
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    path = storages["private"].save(f"imports/{uuid.uuid4().hex}.{ext}", upload)
    user = actor if actor is not None and actor.is_authenticated else None
    job = ImportJob.objects.create(kind=JOB_KIND, created_by=user, result={
        "filename": filename, "source": source, "number": number})
    args = (job.pk, path, filename, source, number, received_at.isoformat(), due_at.isoformat(),
            user.pk if user else None)
    transaction.on_commit(lambda: _enqueue(job, args), robust=True)
    return job


def task_timeout() -> int:
    """Longer than the cluster's default (a 500-row import takes about a minute) but
    below its retry time, so the ORM broker never hands a twin run out meanwhile."""
    conf = getattr(settings, "Q_CLUSTER", {})
    return max(conf.get("timeout", 60), conf.get("retry", 120) - 10)


def _enqueue(job: ImportJob, args: tuple) -> None:
    try:
        async_task(TASK, *args, timeout=task_timeout(), task_name=f"import-job-{job.pk}")
    except Exception:
        log.exception("could not enqueue import job %s", job.pk)
        Progress(job, None, timezone.now()).fail([RowError(None, "", _(
            "The import could not be started; please try again."))])
