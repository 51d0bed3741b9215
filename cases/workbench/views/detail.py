"""The case page and its actions: each action is a small form POSTed to its own
URL, validated, handed to one engine service, answered with a message."""

from django.contrib import messages
from django.db import IntegrityError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from cases import roles
from cases.access import visible_cases
from cases.calendar import CalendarNotCovered
from cases.models import CaseState
from cases.photos import PhotoError
from cases.workbench.base import CASE_LIST_CRUMB, HOME_CRUMB, WorkbenchView, forbidden, get_case_or_404
from cases.workbench.casepage import case_context, detail_queryset
from cases.workbench.filters import search_q
from cases.workbench.registry import SPECS, Situation, build_form
from cases.workbench.services import conflict_message, error_text
from cases.workflow import ConflictError, WorkflowError


class CaseDetailView(WorkbenchView):
    template_name = "workbench/detail.html"
    header_icon = "doc-full"
    breadcrumbs_items = [HOME_CRUMB, CASE_LIST_CRUMB]

    def get_page_title(self):
        return self.case.reference

    def get(self, request, pk):
        self.case = get_case_or_404(request.user, pk, detail_queryset())
        return self.render(case_context(request.user, self.case))


class CaseActionView(CaseDetailView):
    """POST /admin/cases/<pk>/act/<name>/ for every action of the registry."""

    http_method_names = ["post"]

    def post(self, request, pk, name):
        spec = SPECS.get(name)
        if spec is None:
            raise Http404
        self.case = get_case_or_404(request.user, pk, detail_queryset())
        situation = Situation(request.user, self.case)
        form = build_form(spec, situation, request.POST, request.FILES)
        if not spec.available(situation):
            if str(self.case.version) != request.POST.get(f"{name}-version"):
                messages.error(request, conflict_message())  # the case moved on under the user
                return redirect("workbench:detail", pk=pk)
            return forbidden(request, _("This action is not available to you on this case."))
        if not form.is_valid():
            messages.error(request, _("Please correct the errors below."))
            return self.render(case_context(request.user, self.case, bound={name: form}))
        try:
            messages.success(request, spec.perform(form, self.case, request.user))
        except (ConflictError, IntegrityError):  # IntegrityError: a concurrent twin (e.g. a second pending request)
            messages.error(request, conflict_message())
        except (WorkflowError, PhotoError, CalendarNotCovered) as exc:
            form.add_error(None, error_text(exc))
            messages.error(request, error_text(exc))
            return self.render(case_context(request.user, self.case, bound={name: form}))
        # Back at the case's actions, where the user was (static/js/workbench.js announces the result).
        return redirect(reverse("workbench:detail", args=[pk]) + "#case-actions")


class MergeCandidatesView(WorkbenchView):
    """JSON for the merge form's search box (intake officers only)."""

    required_roles = (roles.INTAKE,)

    def get(self, request, pk):
        case = get_case_or_404(request.user, pk)
        text = request.GET.get("q", "").strip()[:100]
        found = []
        if text:
            qs = (visible_cases(request.user).filter(search_q(text)).exclude(pk=case.pk)
                  .exclude(state__in=CaseState.DISMISSED).select_related("category")
                  .order_by("-received_at")[:10])
            found = [{"reference": c.reference, "title": c.title or c.description[:40], "state": c.get_state_display(),
                      "category": c.category.name} for c in qs]
        return JsonResponse({"results": found})
