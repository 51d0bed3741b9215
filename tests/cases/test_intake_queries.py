"""Submission cost stays flat: a bounded number of queries per report, in the request and in
the worker (cases.pipeline)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.intake import ReporterInput, ReportInput, submit_case
from cases.pipeline import jobs
from tests.cases.conftest import T0


def _report(city):
    return ReportInput(category=city.air, description="夜间异味", latitude=36.55, longitude=117.05,
                       location_source="pin", idempotency_key="k" * 32)


def _reads_of(ctx, table: str) -> list[str]:
    return [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("SELECT") and f'"{table}"' in q["sql"]]


def test_the_request_stores_the_report_and_leaves_the_rest_to_the_worker(city, new_case,
                                                                       django_capture_on_commit_callbacks):
    new_case()  # warm the township index and calendar
    with django_capture_on_commit_callbacks() as after_commit, CaptureQueriesContext(connection) as ctx:
        result = submit_case(_report(city), ReporterInput(phone="13800138000", email="a@example.org"), now=T0,
                             defer=True)
    # BEGIN, reference, case, identity, "received" event, the receipt (SMS and e-mail, one INSERT), COMMIT:
    # no routing, no clocks, no read-back of the reporter (was 34 with the routing in the request).
    assert len(ctx.captured_queries) <= 7, "\n".join(q["sql"][:150] for q in ctx.captured_queries)
    assert _reads_of(ctx, "cases_reporteridentity") == []
    assert result.case.state == "submitted" and result.case.intake_job == "route" and len(result.access_code) == 10
    # The case-data token (cases/casedata.py), the public counters' version, one task for the worker.
    assert len(after_commit) == 3, after_commit

    with CaptureQueriesContext(connection) as worker:
        assert jobs.finish_case(result.case.pk, now=T0)
    result.case.refresh_from_db()
    assert result.case.state == "assigned" and result.case.intake_job == ""
    assert len(worker.captured_queries) <= 30, len(worker.captured_queries)
    assert not jobs.finish_case(result.case.pk, now=T0)  # done once: a second run finds no job


def test_submit_and_route_in_one_transaction_reads_the_reporter_once(city, new_case):
    """Staff forms and imports route in their own transaction."""
    new_case()
    with CaptureQueriesContext(connection) as ctx:
        result = submit_case(_report(city), ReporterInput(phone="13800138000"), now=T0)
    assert result.case.state == "assigned"
    # Once, for the department's notice (identity scrubbed from free text); the receipt uses
    # the identity it has just written.
    assert len(_reads_of(ctx, "cases_reporteridentity")) == 1, "\n\n".join(_reads_of(ctx, "cases_reporteridentity"))
    # 35: the site search's index refresh on the routing transition adds four (SELECT, SAVEPOINT,
    # DELETE, RELEASE); without it 31, where the report and its routing took 34 before.
    assert len(ctx.captured_queries) <= 35, "\n".join(q["sql"][:110] for q in ctx.captured_queries)
