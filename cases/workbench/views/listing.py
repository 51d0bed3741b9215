"""The case list, its Excel export and bulk dispatch (docs/product.md §4.3)."""

from collections.abc import Iterator

from django.contrib import messages
from django.http import QueryDict
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases import roles
from cases.models import CaseSource, CaseState, ReferralBatch
from cases.workbench.base import WorkbenchView
from cases.workbench.chrome import cached_html, form_key
from cases.workbench.exports import xlsx_response
from cases.workbench.filters import COMMON_FILTERS, active_filters, bound_filter_form, filtered_cases
from cases.workbench.forms import BulkDispatchForm
from cases.workbench.list_rows import case_rows
from cases.workbench.paging import CappedPaginator
from cases.workbench.services import bulk_dispatch

PAGE_SIZE = 50
# Long texts the list does not show: not read for 50 rows of a 100,000-case table.
LIST_DEFERRED = ("description", "internal_findings", "reply_text", "public_summary", "accountability",
                 "rejection_reason", "extra", "access_code_hash")
EXPORT_LIMIT = 100_000


class CaseListView(WorkbenchView):
    template_name = "workbench/list.html"
    page_title = gettext_lazy("Cases")
    header_icon = "clipboard-list"
    page_size = PAGE_SIZE

    def get(self, request):
        form = bound_filter_form(request.GET)
        cases = filtered_cases(request.user, form, timezone.now()).defer(*LIST_DEFERRED)
        page = CappedPaginator(cases, self.page_size).get_page(request.GET.get("p"))
        query = request.GET.copy()
        query.pop("p", None)
        is_intake = roles.has_role(request.user, roles.INTAKE)
        now = timezone.now()
        bulk_form = BulkDispatchForm() if is_intake else None
        return self.render({
            "filter_form": form, "page": page, "cases": page.object_list, "query": query.urlencode(),
            "rows": case_rows(page.object_list, now, bulk=is_intake),
            "filter_bar": filter_bar(form, request.GET),
            "chips": active_filters(form, query),
            "bulk_form": bulk_form, "now": now,
            "bulk_fields": cached_html("bulk-dispatch-fields", (), lambda: render_to_string(
                "workbench/includes/bulk_dispatch_fields.html", {"bulk_form": bulk_form})) if bulk_form else "",
            "show_metric": bool(form.is_valid() and form.cleaned_data.get("metric")),
        })


def filter_bar(form, params) -> str:
    """The filter form's HTML, rendered once per set of filter values, language and
    reference-data version (cases.workbench.chrome): its selects' choices and Wagtail's
    field template were a third of the page's time."""

    def render() -> str:
        more = [f for f in form.visible_fields() if f.name not in COMMON_FILTERS]
        return render_to_string("workbench/includes/case_filter_bar.html", {
            "filter_form": form, "common_filters": [form[name] for name in COMMON_FILTERS], "more_filters": more})

    return cached_html("case-filter-bar", form_key(form, params), render)


EXPORT_HEADINGS = [
    gettext_lazy("Reference"), gettext_lazy("Original case code"), gettext_lazy("Referral batch"),
    gettext_lazy("Source"), gettext_lazy("Category"), gettext_lazy("Sub-type"), gettext_lazy("Township"),
    gettext_lazy("Address"), gettext_lazy("Lead department"), gettext_lazy("State"), gettext_lazy("Received"),
    gettext_lazy("Next due"), gettext_lazy("Overdue"), gettext_lazy("Escalated"), gettext_lazy("Key case"),
    gettext_lazy("Title"), gettext_lazy("What is happening"), gettext_lazy("Public summary"),
]


EXPORT_FIELDS = ("reference", "original_code", "batch_id", "source", "category__name", "subcategory__name",
                 "township__name", "address", "lead_department__name", "state", "received_at", "next_due_at",
                 "is_overdue", "is_supervised", "is_key_case", "title", "description", "public_summary")


def export_rows(cases) -> Iterator[list]:
    """One list per case, read as plain values (no model instances: building five per
    row was half of a 100,000-row export). Labels are translated once per export, not
    per row: ``get_state_display()`` hashed every lazy choice label on each call
    (docs/performance.md)."""
    yes, no = _("Yes"), _("No")
    states = {value: str(label) for value, label in CaseState.choices}
    sources = {value: str(label) for value, label in CaseSource.choices}
    batches: dict[int, str] = {}
    for (reference, code, batch_id, source, category, subcategory, township, address, department, state,
         received_at, next_due_at, overdue, supervised, key_case, title, description, summary) in cases:
        if batch_id and batch_id not in batches:
            batches[batch_id] = str(ReferralBatch.objects.get(pk=batch_id))
        yield [reference, code, batches.get(batch_id, ""), sources.get(source, source), category, subcategory or "",
               township or "", address, department or "", states.get(state, state), received_at, next_due_at,
               yes if overdue else no, yes if supervised else no, yes if key_case else no, title, description,
               summary]


class CaseExportView(WorkbenchView):
    """The filtered list as .xlsx: the same scoping and filters as the page; the
    reporter's identity is not among the columns for anyone."""

    def get(self, request):
        now = timezone.now()
        cases = filtered_cases(request.user, bound_filter_form(request.GET), now)[:EXPORT_LIMIT]
        stamp = date_format(timezone.localtime(now), "Ymd-Hi")
        return xlsx_response(f"cases-{stamp}.xlsx", _("Cases"), [str(h) for h in EXPORT_HEADINGS],
                             export_rows(cases.values_list(*EXPORT_FIELDS).iterator(chunk_size=2000)),
                             what={"kind": "cases", "user": request.user.pk, "filter": request.GET.urlencode()})


class BulkDispatchView(WorkbenchView):
    required_roles = (roles.INTAKE,)
    http_method_names = ["post"]

    def post(self, request):
        form = BulkDispatchForm(request.POST)
        # Back to the same filtered list; re-encoded, so nothing but a query string.
        target = f"{reverse('workbench:list')}?{QueryDict(request.POST.get('back', '')).urlencode()}"
        if not form.is_valid():
            for errors in form.errors.values():
                messages.error(request, " ".join(errors))
            return redirect(target)
        result = bulk_dispatch(request.user, form.cleaned_data["cases"], form.cleaned_data["department"],
                               note=form.cleaned_data["note"])
        if result.done:
            messages.success(request, _("%(count)s case(s) dispatched to %(dept)s.") % {
                "count": len(result.done), "dept": form.cleaned_data["department"].name})
        for reference, message in result.failed:
            messages.error(request, f"{reference}: {message}")
        return redirect(target)
