"""Accountability records (问责): the list (scoped: a department sees the records about
itself) and the form the office and supervisors record them with."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases import roles
from cases.lifecycle import WorkflowError
from cases.models import AccountabilityRecord
from cases.supervision.accountability import record_accountability
from cases.workbench.base import HOME_CRUMB, WorkbenchView
from cases.workbench.forms_supervision import AccountabilityRecordForm

RECORDS_CRUMB = {"url": reverse_lazy("workbench:accountability"), "label": gettext_lazy("Accountability records")}


class RecordListView(WorkbenchView):
    template_name = "workbench/accountability.html"
    page_title = gettext_lazy("Accountability records")
    header_icon = "user"

    def get(self, request):
        records = (AccountabilityRecord.objects.visible_to(request.user).select_related("department")
                   .prefetch_related("cases", "tasks", "batches"))[:300]
        return self.render({"records": records, "can_record": roles.has_role(request.user, *roles.SUPERVISION_ROLES)})


class RecordCreateView(WorkbenchView):
    required_roles = roles.SUPERVISION_ROLES
    template_name = "workbench/accountability_form.html"
    page_title = gettext_lazy("Record accountability")
    header_icon = "user"
    breadcrumbs_items = [HOME_CRUMB, RECORDS_CRUMB]

    def get(self, request):
        return self.render({"form": AccountabilityRecordForm(user=request.user)})

    def post(self, request):
        form = AccountabilityRecordForm(request.POST, user=request.user)
        if form.is_valid():
            cd = form.cleaned_data
            try:
                record_accountability(
                    request.user, unit_name=cd["unit_name"], form=cd["form"], reason=cd["reason"],
                    decided_on=cd["decided_on"], authority=cd["authority"], department=cd["department"],
                    person_name=cd["person_name"], person_post=cd["person_post"], is_public=cd["is_public"],
                    cases=cd["cases"], tasks=cd["tasks"], batches=cd["batches"])
                messages.success(request, _("The accountability record was saved."))
                return redirect("workbench:accountability")
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            except WorkflowError as exc:
                form.add_error(None, str(exc))
        return self.render({"form": form}, status=400)
