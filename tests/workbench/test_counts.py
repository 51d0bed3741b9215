"""Workbench dashboard counts (cases/workbench/counts.py) read indexes only: at
1,000,000 cases one aggregate over every open case's row was 10× a bare indexed
COUNT(*) (docs/performance.md); the target is ≤ 2×."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import CaseState
from cases.workbench.counts import dashboard_counts
from tests.workbench.test_list import make_cases

pytestmark = pytest.mark.django_db


def plan(sql: str, params) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # small tables: forbid the alternatives to see what it can use
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql, params)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        return "\n".join(str(row[-1]) for row in cursor.fetchall())


def test_the_intake_officers_counts_read_no_case_row(city):
    make_cases(city, 40)
    with CaptureQueriesContext(connection) as ctx:
        counts = dashboard_counts(city.intake)
    assert counts["open"] == 40 and counts["overdue"] == 6 and counts["waiting_dispatch"] == 0
    case_queries = [q["sql"] for q in ctx.captured_queries if '"cases_case"' in q["sql"]]
    assert len(case_queries) == len(CaseState.OPEN) + 3  # per open state; overdue, week, escalated
    for sql in case_queries:
        # The captured SQL has its values inlined; EXPLAIN it as it ran.
        shown = plan(sql, None)
        if connection.vendor == "sqlite":
            lines = [line for line in shown.splitlines() if "cases_case" in line]
            assert lines and all("COVERING INDEX" in line for line in lines), (sql, shown)
        else:
            assert "Index" in shown and "Seq Scan" not in shown, (sql, shown)


def _case_queries_read_indexes_only(ctx) -> list[str]:
    case_queries = [q["sql"] for q in ctx.captured_queries if '"cases_case"' in q["sql"]]
    for sql in case_queries:
        assert "cases_assignment" not in sql, sql  # no EXISTS per case
        shown = plan(sql, None)
        if connection.vendor == "sqlite":
            lines = [line for line in shown.splitlines() if "cases_case" in line]
            assert lines and all("COVERING INDEX" in line for line in lines), (sql, shown)
        else:
            assert "Index" in shown and "Seq Scan" not in shown, (sql, shown)
    return case_queries


def test_a_department_counts_the_cases_it_leads_from_indexes_only(city, new_case):
    make_cases(city, 40)  # led by 市生态环境局, each with its lead assignment
    water = new_case(category=city.water_cat)  # routed to 市水利局: not the env department's
    assert water.lead_department == city.water
    for user in (city.env_handler, city.env_head):
        with CaptureQueriesContext(connection) as ctx:
            counts = dashboard_counts(user)
        assert counts == {"open": 40, "overdue": 6, "due_this_week": counts["due_this_week"], "escalated": 0}
        assert _case_queries_read_indexes_only(ctx)
    assert dashboard_counts(city.water_handler)["open"] == 1


def test_each_role_counts_what_it_may_see(city, new_case):
    make_cases(city, 10)
    new_case(category=city.water_cat)
    assert dashboard_counts(city.supervisor)["open"] == 11
    assert dashboard_counts(city.intake)["open"] == 11
    assert dashboard_counts(city.editor) == {"open": 0, "overdue": 0, "due_this_week": 0, "escalated": 0}
    with CaptureQueriesContext(connection) as ctx:
        dashboard_counts(city.supervisor)
    assert _case_queries_read_indexes_only(ctx)
