"""Filing a case received by phone, letter or visit (docs/product.md §4.3)."""

from django.utils.translation import gettext_lazy

from cases import roles
from cases.intake import submit_case
from cases.photos import PhotoError
from cases.workbench.base import CASE_LIST_CRUMB, HOME_CRUMB, WorkbenchView
from cases.workbench.forms_intake import StaffReportForm
from cases.workflow import WorkflowError


class NewCaseView(WorkbenchView):
    required_roles = (roles.INTAKE,)
    template_name = "workbench/new_case.html"
    page_title = gettext_lazy("File a case from another channel")
    header_icon = "plus"
    breadcrumbs_items = [HOME_CRUMB, CASE_LIST_CRUMB]

    def get(self, request):
        return self.render({"form": StaffReportForm()})

    def post(self, request):
        form = StaffReportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                result = submit_case(form.report(), form.reporter(), form.cleaned_data["photos"],
                                     actor=request.user)
            except (WorkflowError, PhotoError) as exc:
                form.add_error("photos" if isinstance(exc, PhotoError) else None, str(exc))
            else:
                # Shown in this response only (not in a message cookie): the access
                # code is for the reporter, who needs it to follow the case.
                return self.render({"done": result.case, "access_code": result.access_code})
        return self.render({"form": form}, status=200)
