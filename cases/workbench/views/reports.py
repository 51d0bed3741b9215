"""The department scorecard / league table and its Excel export (docs/product.md §4.3)."""

from urllib.parse import urlencode

from django import forms
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from cases.workbench.base import HOME_CRUMB, REPORT_ROLES, WorkbenchView
from cases.workbench.exports import xlsx_response
from cases.workbench.scorecard import METRICS, Period, scorecard

COLUMNS = ["received", "accepted", "accepted_on_time", "closed", "closed_on_time", "overdue_now", "returned",
           "transferred", "reopened", "satisfaction", "orders_received", "orders_replied_on_time", "spot_checked",
           "spot_relapsed"]


class PeriodForm(forms.Form):
    date_from = forms.DateField(label=pgettext_lazy("period", "From"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=pgettext_lazy("period", "To"), required=False,
                              widget=forms.DateInput(attrs={"type": "date"}))

    def period(self) -> Period:
        data = self.cleaned_data if self.is_valid() else {}
        return Period.from_dates(data.get("date_from"), data.get("date_to"))


def drill_down_url(metric: str, department_id: int, period: Period) -> str:
    query = {"metric": metric, "department": department_id, "period_from": period.first_day.isoformat(),
             "period_to": period.last_day.isoformat()}
    return f"{reverse('workbench:list')}?{urlencode(query)}"


def table_rows(rows, period: Period) -> list[dict]:
    return [{"row": row, "cells": [(row[m], drill_down_url(m, row.department.pk, period)) for m in COLUMNS]}
            for row in rows]


class ScorecardView(WorkbenchView):
    required_roles = REPORT_ROLES
    template_name = "workbench/scorecard.html"
    page_title = gettext_lazy("Department scorecard")
    header_icon = "table"
    breadcrumbs_items = [HOME_CRUMB]

    def get(self, request):
        form = PeriodForm(request.GET or None)
        period = form.period()
        query = urlencode({"date_from": period.first_day.isoformat(), "date_to": period.last_day.isoformat()})
        return self.render({"form": form, "period": period, "rows": table_rows(scorecard(period), period),
                            "headings": [METRICS[m] for m in COLUMNS], "export_query": query})


class ScorecardExportView(WorkbenchView):
    required_roles = REPORT_ROLES

    def get(self, request):
        period = PeriodForm(request.GET or None).period()
        headings = [_("Rank"), _("Department"), *[str(METRICS[m]) for m in COLUMNS],
                    _("Average satisfaction (1–3)"), _("Closed on time, %")]

        def rows():
            # A function, not a generator expression (which computes its first iterable at once):
            # the scorecard's queries (~1-2 s over two years of 100,000 cases) run after the first byte.
            for rank, r in enumerate(scorecard(period), start=1):
                yield [rank, r.department.name, *[r[m] for m in COLUMNS], r.average_rating, r.on_time_rate]

        name = f"scorecard-{period.first_day:%Y%m%d}-{period.last_day:%Y%m%d}.xlsx"
        return xlsx_response(name, _("Scorecard"), headings, rows(),
                             what={"kind": "scorecard", "user": request.user.pk, "filter": request.GET.urlencode()})
