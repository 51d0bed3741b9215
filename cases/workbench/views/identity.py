"""Reporter identity, for intake officers only, behind a logged POST (docs/product.md §3, §7)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy

from cases import roles
from cases.workbench.base import CASE_LIST_CRUMB, HOME_CRUMB, WorkbenchView, get_case_or_404
from cases.workbench.forms import RevealReporterForm
from cases.workbench.services import reveal_reporters


class RevealReporterView(WorkbenchView):
    """The identity is only ever in the response to this POST, after the access
    log row is written; GET shows nothing, other roles get 404."""

    required_roles = (roles.INTAKE,)
    http_method_names = ["post"]
    template_name = "workbench/reporter.html"
    page_title = gettext_lazy("Reporter")
    header_icon = "user"

    def post(self, request, pk):
        self.case = get_case_or_404(request.user, pk)
        form = RevealReporterForm(request.POST)
        form.is_valid()
        reporters = reveal_reporters(self.case, request.user, form.cleaned_data.get("purpose", ""))
        return self.render({"case": self.case, "reporters": reporters})

    def get_breadcrumbs_items(self):
        return [HOME_CRUMB, CASE_LIST_CRUMB,
                {"url": reverse("workbench:detail", args=[self.case.pk]), "label": self.case.reference},
                {"url": "", "label": self.get_page_title()}]
