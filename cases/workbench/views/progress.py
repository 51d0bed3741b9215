"""Progress report screens (整改进展通报): freeze a snapshot, write sections 四 and 五,
download the Word report and the Excel workbook, draft the news page, the export log."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.lifecycle import WorkflowError
from cases.models import ExportLog
from cases.reports import documents, sentences
from cases.reports import snapshots as svc
from cases.reports.news import draft_news
from cases.workbench.base import HOME_CRUMB, REPORT_ROLES, WorkbenchView
from cases.workbench.exports import XLSX_TYPE
from cases.workbench.forms_supervision import SnapshotForm, SnapshotTextForm

REPORTS_CRUMB = {"url": reverse_lazy("workbench:snapshots"), "label": gettext_lazy("Progress reports")}


class SnapshotListView(WorkbenchView):
    required_roles = svc.READ_ROLES
    template_name = "workbench/snapshots.html"
    page_title = gettext_lazy("Progress reports")
    header_icon = "doc-full"

    def get(self, request, form=None, status=200):
        return self.render({"snapshots": svc.visible_snapshots(request.user),
                            "form": form or SnapshotForm(), "can_freeze": svc.may_freeze(request.user)},
                           status=status)

    def post(self, request):
        form = SnapshotForm(request.POST)
        if form.is_valid():
            try:
                snapshot = svc.freeze_snapshot(request.user, form.cleaned_data["as_of"])
                messages.success(request, _("The figures as of %(date)s were frozen.") % {"date": snapshot.as_of})
                return redirect("workbench:snapshot", pk=snapshot.pk)
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            except WorkflowError as exc:
                form.add_error(None, str(exc))
        return self.get(request, form=form, status=400)


class SnapshotMixin:
    required_roles = svc.READ_ROLES
    object_view = True

    def load(self, request, pk):
        self.snapshot = get_object_or_404(svc.visible_snapshots(request.user), pk=pk)
        self.before = svc.previous(self.snapshot)
        return self.snapshot


class SnapshotDetailView(SnapshotMixin, WorkbenchView):
    template_name = "workbench/snapshot.html"
    header_icon = "doc-full"
    breadcrumbs_items = [HOME_CRUMB, REPORTS_CRUMB]

    def get_page_title(self):
        return _("Progress report as of %(date)s") % {"date": self.snapshot.as_of}

    def get(self, request, pk, form=None, status=200):
        snapshot = self.load(request, pk)
        sections = sentences.report_sections(snapshot.figures, self.before.figures if self.before else None,
                                             snapshot.as_of)
        text_form = form or SnapshotTextForm(initial={"problems": snapshot.problems,
                                                      "next_steps": snapshot.next_steps})
        return self.render({"snapshot": snapshot, "before": self.before, "sections": sections,
                            "batch_rows": sentences.batch_rows(snapshot.figures),
                            "batch_headings": sentences.BATCH_HEADINGS, "headings": documents.HEADINGS,
                            "form": text_form, "can_edit": svc.may_freeze(request.user)}, status=status)

    def post(self, request, pk):
        snapshot = self.load(request, pk)
        form = SnapshotTextForm(request.POST)
        if form.is_valid():
            try:
                svc.write_texts(snapshot, request.user, **form.cleaned_data)
                messages.success(request, _("Sections IV and V were saved."))
                return redirect("workbench:snapshot", pk=snapshot.pk)
            except WorkflowError as exc:
                form.add_error(None, str(exc))
        return self.get(request, pk, form=form, status=400)


class SnapshotDownloadView(SnapshotMixin, WorkbenchView):
    def get(self, request, pk, fmt):
        snapshot = self.load(request, pk)
        if fmt == "docx":
            content, content_type = documents.build_docx(snapshot, self.before), documents.DOCX_TYPE
        else:
            content, content_type = documents.build_xlsx(snapshot, self.before), XLSX_TYPE
        name = f"progress-report-{snapshot.as_of:%Y%m%d}.{fmt}"
        svc.log_export(request.user, f"progress_report_{fmt}", name)
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        response["X-Content-Type-Options"] = "nosniff"
        return response


class SnapshotNewsView(SnapshotMixin, WorkbenchView):
    http_method_names = ["post"]

    def post(self, request, pk):
        snapshot = self.load(request, pk)
        if not svc.may_freeze(request.user):
            messages.error(request, _("Only the rectification office drafts the news page."))
            return redirect("workbench:snapshot", pk=snapshot.pk)
        try:
            page = draft_news(snapshot, request.user)
            messages.success(request, _("The draft news page “%(title)s” is waiting for the editors.")
                             % {"title": page.title})
        except (WorkflowError, ValidationError) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        return redirect("workbench:snapshot", pk=snapshot.pk)


class ExportLogView(WorkbenchView):
    required_roles = REPORT_ROLES
    template_name = "workbench/export_log.html"
    page_title = gettext_lazy("Export log")
    header_icon = "download"

    def get(self, request):
        return self.render({"entries": ExportLog.objects.select_related("user")[:500]})
