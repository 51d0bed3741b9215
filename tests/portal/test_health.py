"""/healthz: every dependency checked; calendar coverage and worker heartbeat decide 200/503."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from cases.data.cn_calendar import SCHEDULES
from tests import factories as f

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
MID_2026 = datetime(2026, 6, 1, 10, 0, tzinfo=SH)  # +60 days stays inside 2026
LATE_2026 = datetime(2026, 11, 29, 10, 0, tzinfo=SH)  # +60 days reaches into 2027


def get_health(client):
    response = client.get("/healthz")
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
        status, body = get_health(client)
    assert status == 200, body
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "media", "task_queue", "work_calendar"}
    assert all(check == {"ok": True} for check in body["checks"].values()), body


def test_ok_today_when_the_calendar_covers_the_next_60_days(client):
    today = timezone.localdate()
    cover(*range(today.year, (today + timedelta(days=60)).year + 1))
    f.heartbeat()
    status, body = get_health(client)
    assert status == 200, body
    assert all(check["ok"] for check in body["checks"].values())


def test_503_when_the_calendar_misses_the_coming_year(client):
    with time_machine.travel(LATE_2026, tick=False):
        cover(2026)
        f.heartbeat()
        status, body = get_health(client)
    assert status == 503
    assert body["status"] == "failing"
    assert body["checks"]["work_calendar"]["ok"] is False
    assert "2027" in body["checks"]["work_calendar"]["error"]
    assert body["checks"]["task_queue"] == {"ok": True}


def test_503_when_no_year_is_entered_at_all(client):
    with time_machine.travel(MID_2026, tick=False):
        f.heartbeat()
        status, body = get_health(client)
    assert status == 503 and body["checks"]["work_calendar"]["ok"] is False


def test_provisional_year_gives_a_warning_but_200(client):
    with time_machine.travel(LATE_2026, tick=False):
        cover(2026, 2027)
        f.heartbeat()
        status, body = get_health(client)
    assert status == 200, body
    calendar = body["checks"]["work_calendar"]
    assert calendar["ok"] is True
    assert "2027" in calendar["warning"]


def test_503_when_the_heartbeat_is_stale(client, settings):
    with time_machine.travel(MID_2026, tick=False):
        cover(2026)
        f.heartbeat(age_seconds=settings.PORTAL_TASK_HEARTBEAT_MAX_AGE + 60)
        status, body = get_health(client)
    assert status == 503
    assert body["checks"]["task_queue"]["ok"] is False
    assert body["checks"]["work_calendar"] == {"ok": True}


def test_heartbeat_just_inside_the_limit_is_fresh(client, settings):
    with time_machine.travel(MID_2026, tick=False):
        cover(2026)
        f.heartbeat(age_seconds=settings.PORTAL_TASK_HEARTBEAT_MAX_AGE - 5)
        status, _ = get_health(client)
    assert status == 200


def test_503_when_the_worker_never_beat(client):
    with time_machine.travel(MID_2026, tick=False):
        cover(2026)
        status, body = get_health(client)
    assert status == 503
    assert body["checks"]["task_queue"]["ok"] is False


def test_the_heartbeat_task_makes_the_worker_healthy(client):
    from cases.tasks import heartbeat

    with time_machine.travel(MID_2026, tick=False):
        cover(2026)
        heartbeat()
        status, _ = get_health(client)
    assert status == 200


def test_health_is_never_cached(client):
    with time_machine.travel(MID_2026, tick=False):
        response = client.get("/healthz")
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
