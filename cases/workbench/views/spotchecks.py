"""Spot-check screens (回头看): draw a round with a recorded seed, assign each sampled
item for re-inspection, record the outcome with evidence."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases import roles
from cases.lifecycle import WorkflowError
from cases.models import SpotCheck, SpotCheckRound
from cases.supervision import spotchecks as svc
from cases.workbench.base import HOME_CRUMB, WorkbenchView
from cases.workbench.forms_supervision import AssignForm, DrawForm, OutcomeForm

ROUNDS_CRUMB = {"url": reverse_lazy("workbench:spot_checks"), "label": gettext_lazy("Spot checks")}


def _form_errors(form, exc) -> None:
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, " ".join(getattr(exc, "messages", [str(exc)])))


def visible_items(user):
    """Supervisors, the office and the intake desk see every sampled item; a department
    the items assigned to it."""
    qs = SpotCheck.objects.select_related("case", "task", "assigned_department", "round")
    if roles.has_role(user, *roles.SUPERVISION_ROLES, roles.INTAKE):
        return qs
    dept = roles.department_id_of(user)
    return qs.filter(assigned_department_id=dept) if dept else qs.none()


class RoundListView(WorkbenchView):
    template_name = "workbench/spot_checks.html"
    page_title = gettext_lazy("Spot checks")
    header_icon = "search"

    def get(self, request, form=None, status=200):
        can_draw = roles.has_role(request.user, *roles.SUPERVISION_ROLES)
        rounds = SpotCheckRound.objects.select_related("drawn_by", "category", "township", "department")
        if not roles.has_role(request.user, *roles.SUPERVISION_ROLES, roles.INTAKE):
            rounds = rounds.filter(Q(items__in=visible_items(request.user))).distinct()
        return self.render({"rounds": rounds[:100], "form": form or DrawForm(), "can_draw": can_draw},
                           status=status)

    def post(self, request):
        if not roles.has_role(request.user, *roles.SUPERVISION_ROLES):
            return self.get(request, status=403)
        form = DrawForm(request.POST)
        if form.is_valid():
            try:
                rnd = svc.draw_round(request.user, **form.cleaned_data)
                messages.success(request, _("%(n)s items were drawn with seed %(seed)s.")
                                 % {"n": rnd.items.count(), "seed": rnd.seed})
                return redirect("workbench:spot_check_round", pk=rnd.pk)
            except (ValidationError, WorkflowError) as exc:
                _form_errors(form, exc)
        return self.get(request, form=form, status=400)


class RoundDetailView(WorkbenchView):
    template_name = "workbench/spot_check_round.html"
    header_icon = "search"
    object_view = True
    breadcrumbs_items = [HOME_CRUMB, ROUNDS_CRUMB]

    def get_page_title(self):
        return str(self.round)

    def get(self, request, pk, bound=None, status=200):
        self.round = get_object_or_404(SpotCheckRound, pk=pk)
        items = visible_items(request.user).filter(round=self.round)
        if not items.exists() and not roles.has_role(request.user, *roles.SUPERVISION_ROLES, roles.INTAKE):
            raise Http404
        can_assign = roles.has_role(request.user, *roles.SUPERVISION_ROLES)
        rows = [{"item": i, "can_record": i.outcome == SpotCheck.Outcome.PENDING and svc.may_record(request.user, i),
                 "outcome_form": (bound or {}).get(("outcome", i.pk)) or OutcomeForm(prefix=f"o{i.pk}"),
                 "assign_form": (bound or {}).get(("assign", i.pk)) or AssignForm(
                     prefix=f"a{i.pk}", initial={"department": i.assigned_department_id})} for i in items]
        return self.render({"round": self.round, "rows": rows, "can_assign": can_assign}, status=status)

    def post(self, request, pk):
        self.round = get_object_or_404(SpotCheckRound, pk=pk)
        item = get_object_or_404(visible_items(request.user).filter(round=self.round), pk=request.POST.get("item"))
        kind = "assign" if request.POST.get("do") == "assign" else "outcome"
        if kind == "assign":
            form = AssignForm(request.POST, prefix=f"a{item.pk}")
        else:
            form = OutcomeForm(request.POST, request.FILES, prefix=f"o{item.pk}")

        def perform(cd):
            if kind == "assign":
                return svc.assign(item, request.user, cd["department"])
            return svc.record_outcome(item, request.user, cd["outcome"], cd["note"], evidence=cd["evidence"],
                                      raise_order=cd["raise_order"])

        if form.is_valid():
            try:
                perform(form.cleaned_data)
                messages.success(request, _("The spot check was saved."))
                return redirect("workbench:spot_check_round", pk=self.round.pk)
            except (ValidationError, WorkflowError) as exc:
                _form_errors(form, exc)
        return self.get(request, pk, bound={(kind, item.pk): form}, status=400)
