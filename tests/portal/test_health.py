"""/livez, /readyz and /healthz: a shared dependency down degrades the report, never the node."""

import json
import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.utils import timezone

from cases.data.cn_calendar import SCHEDULES
from portal import health
from tests import factories as f
from tests.public.conftest import closed_port

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
SH = ZoneInfo("Asia/Shanghai")
MID_2026 = datetime(2026, 6, 1, 10, 0, tzinfo=SH)  # +60 days stays inside 2026
LATE_2026 = datetime(2026, 11, 29, 10, 0, tzinfo=SH)  # +60 days reaches into 2027


@pytest.fixture(autouse=True)
def fresh_storage_probe():
    health.storage_memo.clear()
    yield
    health.storage_memo.clear()


def get(client, path):
    response = client.get(path)
    return response.status_code, response.json()


def cover(*years):
    """Official years where the portal has the notice, provisional otherwise."""
    f.calendar(years=[y for y in years if y in SCHEDULES])
    for year in years:
        if year not in SCHEDULES:
            f.provisional_year(year)


def test_all_checks_ok_on_a_fully_official_calendar(client):
    with time_machine.travel(MID_2026, tick=False):
        cover(2026)
        f.heartbeat()
        status, body = get(client, "/healthz")
    assert status == 200, body
    assert body["status"] == "ok" and body["degraded"] == []
    assert set(body["checks"]) == {"database", "cache", "media", "task_queue", "work_calendar"}
    assert all(check == {"status": "ok"} for check in body["checks"].values()), body


def test_ok_today_when_the_calendar_covers_the_next_60_days(client):
    today = timezone.localdate()
    cover(*range(today.year, (today + timedelta(days=60)).year + 1))
    f.heartbeat()
    status, body = get(client, "/healthz")
    assert (status, body["status"]) == (200, "ok"), body


def test_calendar_gap_degrades_health_but_the_node_stays_ready(client):
    with time_machine.travel(LATE_2026, tick=False):
        cover(2026)
        f.heartbeat()
        status, body = get(client, "/healthz")
        ready, _ = get(client, "/readyz")
    assert (status, ready) == (200, 200)
    assert body["status"] == "degraded" and body["degraded"] == ["work_calendar"]
    assert "2027" in body["checks"]["work_calendar"]["reason"]
    assert body["checks"]["task_queue"] == {"status": "ok"}


def test_no_year_entered_at_all_is_degraded(client):
    with time_machine.travel(MID_2026, tick=False):
        f.heartbeat()
        _, body = get(client, "/healthz")
    assert body["checks"]["work_calendar"]["status"] == "degraded"


def test_provisional_year_gives_a_warning_but_ok(client):
    with time_machine.travel(LATE_2026, tick=False):
        cover(2026, 2027)
        f.heartbeat()
        status, body = get(client, "/healthz")
    assert (status, body["status"]) == (200, "ok"), body
    assert "2027" in body["checks"]["work_calendar"]["warning"]


def test_stopped_worker_degrades_health_but_the_node_stays_ready(client, settings):
    with time_machine.travel(MID_2026, tick=False):
        cover(2026)
        f.heartbeat(age_seconds=settings.PORTAL_TASK_HEARTBEAT_MAX_AGE + 60)
        status, body = get(client, "/healthz")
        ready, _ = get(client, "/readyz")
    assert (status, ready) == (200, 200)
    assert body["degraded"] == ["task_queue"]
    assert "heartbeat" in body["checks"]["task_queue"]["reason"]


def test_heartbeat_just_inside_the_limit_is_fresh(client, settings):
    with time_machine.travel(MID_2026, tick=False):
        cover(2026)
        f.heartbeat(age_seconds=settings.PORTAL_TASK_HEARTBEAT_MAX_AGE - 5)
        _, body = get(client, "/healthz")
    assert body["status"] == "ok", body


def test_worker_that_never_beat_is_degraded(client):
    with time_machine.travel(MID_2026, tick=False):
        cover(2026)
        _, body = get(client, "/healthz")
    assert body["degraded"] == ["task_queue"]


def test_the_heartbeat_task_makes_the_worker_healthy(client):
    from cases.tasks import heartbeat

    with time_machine.travel(MID_2026, tick=False):
        cover(2026)
        heartbeat()
        _, body = get(client, "/healthz")
    assert body["status"] == "ok", body


def test_storage_failure_is_degraded_with_its_reason(client):
    with mock.patch.object(default_storage, "save", side_effect=OSError(28, "No space left on device")):
        status, body = get(client, "/healthz")
        ready, _ = get(client, "/readyz")
    assert (status, ready) == (200, 200)
    assert body["checks"]["media"]["status"] == "degraded"
    assert "No space left" in body["checks"]["media"]["reason"]


def test_storage_probe_writes_one_object_per_minute_not_per_check(client):
    real_save = default_storage.save
    with mock.patch.object(default_storage, "save", side_effect=real_save) as save:
        for _ in range(5):
            client.get("/healthz")
        assert save.call_count == 1
        with time_machine.travel(timezone.now() + timedelta(seconds=health.STORAGE_PROBE_TTL + 1)):
            client.get("/healthz")
        assert save.call_count == 2


def test_livez_touches_nothing(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        status, body = get(client, "/livez")
    assert (status, body) == (200, {"status": "ok"})


def test_readyz_reads_only_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        status, body = get(client, "/readyz")
    assert (status, body) == (200, {"status": "ok"})


@pytest.mark.parametrize("path", ["/livez", "/readyz", "/healthz"])
def test_health_is_never_cached(client, path):
    response = client.get(path)
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


PROBE = """
import json, django
django.setup()
from django.test import Client
c = Client(raise_request_exception=False)
print(json.dumps({p: [r.status_code, r.json()] for p in ("/livez", "/readyz", "/healthz") for r in [c.get(p)]}))
"""


@pytest.mark.slow
def test_database_down_takes_the_node_out(tmp_path):
    """A real process whose database is a closed port: alive, not ready, failing."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings.test",
           "DATABASE_URL": f"postgres://portal@127.0.0.1:{closed_port()}/portal", "REDIS_URL": ""}
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr[-3000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["/livez"] == [200, {"status": "ok"}]
    assert result["/readyz"][0] == 503 and result["/readyz"][1]["status"] == "failing"
    assert result["/healthz"][0] == 503
    assert result["/healthz"][1]["checks"]["database"]["status"] == "failing"
