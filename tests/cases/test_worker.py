"""A real django-q2 cluster in a subprocess: the sweep survives a worker killed
mid-task with one event and one notification per crossing (docs/architecture.md, "Stack notes")."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django_q.tasks import async_task

from cases import actions
from cases.models import CaseEvent, Clock, Notification
from tests.cases.conftest import T0

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def worker_env() -> dict:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings.test", "Q_TIMEOUT": "20", "Q_RETRY": "25",
           "Q_WORKERS": "1"}
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        env["SQLITE_PATH"] = str(db["NAME"])
        env.pop("DATABASE_URL", None)
    else:
        env["DATABASE_URL"] = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    return env


def wait_for(predicate, timeout: float, proc) -> bool:
    """Poll the shared database while the cluster works (bounded; not a fixed sleep)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        assert proc.poll() is None, proc.log_path.read_text(errors="replace")[-3000:]
        time.sleep(0.5)
    return False


def stop(proc) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


def test_sweep_with_worker_killed_mid_task(city, new_case, tmp_path):
    cases = [actions.accept(new_case(), city.env_handler, now=T0) for _ in range(5)]
    handling = list(Clock.objects.filter(case__in=cases, kind="handling"))
    assert len(handling) == 5  # all long past due by the real clock
    marker = tmp_path / "died"
    log = (tmp_path / "qcluster.log").open("wb")
    proc = subprocess.Popen([sys.executable, "manage.py", "qcluster"], cwd=ROOT, env=worker_env(),
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    proc.log_path = tmp_path / "qcluster.log"
    try:
        async_task("tests.cases.worker_tasks.sweep_one_batch_then_die", str(marker), sync=False)
        assert wait_for(marker.exists, 60, proc), "the first task run never started"
        # The ORM broker redelivers the killed task after Q_RETRY; the Redis broker
        # loses it, and the periodic sweep (enqueued here as the schedule would) re-derives it.
        async_task("cases.tasks.sweep_deadlines", sync=False)
        done = wait_for(lambda: not Clock.objects.filter(stopped_at__isnull=True, escalated_at__isnull=True)
                        .exclude(kind="action_item").exists(), 90, proc)
        assert done, "the sweep did not finish in the worker"
    finally:
        stop(proc)
    running = Clock.objects.filter(case__in=cases, stopped_at__isnull=True)
    for clock in running:
        for kind in ("deadline_overdue", "escalated"):
            assert CaseEvent.objects.filter(kind=kind, data__clock=clock.pk).count() == 1
        for threshold in ("overdue", "escalation"):
            assert Notification.objects.filter(idempotency_key__startswith=f"clock:{clock.pk}:{threshold}:").count() == 1
    assert settings.Q_CLUSTER.get("sync")  # the test process itself still runs tasks inline
