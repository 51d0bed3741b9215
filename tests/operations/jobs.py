"""A task for the failed-task screen's tests: it fails until the test allows it to run."""

from multiprocessing import Queue, Value
from unittest.mock import patch

from django.core.cache import cache
from django.utils import timezone
from django_q.humanhash import uuid
from django_q.monitor import monitor
from django_q.worker import worker


def fails_until_allowed(key: str) -> str:
    if not cache.get(key):
        raise RuntimeError(f"not allowed yet ({key})")
    return "done"


def fail_in_the_cluster(func: str, *args, task_id: str | None = None) -> None:
    """Run a task the way a qcluster worker does (worker, then the monitor that stores the
    result), so its failure is recorded as a Failure row; the test profile's synchronous
    mode would raise instead of recording it."""
    name, new_id = uuid()
    task_id = task_id or new_id
    tasks, results = Queue(), Queue()
    tasks.put({"id": task_id, "name": name, "func": func, "args": args, "kwargs": {}, "started": timezone.now()})
    tasks.put("STOP")
    # A cluster process closes its stale database connections between tasks; here the worker
    # runs in the test's own connection and transaction, which must stay open.
    with patch("django_q.worker.close_old_django_connections"), patch("django_q.monitor.close_old_django_connections"):
        worker(tasks, results, Value("f", -1))
        results.put("STOP")
        monitor(results)
