"""Filing a report from the citizen form: the intake service plus what the form adds
(the review hold of the no-JavaScript path, the browser's hash claims, kept photos)."""

from django.db import transaction

from cases.intake import ReporterInput, ReportInput, SubmitResult, submit_case
from cases.reportform import claims, kept
from cases.reportform.simplecheck import hold_for_review


def file_report(report: ReportInput, reporter: ReporterInput, photos: list, *, hold: bool) -> SubmitResult:
    """`hold`: sent by the no-JavaScript path, so not routed before the intake desk checked it.
    Either way the request stores the report and the worker does the rest (cases.pipeline):
    the clocks, the routing unless held, the photos' copies."""
    if hold:
        with transaction.atomic():
            result = submit_case(report, reporter, photos, route=False, defer=True)
            if result.created:
                hold_for_review(result.case, result.case.received_at)
    else:
        result = submit_case(report, reporter, photos, defer=True)
    if result.created:
        claims.record(result.case, photos)
    kept.discard(photos)
    return result
