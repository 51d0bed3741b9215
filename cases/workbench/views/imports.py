"""Referral batch import screen (docs/product.md §4.2, §8): upload, progress, validation
report by row and column, result summary. The import runs in the task worker."""

from datetime import date

from django import forms
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases import roles
from cases.models import CaseSource, ImportJob
from cases.referral_jobs import JOB_KIND, job_progress, queue_import
from cases.referrals import check_batch, due_after_days, due_moment, received_moment
from cases.workbench.base import CASE_LIST_CRUMB, HOME_CRUMB, WorkbenchView

MAX_UPLOAD = 10 * 1024 * 1024
IMPORT_CRUMB = {"url": reverse_lazy("workbench:import"), "label": gettext_lazy("Referral batch import")}


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Spreadsheet (.xlsx or .csv)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}))
    source = forms.ChoiceField(label=gettext_lazy("Referred by"), choices=[
        (CaseSource.CENTRAL, CaseSource.CENTRAL.label), (CaseSource.PROVINCIAL, CaseSource.PROVINCIAL.label)])
    number = forms.IntegerField(label=gettext_lazy("Batch number (第N批)"), min_value=1, max_value=9999)
    received_on = forms.DateField(label=gettext_lazy("Received on"), widget=forms.DateInput(attrs={"type": "date"}))
    due_on = forms.DateField(label=gettext_lazy("Reply due on"), required=False,
                             widget=forms.DateInput(attrs={"type": "date"}))
    due_days = forms.IntegerField(label=gettext_lazy("…or reply due after (days)"), required=False,
                                  min_value=1, max_value=365)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError(_("Upload an .xlsx or .csv file."))
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        return upload

    def clean(self):
        data = super().clean()
        received: date | None = data.get("received_on")
        if received is None:
            return data  # its own error is shown; the due date cannot be checked without it
        now = timezone.now()
        data["received_at"] = received_moment(received, now)
        if data.get("due_on"):
            data["due_at"] = due_moment(data["due_on"])
        elif data.get("due_days"):
            data["due_at"] = due_after_days(data["received_at"], data["due_days"])
        else:
            raise forms.ValidationError(_("Give the reply due date or a number of days."))
        if not self.errors:  # the batch checks need every field
            for error in check_batch(data["source"], data["number"], data["received_at"], data["due_at"], now):
                self.add_error(None, error.message)
        return data


class ImportView(WorkbenchView):
    required_roles = (roles.INTAKE,)
    template_name = "workbench/import.html"
    page_title = gettext_lazy("Referral batch import")
    header_icon = "upload"
    breadcrumbs_items = [HOME_CRUMB, CASE_LIST_CRUMB]

    def get(self, request, form=None):
        jobs = ImportJob.objects.filter(kind=JOB_KIND).select_related("created_by").order_by("-created_at")[:10]
        return self.render({"form": form or ImportForm(), "jobs": jobs})

    def post(self, request):
        form = ImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.get(request, form)
        cd = form.cleaned_data
        job = queue_import(cd["file"], cd["file"].name, source=cd["source"], number=cd["number"],
                           received_at=cd["received_at"], due_at=cd["due_at"], actor=request.user)
        return redirect("workbench:import_job", job_id=job.pk)


def _job(job_id: int) -> ImportJob:
    return get_object_or_404(ImportJob, pk=job_id, kind=JOB_KIND)


def progress_data(job: ImportJob) -> dict:
    try:
        data = dict(job_progress(job.pk))
    except ImportJob.DoesNotExist as exc:
        raise Http404 from exc
    total, processed = data.get("total") or 0, data.get("processed") or 0
    data["state"] = str(data["state"])
    data["state_label"] = str(ImportJob.State(data["state"]).label)
    data["percent"] = 100 if data["state"] == ImportJob.State.DONE else (
        round(100 * processed / total) if total else 0)
    data["finished"] = data["state"] in (ImportJob.State.DONE, ImportJob.State.FAILED)
    if data["state"] == ImportJob.State.DONE:
        data["result"] = ImportJob.objects.filter(pk=job.pk).values_list("result", flat=True).first() or {}
    return data


class ImportJobView(WorkbenchView):
    required_roles = (roles.INTAKE,)
    template_name = "workbench/import_job.html"
    page_title = gettext_lazy("Import progress")
    header_icon = "upload"
    breadcrumbs_items = [HOME_CRUMB, CASE_LIST_CRUMB, IMPORT_CRUMB]

    object_view = True

    def get(self, request, job_id):
        job = _job(job_id)
        return self.render({"job": job, "progress": progress_data(job)})


class ImportProgressView(ImportJobView):
    def get(self, request, job_id):
        return JsonResponse(progress_data(_job(job_id)))
