"""The case list's filters and search (docs/product.md §4.3). One queryset builder used by
the list page, its export and the dashboard links, so they always agree."""

from datetime import datetime, timedelta

from django import forms
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.lookups import IsNull
from django.utils.translation import gettext_lazy as _

from cases.access import visible_cases
from cases.models import (
    Case,
    CaseSource,
    CaseState,
    Category,
    Clock,
    Department,
    ExtensionRequest,
    HeadReview,
    ReferralBatch,
    Township,
)
from cases.workbench import scorecard
from cases.workbench.widgets import FastSelect

OPEN = "open"
# "No due time last" spelled as an expression (not NULLS LAST, which SQLite cannot
# index), so the default sort reads the case_due_order index instead of sorting the
# whole table for every page.
NO_DUE_TIME = IsNull(F("next_due_at"), True)
SORTS = {
    "due": (NO_DUE_TIME.asc(), F("next_due_at").asc(), "-received_at", "-pk"),
    "-due": (NO_DUE_TIME.asc(), F("next_due_at").desc(), "-received_at", "-pk"),
    "-received": ("-received_at", "-pk"),
    "received": ("received_at", "pk"),
}
# Outer joins only: an inner join (the category, which every case has) let SQLite, once
# ANALYZE had counted 1,000,000 cases, start from the category table and sort every
# case (2.5 s a page); the category comes by prefetch, one small query.
LIST_RELATED = ("subcategory", "township", "lead_department", "batch")
# "Open" as "none of the finished states": an IN over four states made SQLite read the
# state index and sort every open case; NOT IN leaves it the list's own order index,
# where the open cases (the ones with a due time) come first.
FINISHED = tuple(sorted(set(CaseState.values) - set(CaseState.OPEN)))


class CaseFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100, widget=forms.TextInput(
        attrs={"placeholder": _("Reference, original code or words from the title or text"), "type": "search"}))
    state = forms.ChoiceField(label=_("State"), required=False, widget=FastSelect,
                              choices=[("", _("Any state")), (OPEN, _("Open (not finished)")), *CaseState.choices])
    department = forms.ModelChoiceField(Department.objects.all(), label=_("Lead department"), required=False,
                                        widget=FastSelect)
    category = forms.ModelChoiceField(Category.objects.select_related("parent"), label=_("Category"),
                                      required=False, widget=FastSelect)
    township = forms.ModelChoiceField(Township.objects.defer("boundary"), label=_("Township"), required=False,
                                      widget=FastSelect)
    source = forms.ChoiceField(label=_("Source"), required=False, widget=FastSelect, choices=[("", _("Any source")),
                                                                          *CaseSource.choices])
    batch = forms.ModelChoiceField(ReferralBatch.objects.all(), label=_("Referral batch"), required=False,
                                   widget=FastSelect)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    due_within = forms.IntegerField(label=_("Due within (days)"), required=False, min_value=0, max_value=366)
    key_case = forms.BooleanField(label=_("Key cases only"), required=False)
    supervised = forms.BooleanField(label=_("Escalated only"), required=False)
    extension_pending = forms.BooleanField(label=_("Extension request waiting"), required=False)
    head_review = forms.BooleanField(label=_("Result waiting for the head's approval"), required=False)
    sort = forms.ChoiceField(label=_("Sort by"), required=False, widget=FastSelect, choices=[
        ("due", _("Next due, earliest first")), ("-due", _("Next due, latest first")),
        ("-received", _("Received, newest first")), ("received", _("Received, oldest first"))])
    # Scorecard drill-down: the cases behind one number (hidden on the page).
    metric = forms.ChoiceField(required=False, choices=[("", "")] + scorecard.METRIC_CHOICES,
                               widget=forms.HiddenInput)
    period_from = forms.DateField(required=False, widget=forms.HiddenInput)
    period_to = forms.DateField(required=False, widget=forms.HiddenInput)


# Shown in the filter bar; the others are folded under "More filters".
COMMON_FILTERS = ("q", "state", "department", "overdue")
NOT_CHIPS = ("sort", "metric", "period_from", "period_to")


def active_filters(form: CaseFilterForm, params) -> list[dict]:
    """The filters in force as removable chips: text, and the query without that filter."""
    data = form.cleaned_data if form.is_bound and hasattr(form, "cleaned_data") else {}
    chips = []
    for name, value in data.items():
        if name in NOT_CHIPS or value in (None, "", False):
            continue
        field = form[name]
        kind = form.fields[name]
        if isinstance(kind, forms.BooleanField):
            text = str(field.label)
        else:  # a model choice is the object itself (no query); a plain choice has its label
            shown = value if isinstance(kind, forms.ModelChoiceField) else dict(getattr(kind, "choices", ())).get(
                value, value)
            text = f"{field.label}：{shown}"
        rest = params.copy()
        for key in (name, "p"):
            rest.pop(key, None)
        chips.append({"text": text, "remove": rest.urlencode()})
    return chips


def bound_filter_form(params) -> CaseFilterForm:
    form = CaseFilterForm(params or None)
    form.is_valid()  # invalid values are dropped, never an error page
    return form


def mark_warnings(cases: list[Case], now: datetime) -> list[Case]:
    """Set ``is_warning`` (a running clock past its warning time: the "due soon" colour)
    on one page of cases with one query over their ids. As an ``EXISTS`` per row of the
    list's query, PostgreSQL hashed every pending clock of the table first (63 of the
    page's 64 ms at 1,000,000 cases)."""
    ids = [case.pk for case in cases]
    warned = set(Clock.objects.filter(case_id__in=ids, stopped_at__isnull=True, warn_at__lte=now)
                 .values_list("case_id", flat=True)) if ids else set()
    for case in cases:
        case.is_warning = case.pk in warned
    return cases


def search_q(text: str) -> Q:
    # icontains works for Chinese substrings on SQLite and PostgreSQL alike.
    text = text.strip()
    return (Q(reference__icontains=text) | Q(original_code__icontains=text) | Q(title__icontains=text)
            | Q(description__icontains=text) | Q(public_summary__icontains=text))


def filtered_cases(user, form: CaseFilterForm, now: datetime) -> QuerySet:
    """Visible cases narrowed by the form's valid values, joined for display."""
    data = getattr(form, "cleaned_data", {}) if form.is_bound else {}
    # A township's boundary polygon is large and never shown in a list.
    qs = visible_cases(user, Case.objects.select_related(*LIST_RELATED).prefetch_related("category")
                       .defer("township__boundary"))
    qs = _apply(qs, data, now)
    return qs.order_by(*SORTS[data.get("sort") or "due"])


def _apply(qs: QuerySet, data: dict, now: datetime) -> QuerySet:
    state = data.get("state")
    if state == OPEN:
        qs = qs.exclude(state__in=FINISHED)
    elif state:
        qs = qs.filter(state=state)
    # A scorecard drill-down names the department through its metric (a returned
    # case no longer has that department as lead), not as the lead filter.
    drill_down = bool(data.get("metric") and data.get("department"))
    for name in ("township", "batch", "source") if drill_down else ("department", "township", "batch", "source"):
        if data.get(name):
            qs = qs.filter(**{"lead_department" if name == "department" else name: data[name]})
    if data.get("category"):
        qs = qs.filter(Q(category=data["category"]) | Q(subcategory=data["category"]))
    if data.get("overdue"):
        qs = qs.filter(is_overdue__in=[True])  # indexable on SQLite (Case.objects.public)
    if data.get("due_within") is not None:
        qs = qs.filter(next_due_at__gte=now, next_due_at__lt=now + timedelta(days=data["due_within"]))
    if data.get("key_case"):
        qs = qs.filter(is_key_case__in=[True])
    if data.get("supervised"):
        qs = qs.filter(is_supervised__in=[True])
    if data.get("extension_pending"):
        qs = qs.filter(Exists(ExtensionRequest.objects.filter(case=OuterRef("pk"),
                                                              state=ExtensionRequest.State.PENDING)))
    if data.get("head_review"):
        qs = qs.filter(Exists(HeadReview.objects.filter(case=OuterRef("pk"), state=HeadReview.State.PENDING)))
    if data.get("q"):
        qs = qs.filter(search_q(data["q"]))
    if drill_down:
        period = scorecard.Period.from_dates(data.get("period_from"), data.get("period_to"))
        qs = qs.filter(scorecard.metric_filter(data["metric"], data["department"].pk, period, now))
    return qs
