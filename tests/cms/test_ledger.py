"""The task ledger and wall chart: status from dates, filters, per-task detail."""

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone

from cases.models import Case
from cases.programme import record_meeting
from cms.ledger import build_rows, filter_rows, lay_out
from tests.cms.helpers import close_case, task


@pytest.fixture
def tasks(city):
    today = timezone.localdate()
    soon = (today + timedelta(days=300)).isoformat()
    done = task(1, city.env, verified=True, start="2024-01-01", deadline="2025-06-30")
    late = task(2, city.water, start="2024-01-01", deadline=(today - timedelta(days=5)).isoformat())
    on_track = task(3, city.build, start=(today - timedelta(days=30)).isoformat(), deadline=soon,
                    milestones=(((("方案"), (today + timedelta(days=60)).isoformat()), False),))
    on_track.co_departments.add(city.env)
    return done, late, on_track


@pytest.mark.django_db
def test_rows_carry_status_progress_and_geometry(tasks):
    today = timezone.localdate()
    rows = build_rows(today)
    assert [r.progress.status for r in rows] == ["done", "late", "on_track"]
    assert rows[0].progress.percent == 50
    axis = lay_out(rows, today)
    assert axis.start == date(2024, 1, 1)
    for row in rows:
        assert 0 <= row.bar_x <= 100 and 0 < row.bar_width <= 100 - row.bar_x + 0.01
        assert all(0 <= m.x <= 100 for m in row.markers)
    assert rows[2].bar_x > rows[1].bar_x
    assert axis.today_x is not None and axis.ticks
    assert [r.task.number for r in filter_rows(rows, unit=tasks[0].lead_department.code)] == [1, 3]
    assert [r.task.number for r in filter_rows(rows, status="late")] == [2]


@pytest.mark.django_db
def test_ledger_page_with_filters_and_text_labels(client, tree, tasks):
    html = client.get("/tasks/").content.decode()
    for t in tasks:
        assert t.title in html and t.responsible_leader in html
    # every colour has a text label next to it (not colour alone)
    badges = re.findall(r'class="badge status-(\w+)">([^<]*)<', html)
    assert {status for status, _label in badges} == {"done", "on_track", "at_risk", "late"}
    assert all(label.strip() for _status, label in badges)
    assert html.count('class="gantt-track"') == 4  # the axis + three rows
    assert "<svg" in html and "style=" not in html.split('id="main"')[1]
    late_only = client.get("/tasks/", {"status": "late"}).content.decode()
    assert tasks[1].title in late_only and tasks[0].title not in late_only
    by_unit = client.get("/tasks/", {"unit": tasks[1].lead_department.code}).content.decode()
    assert tasks[1].title in by_unit and tasks[2].title not in by_unit


@pytest.mark.django_db
def test_task_detail_shows_milestones_evidence_public_cases_and_meetings(client, tree, tasks, city, new_case):
    t = tasks[0]
    public = close_case(new_case(), city, summary="公开的办理结果")
    hidden = close_case(new_case(), city, summary="不公开的办理结果", public=False)
    for case in (public, hidden):
        case.tasks.add(t)
    record_meeting(held_on=date(2025, 3, 1), title="黑臭水体整治联席会议", convener="王副市长",
                   departments=[city.env, city.water], minutes="内部会议纪要", tasks=[t])
    response = client.get(f"/tasks/task/{t.number}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "方案" in html and "佐证材料" in html
    assert public.reference in html and "公开的办理结果" in html
    assert hidden.reference not in html and "不公开的办理结果" not in html
    assert "黑臭水体整治联席会议" in html and "内部会议纪要" not in html
    assert client.get("/tasks/task/999/").status_code == 404
    assert Case.objects.count() == 2


@pytest.mark.django_db
def test_ledger_query_count_stays_flat(client, tree, tasks, city):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(path):
        with CaptureQueriesContext(connection) as ctx:
            client.get(path)
        return len(ctx.captured_queries)

    # Distinct query strings: each is a page-cache miss, so the page is rendered each time.
    count("/tasks/?warm")
    few = count("/tasks/?a")
    for n in range(10, 14):
        task(n, city.water).co_departments.add(city.env, city.build)
    assert count("/tasks/?b") > few  # the task figures are counted again after a task change …
    assert count("/tasks/?c") == few  # … and then come from the cache: flat in the number of tasks
