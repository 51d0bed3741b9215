"""Forms of the programme workspace. They validate input; the services decide."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cases.forms import MultipleFileField, MultipleFileInput
from cases.models import (
    Case,
    Department,
    MilestoneTemplate,
    ReferralBatch,
    TaskSource,
    TaskVerification,
)
from cases.workbench.forms import handling_departments, textarea

from .ledger import TaskInput
from .status import STATUS_LABELS

REFERENCE_SPLIT = re.compile(r"[\s,，、;；]+")
EVIDENCE_ACCEPT = ".jpg,.jpeg,.png,.webp,.heic,.pdf,.docx,.xlsx"


def evidence_field(required=False):
    return MultipleFileField(label=_("Evidence files"), required=required,
                             widget=MultipleFileInput(attrs={"accept": EVIDENCE_ACCEPT}),
                             help_text=_("Photos, PDF, Word (.docx) or Excel (.xlsx); at most 20 MB each. "
                                         "No archives, macros or passwords."))


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)


class TaskForm(VersionForm):
    number = forms.IntegerField(label=_("Task number"), min_value=1)
    title = forms.CharField(label=_("Task title"), max_length=200)
    problem = forms.CharField(label=_("Problem found by the inspectors"), widget=textarea(4), max_length=10000)
    source = forms.ChoiceField(label=_("Where the task comes from"), choices=TaskSource.choices)
    responsible_leader = forms.CharField(label=_("Responsible leader (name)"), max_length=100)
    leader_post = forms.CharField(label=_("Responsible leader's post"), max_length=100, required=False)
    lead_department = forms.ModelChoiceField(handling_departments(), label=_("Lead department"))
    co_departments = forms.ModelMultipleChoiceField(handling_departments(), label=_("Co-departments"),
                                                    required=False, widget=forms.CheckboxSelectMultiple)
    target = forms.CharField(label=_("Rectification target"), widget=textarea(3), max_length=10000)
    measures = forms.CharField(label=_("Rectification measures"), widget=textarea(5), max_length=20000)
    deadline = forms.DateField(label=_("Rectification deadline"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    notice_working_days = forms.IntegerField(label=_("Public notice period (working days)"), min_value=1,
                                             max_value=30, initial=5)
    cases = forms.CharField(label=_("Linked cases"), required=False, max_length=4000,
                            help_text=_("Case references, separated by spaces or commas."))
    batches = forms.ModelMultipleChoiceField(ReferralBatch.objects.all(), label=_("Linked referral batches"),
                                             required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_cases(self):
        # The office links cases by reference; it does not need to see them (nor who reported them).
        references = [r for r in REFERENCE_SPLIT.split(self.cleaned_data["cases"].strip().upper()) if r]
        found = list(Case.objects.filter(reference__in=references).only("pk", "reference"))
        missing = sorted(set(references) - {c.reference for c in found})
        if missing:
            raise ValidationError(_("Unknown case reference(s): %(refs)s") % {"refs": ", ".join(missing)})
        return found

    def as_input(self) -> TaskInput:
        data = {k: v for k, v in self.cleaned_data.items() if k != "version"}
        return TaskInput(**data)

    @classmethod
    def initial_for(cls, task) -> dict:
        return {
            "version": task.version, "number": task.number, "title": task.title, "problem": task.problem,
            "source": task.source, "responsible_leader": task.responsible_leader, "leader_post": task.leader_post,
            "lead_department": task.lead_department_id, "co_departments": list(task.co_departments.all()),
            "target": task.target, "measures": task.measures, "deadline": task.deadline,
            "notice_working_days": task.notice_working_days,
            "cases": " ".join(task.cases.values_list("reference", flat=True)), "batches": list(task.batches.all()),
        }


class TaskFilterForm(forms.Form):
    department = forms.ModelChoiceField(Department.objects.filter(is_active=True), label=_("Department"),
                                        required=False)
    leader = forms.CharField(label=_("Responsible leader"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Progress status"), required=False,
                               choices=[("", "—"), *STATUS_LABELS.items()])
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    due_within = forms.IntegerField(label=_("Due within (days)"), required=False, min_value=0, max_value=3650)


class ScheduleChooseForm(forms.Form):
    template = forms.ModelChoiceField(MilestoneTemplate.objects.all(), label=_("Milestone template"))


class ScheduleRowForm(forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=200)
    due_date = forms.DateField(label=_("Due date"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    department = forms.ModelChoiceField(Department.objects.none(), label=_("Reporting department"), required=False,
                                        help_text=_("Empty: the lead department."))

    def __init__(self, *args, task=None, **kwargs):
        super().__init__(*args, **kwargs)
        if task is not None:  # the lead department or one of the co-departments
            self.fields["department"].queryset = task.co_departments.all()


ScheduleFormSet = forms.formset_factory(ScheduleRowForm, extra=0, min_num=1, validate_min=True, max_num=30)


class ProgressForm(VersionForm):
    percent = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)
    narrative = forms.CharField(label=_("What was done"), widget=textarea(3), max_length=4000)
    files = evidence_field()


class MilestoneDueForm(VersionForm):
    due_date = forms.DateField(label=_("New due date"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))


class ReasonForm(VersionForm):
    reason = forms.CharField(label=_("Reason"), widget=textarea(2), max_length=4000)


class VerificationForm(VersionForm):
    verified_on = forms.DateField(label=_("Verified on"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    verified_by = forms.CharField(label=_("Verified by (people and units)"), max_length=200)
    method = forms.ChoiceField(label=_("Verification method"), choices=TaskVerification.Method.choices)
    findings = forms.CharField(label=_("Findings"), widget=textarea(4), max_length=10000)
    files = evidence_field()


class ObjectionDecisionForm(VersionForm):
    decision = forms.ChoiceField(label=_("Decision"), choices=[("dismiss", _("Dismiss")),
                                                               ("uphold", _("Uphold and reopen the task"))])
    note = forms.CharField(label=_("Reasons"), widget=textarea(2), max_length=4000)
