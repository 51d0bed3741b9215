"""The worker is down when reports arrive (a real django-q2 cluster in a subprocess).

What the citizen sees: the reference and access code at once, as always. What is stored:
the case, the identity, the "received" event, the receipt and the photo's original, with
the intake job in the database. When the worker comes back, every such report is routed
and its photo copied exactly once — whether the task waited in the queue or never reached
the broker (Redis down at the commit: the 1-minute intake schedule finds the job).
"""

import subprocess
import sys
from datetime import timedelta

import pytest
from django.db.models import F
from django_q.conf import Conf
from django_q.tasks import async_task

from cases.models import Case, CaseEvent, Notification, Photo
from tests.cases.test_worker import ROOT, stop, wait_for, worker_env
from tests.resilience.conftest import report_data, upload

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def _post(client, city, **overrides):
    response = client.post("/en/report/", {**report_data(city, **overrides), "photos": [upload()]})
    assert response.status_code == 302, response.content[:300]
    return Case.objects.order_by("-pk").first()


def test_reports_filed_while_the_worker_is_down_are_routed_when_it_returns(client, city, new_case, monkeypatch,
                                                                          settings, tmp_path):
    new_case()  # warm the township index and the calendar
    monkeypatch.setattr(Conf, "SYNC", False)  # as in production: the task goes to the broker

    queued = _post(client, city)  # no worker: the task waits in the queue

    def broker_down(*args, **kwargs):
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr("cases.pipeline.jobs.q_tasks.async_task", broker_down)
    lost = _post(client, city, idempotency_key="b" * 32, description="河道漂浮大量死鱼")  # the task is lost
    monkeypatch.undo()
    monkeypatch.setattr(Conf, "SYNC", False)

    for case in (queued, lost):
        assert (case.state, case.intake_job) == ("submitted", "route")
        assert Photo.objects.get(case=case).state == "pending"
    # The lost one arrived two minutes ago: past the schedule's grace period.
    Case.objects.filter(pk=lost.pk).update(received_at=F("received_at") - timedelta(minutes=2))
    Photo.objects.filter(case=lost).update(received_at=F("received_at") - timedelta(minutes=2))

    log = (tmp_path / "qcluster.log").open("wb")
    env = {**worker_env(), "PORTAL_TEST_FILES": str(settings.PRIVATE_MEDIA_ROOT.parent)}
    proc = subprocess.Popen([sys.executable, "manage.py", "qcluster"], cwd=ROOT, env=env,
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    proc.log_path = tmp_path / "qcluster.log"
    try:
        async_task("cases.tasks.finish_pending_intake")  # as the 1-minute schedule does
        done = wait_for(lambda: not Case.objects.exclude(intake_job="").exists()
                        and not Photo.objects.filter(state="pending").exists(), 120, proc)
        assert done, proc.log_path.read_text(errors="replace")[-3000:]
    finally:
        stop(proc)
    for case in (queued, lost):
        case.refresh_from_db()
        assert case.state == "assigned" and case.lead_department == city.env
        assert CaseEvent.objects.filter(case=case, kind="auto_routed").count() == 1
        assert CaseEvent.objects.filter(case=case, kind="received").count() == 1
        assert Photo.objects.get(case=case).state == "ready"
        assert Notification.objects.filter(case=case, template="case_received").count() == 2
