"""The case chooser of the typical-case screens (docs/public-site.md, "Typical cases"):
a searchable modal listing resolved cases — public or not — by reference, title,
township and closing date, instead of a dropdown of bare references. A typical case
drafted from a case that is not public yet stays a draft: publishing it asks for the
case to be made public first (cms/models/typical.py)."""

from django import forms
from django.db.models import Q
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.chooser import ChooseResultsView, ChooseView, ChosenView
from wagtail.admin.viewsets.chooser import ChooserViewSet
from wagtail.admin.widgets.chooser import BaseChooser

from cases import roles
from cases.models import Case, CaseState

SEARCH_MAX = 100


def choosable_cases(user):
    """Resolved cases for editors and intake officers; nothing for anyone else."""
    if not roles.has_role(user, roles.EDITOR, roles.INTAKE):
        return Case.objects.none()
    return Case.objects.filter(state__in=sorted(CaseState.RESOLVED)).select_related("township")


class CaseSearchForm(BaseFilterForm):
    q = forms.CharField(label=_("Search term"), required=False, max_length=SEARCH_MAX,
                        widget=forms.TextInput(attrs={"placeholder": _("Reference, title, township or text")}))

    def filter(self, objects):
        text = (self.cleaned_data.get("q") or "").strip()
        if not text:
            return objects
        self.is_searching, self.search_query = True, text
        return objects.filter(Q(reference__icontains=text) | Q(title__icontains=text)
                              | Q(township__name__icontains=text) | Q(public_summary__icontains=text)
                              | Q(description__icontains=text) | Q(original_code__icontains=text))


class CaseChooseMixin:
    filter_form_class = CaseSearchForm
    ordering = ("-closed_at", "-pk")

    def get_object_list(self):
        return choosable_cases(self.request.user)

    @property
    def columns(self):
        return [
            self.title_column,
            Column("case_title", label=_("Title"), accessor=lambda c: c.title or c.description[:40]),
            Column("township", label=_("Township"), accessor=lambda c: c.township.name if c.township_id else "—"),
            # The date itself (staff tables use ISO dates), not Wagtail's "9 months ago".
            Column("closed_at", label=_("Closed"), accessor=_closed_on),
            Column("public", label=_("Public"), accessor=lambda c: pgettext("case is public", "yes") if c.is_public
                   else pgettext("case is public", "not yet")),
        ]

    @property
    def title_column(self):
        column = super().title_column
        column.label = _("Reference")
        return column


class CaseChooseView(CaseChooseMixin, ChooseView):
    pass


class CaseChooseResultsView(CaseChooseMixin, ChooseResultsView):
    pass


class CaseChosenView(ChosenView):
    def get_object(self, pk):
        return choosable_cases(self.request.user).get(pk=pk)

    def get_display_title(self, instance):
        return case_label(instance)


def _closed_on(case: Case) -> str:
    done = case.closed_at or case.replied_at
    return f"{localtime(done):%Y-%m-%d}" if done else "—"


def case_label(case: Case) -> str:
    return " · ".join(p for p in (case.reference, case.title or case.description[:30],
                                  case.township.name if case.township_id else "") if p)


class CaseChooserWidget(BaseChooser):
    """Shows the chosen case by reference, title and township, not the bare reference."""

    def get_display_title(self, instance):
        return case_label(instance)


class CaseChooserViewSet(ChooserViewSet):
    model = Case
    base_widget_class = CaseChooserWidget
    register_widget = False  # only the typical case's "linked case" uses it (cms/models/typical.py)
    icon = "doc-full"
    choose_one_text = _("Choose a closed case")
    choose_another_text = _("Choose another case")
    page_title = _("Choose a closed case")
    per_page = 20
    choose_view_class = CaseChooseView
    choose_results_view_class = CaseChooseResultsView
    chosen_view_class = CaseChosenView


case_chooser_viewset = CaseChooserViewSet("case_chooser", url_prefix="cms/case-chooser")
