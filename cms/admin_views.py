"""Admin view `cms_draft_typical_case`: GET shows the case's photos to choose (or the
case chooser: a searchable list of resolved cases, cms/choosers.py); POST drafts the
page and opens its editor. The staff workbench links here with ?case=<id> or posts to
it directly."""

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from wagtail.admin import messages

from cases import roles
from cases.models import Case
from cms.choosers import case_chooser_viewset, choosable_cases
from cms.services import DRAFT_ROLES, choosable_photos, default_photos, draft_typical_case, may_draft


class CaseChoiceForm(forms.Form):
    case = forms.ModelChoiceField(Case.objects.none(), label=gettext_lazy("Case"),
                                  widget=case_chooser_viewset.widget_class())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case"].queryset = choosable_cases(user)


def _find_case(params) -> Case | None:
    case_id, reference = params.get("case", "").strip(), params.get("reference", "").strip()
    if case_id.isdigit():
        return get_object_or_404(Case, pk=int(case_id))
    if reference:
        return Case.objects.filter(reference__iexact=reference).first()
    return None


@require_http_methods(["GET", "POST"])
def draft_typical_case_view(request):
    if not roles.has_role(request.user, *DRAFT_ROLES):
        raise PermissionDenied
    params = request.POST if request.method == "POST" else request.GET
    case = _find_case(params)
    context = {"case": case, "reference": params.get("reference", ""), "photos": [], "allowed": False,
               "chooser": CaseChoiceForm(user=request.user), "preselected": set()}
    if case is not None:
        context["allowed"] = may_draft(request.user, case)
        context["photos"] = list(choosable_photos(request.user, case)) if context["allowed"] else []
        context["preselected"] = {p.pk for p in default_photos(request.user, case)} if context["allowed"] else set()
    elif params.get("reference"):
        messages.error(request, _("No case with this reference."))
    if request.method == "POST" and case is not None and context["allowed"]:
        try:
            page = draft_typical_case(case, request.user, request.POST.getlist("photos"))
        except (PermissionDenied, ValidationError) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            if case.is_public:
                messages.success(request, _("Draft typical case created. Review it and submit it for moderation."))
            else:
                messages.warning(request, _("Draft typical case created. Case %(reference)s is not public yet: the "
                                            "draft can be published once the intake desk makes the case public.")
                                 % {"reference": case.reference})
            return redirect(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    return TemplateResponse(request, "cms/admin/draft_typical_case.html", context)
