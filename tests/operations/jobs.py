"""A task for the failed-task screen's tests: it fails until the test allows it to run."""

from multiprocessing import Queue, Value

from django.core.cache import cache
from django.utils import timezone
from django_q.humanhash import uuid
from django_q.monitor import monitor
from django_q.worker import worker


def fails_until_allowed(key: str) -> str:
    if not cache.get(key):
        raise RuntimeError(f"not allowed yet ({key})")
    return "done"


def fail_in_the_cluster(func: str, *args) -> None:
    """Run a task the way a qcluster worker does (worker, then the monitor that stores the
    result), so its failure is recorded as a Failure row; the test profile's synchronous
    mode would raise instead of recording it."""
    name, task_id = uuid()
    tasks, results = Queue(), Queue()
    tasks.put({"id": task_id, "name": name, "func": func, "args": args, "kwargs": {}, "started": timezone.now()})
    tasks.put("STOP")
    worker(tasks, results, Value("f", -1))
    results.put("STOP")
    monitor(results)
