"""POST endpoints of the task page and the backward-scheduling screen. Each validates a
form, calls one service and redirects; a refusal re-renders the task page with the message
next to the form (nothing is saved)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases import roles
from cases.calendar import load_calendar
from cases.lifecycle import WorkflowError
from cases.models import EvidenceFile, Objection

from . import ledger, progress, writeoff
from .access import milestone_for, task_for
from .evidence import EvidenceError
from .forms import (
    MilestoneDueForm,
    ObjectionDecisionForm,
    ProgressForm,
    ReasonForm,
    ScheduleChooseForm,
    ScheduleFormSet,
    VerificationForm,
    VersionForm,
)
from .scheduling import ScheduleError, Step, plan_backwards
from .views import ProgrammeView, TaskDetailView

REFUSALS = (WorkflowError, ValidationError, EvidenceError)

MILESTONE_ACTIONS = {
    # name: (form class, prefix suffix, service call)
    "progress": (ProgressForm, "", lambda m, u, cd: progress.post_progress(
        m, u, cd["percent"], cd["narrative"], cd["files"], expected_version=cd["version"])),
    "done": (VersionForm, "d", lambda m, u, cd: progress.report_done(m, u, expected_version=cd["version"])),
    "accept": (VersionForm, "a", lambda m, u, cd: progress.accept_milestone(m, u, expected_version=cd["version"])),
    "send_back": (ReasonForm, "s", lambda m, u, cd: progress.send_back_milestone(
        m, u, cd["reason"], expected_version=cd["version"])),
    "due": (MilestoneDueForm, "u", lambda m, u, cd: ledger.set_milestone_due(
        m, u, cd["due_date"], expected_version=cd["version"])),
}
TASK_ACTIONS = {
    "submit": (VersionForm, "submit", lambda t, u, cd: writeoff.submit_for_writeoff(
        t, u, expected_version=cd["version"])),
    "return": (ReasonForm, "return", lambda t, u, cd: writeoff.return_submission(
        t, u, cd["reason"], expected_version=cd["version"])),
    "verify": (VerificationForm, "verify", lambda t, u, cd: writeoff.record_verification(
        t, u, verified_on=cd["verified_on"], verified_by=cd["verified_by"], method=cd["method"],
        findings=cd["findings"], files=cd["files"], expected_version=cd["version"])),
    "write_off": (VersionForm, "writeoff", lambda t, u, cd: writeoff.write_off(t, u, expected_version=cd["version"])),
    "reopen": (ReasonForm, "reopen", lambda t, u, cd: writeoff.reopen_task(
        t, u, cd["reason"], source="office" if roles.has_role(u, roles.OFFICE) else "supervision",
        expected_version=cd["version"])),
}
DONE_MESSAGES = {
    "progress": gettext_lazy("Progress reported."), "done": gettext_lazy("Milestone sent to the office."),
    "accept": gettext_lazy("Milestone verified."), "send_back": gettext_lazy("Milestone sent back."),
    "due": gettext_lazy("Due date changed."), "submit": gettext_lazy("Task submitted for write-off."),
    "return": gettext_lazy("Submission sent back."), "verify": gettext_lazy("Verification recorded; notice started."),
    "write_off": gettext_lazy("Task written off."), "reopen": gettext_lazy("Task reopened."),
    "decide": gettext_lazy("Objection decided."),
}


def _run(form, call) -> str | None:
    """Run the service when the form is valid; the refusal message, or None when done."""
    if not form.is_valid():
        return _("See the form below.")
    try:
        call(form.cleaned_data)
    except ValidationError as exc:
        form.add_error(None, exc)
    except REFUSALS as exc:
        form.add_error(None, str(exc))
    else:
        return None
    return str(form.non_field_errors()[0]) if form.non_field_errors() else _("See the form below.")


class ActionView(TaskDetailView):
    http_method_names = ["post"]

    def respond(self, request, task, name, key, form):
        error = _run(form, self.call)
        if error is None:
            messages.success(request, DONE_MESSAGES[name])
            return redirect("workbench:task", task_id=task.pk)
        messages.error(request, error)
        return self.get(request, task.pk, bound={key: form}, status=400)


class MilestoneActionView(ActionView):
    def post(self, request, task_id, milestone_id, name):
        task = task_for(request.user, task_id)
        milestone = milestone_for(request.user, task, milestone_id)
        if name not in MILESTONE_ACTIONS:
            return self.get(request, task.pk, status=404)
        cls, suffix, service = MILESTONE_ACTIONS[name]
        form = cls(request.POST, request.FILES, prefix=f"m{milestone.pk}{suffix}")
        self.call = lambda cd: service(milestone, request.user, cd)
        return self.respond(request, task, name, (name, milestone.pk), form)


class TaskActionView(ActionView):
    def post(self, request, task_id, name):
        task = task_for(request.user, task_id)
        if name not in TASK_ACTIONS:
            return self.get(request, task.pk, status=404)
        cls, prefix, service = TASK_ACTIONS[name]
        form = cls(request.POST, request.FILES, prefix=prefix)
        self.call = lambda cd: service(task, request.user, cd)
        return self.respond(request, task, name, (name, 0), form)


class ObjectionDecisionView(ActionView):
    def post(self, request, task_id, objection_id):
        task = task_for(request.user, task_id)
        objection = get_object_or_404(Objection, pk=objection_id, task=task)
        form = ObjectionDecisionForm(request.POST, prefix=f"o{objection.pk}")
        self.call = lambda cd: writeoff.decide_objection(objection, request.user, cd["decision"] == "uphold",
                                                         cd["note"], expected_version=cd["version"])
        return self.respond(request, task, "decide", ("decide", objection.pk), form)


class EvidencePublicityView(ActionView):
    def post(self, request, task_id, evidence_id):
        task = task_for(request.user, task_id)
        evidence = get_object_or_404(EvidenceFile, pk=evidence_id, task=task)
        try:
            progress.set_evidence_public(evidence, request.user, request.POST.get("public") == "1")
        except WorkflowError as exc:
            messages.error(request, str(exc))
            return self.get(request, task.pk, status=403)
        return redirect("workbench:task", task_id=task.pk)


class ScheduleView(ProgrammeView):
    """Choose a template → see the computed dates → adjust and confirm."""

    required_roles = (roles.OFFICE,)
    template_name = "workbench/programme/schedule.html"
    object_view = True

    def get_page_title(self):
        return _("Schedule backwards: %(task)s") % {"task": self.task}

    def get(self, request, task_id):
        self.task = task_for(request.user, task_id)
        choose = ScheduleChooseForm(request.GET or None)
        context = {"task": self.task, "choose": choose, "formset": None, "problem": ""}
        if choose.is_valid():
            steps = [Step(s.title, s.share, s.working_days_before_next)
                     for s in choose.cleaned_data["template"].steps.order_by("sort_order", "pk")]
            try:
                plan = plan_backwards(steps, self.task.deadline, timezone.localdate(), load_calendar())
            except ScheduleError as exc:
                context["problem"] = str(exc)
            else:
                context["notes"] = [p.note for p in plan if p.note]
                context["formset"] = ScheduleFormSet(prefix="s", form_kwargs={"task": self.task}, initial=[
                    {"title": p.title, "due_date": p.due_date} for p in plan])
        return self.render(context)

    def post(self, request, task_id):
        self.task = task_for(request.user, task_id)
        formset = ScheduleFormSet(request.POST, prefix="s", form_kwargs={"task": self.task})
        context = {"task": self.task, "choose": ScheduleChooseForm(), "formset": formset, "problem": ""}
        if formset.is_valid():
            dates = [(f.cleaned_data["title"], f.cleaned_data["due_date"], f.cleaned_data.get("department"))
                     for f in formset
                     if f.cleaned_data.get("title")]
            try:
                with transaction.atomic():
                    ledger.save_schedule(self.task, request.user, dates,
                                         expected_version=int(request.POST.get("version") or -1))
            except (ValidationError, WorkflowError) as exc:
                context["problem"] = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            else:
                messages.success(request, _("The milestones were scheduled."))
                return redirect("workbench:task", task_id=self.task.pk)
        return self.render(context, status=400)
