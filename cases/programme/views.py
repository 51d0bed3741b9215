"""The task ledger in the workbench: list with filters, task page with its timeline,
create and edit (the office), the three .xlsx lists and evidence downloads.

Every view loads tasks through ``RectificationTask.objects.visible_to`` (access.task_for):
a department without a part in a task gets 404.
"""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases import roles
from cases.lifecycle import WorkflowError
from cases.models import EvidenceFile, Milestone, RectificationTask
from cases.workbench.base import HOME_CRUMB, WorkbenchView

from . import ledger
from .access import PROGRAMME_ROLES, is_office, task_for
from .exports import LISTS, export_list
from .forms import TaskFilterForm, TaskForm
from .panel import task_page_context
from .progress import may_download
from .status import task_progress

TASKS_CRUMB = {"url": reverse_lazy("workbench:tasks"), "label": gettext_lazy("Rectification tasks")}


class ProgrammeView(WorkbenchView):
    required_roles = PROGRAMME_ROLES
    header_icon = "tasks"
    breadcrumbs_items = [HOME_CRUMB, TASKS_CRUMB]


def filtered_rows(user, data, today):
    form = TaskFilterForm(data or None)
    qs = (RectificationTask.objects.visible_to(user).select_related("lead_department")
          .prefetch_related("co_departments",
                            Prefetch("milestones", queryset=Milestone.objects.order_by("sort_order", "due_date"))))
    cd = form.cleaned_data if form.is_valid() else {}
    if cd.get("department"):
        dept = cd["department"]
        qs = qs.filter(pk__in=RectificationTask.objects.filter(lead_department=dept).values("pk")
                       .union(RectificationTask.co_departments.through.objects.filter(department=dept)
                              .values("rectificationtask_id")))
    if cd.get("leader"):
        qs = qs.filter(responsible_leader__icontains=cd["leader"])
    rows = [{"task": t, "progress": task_progress(t, list(t.milestones.all()), today)} for t in qs]
    if cd.get("status"):
        rows = [r for r in rows if r["progress"].status == cd["status"]]
    if cd.get("overdue"):
        rows = [r for r in rows if r["progress"].status == "late"]
    if cd.get("due_within") is not None:
        horizon = today + timedelta(days=cd["due_within"])
        rows = [r for r in rows if r["progress"].status != "done" and (
            (r["progress"].next_milestone_due or r["task"].deadline) <= horizon)]
    return form, rows


class TaskListView(ProgrammeView):
    template_name = "workbench/programme/list.html"
    page_title = gettext_lazy("Rectification tasks")
    breadcrumbs_items = [HOME_CRUMB]

    def get(self, request):
        form, rows = filtered_rows(request.user, request.GET, timezone.localdate())
        return self.render({"filter_form": form, "rows": rows, "query": request.GET.urlencode(),
                            "can_manage": is_office(request.user), "lists": LISTS})


class TaskExportView(ProgrammeView):
    def get(self, request, kind):
        if kind not in LISTS:
            raise Http404
        today = timezone.localdate()
        _form, rows = filtered_rows(request.user, request.GET, today)
        tasks = RectificationTask.objects.filter(pk__in=[r["task"].pk for r in rows])
        return export_list(kind, tasks, today)


class TaskDetailView(ProgrammeView):
    template_name = "workbench/programme/detail.html"
    object_view = True

    def get_page_title(self):
        return str(self.task)

    def get(self, request, task_id, bound=None, status=200):
        self.task = task_for(request.user, task_id)
        context = task_page_context(request.user, self.task, timezone.localdate(), bound or {})
        return self.render(context, status=status)


class TaskFormView(ProgrammeView):
    required_roles = (roles.OFFICE,)
    template_name = "workbench/programme/form.html"

    def dispatch(self, request, *args, **kwargs):
        self.object_view = "task_id" in kwargs  # editing a task: 404 outside the role, like any object
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return str(self.task) if self.task else _("New rectification task")

    def get(self, request, task_id=None):
        self.task = task_for(request.user, task_id) if task_id else None
        initial = TaskForm.initial_for(self.task) if self.task else {
            "number": (RectificationTask.objects.order_by("-number").values_list("number", flat=True).first()
                       or 0) + 1}
        return self.render({"form": TaskForm(initial=initial, user=request.user), "task": self.task})

    def post(self, request, task_id=None):
        self.task = task_for(request.user, task_id) if task_id else None
        form = TaskForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                if self.task:
                    task = ledger.update_task(self.task, form.as_input(), request.user,
                                              expected_version=form.cleaned_data["version"])
                else:
                    task = ledger.create_task(form.as_input(), request.user)
                messages.success(request, _("The task was saved."))
                return redirect("workbench:task", task_id=task.pk)
            except ValidationError as exc:
                form.add_error(None, exc)
            except WorkflowError as exc:
                form.add_error(None, str(exc))
        return self.render({"form": form, "task": self.task}, status=400)


class EvidenceView(ProgrammeView):
    """Evidence through a permission-checked view: private storage, never a public URL."""

    object_view = True

    def get(self, request, task_id, evidence_id, variant):
        task = task_for(request.user, task_id)
        evidence = get_object_or_404(EvidenceFile.objects.select_related("task"), pk=evidence_id, task=task)
        if variant not in ("file", "image", "thumb") or not may_download(request.user, evidence):
            raise Http404
        file = {"file": evidence.file, "image": evidence.image, "thumb": evidence.thumbnail}[variant]
        if not file:
            raise Http404
        try:
            handle = file.open("rb")
        except (FileNotFoundError, ValueError) as exc:
            raise Http404 from exc
        content_type = evidence.content_type if variant == "file" else "image/jpeg"
        response = FileResponse(handle, content_type=content_type, as_attachment=variant == "file",
                                filename=evidence.original_name if variant == "file" else f"{evidence.pk}.jpg")
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response

