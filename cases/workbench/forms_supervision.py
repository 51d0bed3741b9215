"""Forms of the supervision screens: orders, accountability, spot checks, snapshots."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cases.access import visible_cases
from cases.forms import MultipleFileField, MultipleFileInput
from cases.models import (
    AccountabilityForm,
    Category,
    Department,
    OrderLevel,
    RectificationTask,
    ReferralBatch,
    SpotCheck,
    SpotCheckRound,
    Township,
)
from cases.workbench.forms_programme import REFERENCE_SPLIT

DATE = forms.DateInput(attrs={"type": "date"})
EVIDENCE_ACCEPT = "image/jpeg,image/png,application/pdf,.docx,.xlsx,.pptx"


def departments():
    return Department.objects.filter(is_active=True).exclude(kind=Department.Kind.OFFICE)


class OrderForm(forms.Form):
    level = forms.TypedChoiceField(label=pgettext_lazy("supervision", "Level"), choices=OrderLevel.choices, coerce=int,
                                   initial=OrderLevel.SUPERVISION, widget=forms.RadioSelect)
    required_action = forms.CharField(label=_("What must be done"), widget=forms.Textarea(attrs={"rows": 4}),
                                      max_length=4000)
    departments = forms.ModelMultipleChoiceField(departments(), label=_("Addressed departments"),
                                                 widget=forms.CheckboxSelectMultiple)
    reply_days = forms.IntegerField(label=_("Reply within (working days)"), min_value=1, max_value=60, initial=5)


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class ReplyForm(VersionForm):
    text = forms.CharField(label=pgettext_lazy("supervision", "Reply"), widget=forms.Textarea(attrs={"rows": 5}), max_length=8000)
    files = MultipleFileField(label=_("Evidence files"), required=False,
                              widget=MultipleFileInput(attrs={"accept": EVIDENCE_ACCEPT}),
                              help_text=_("Photos, PDF or Office documents, up to 20 MB each."))


class DecisionForm(VersionForm):
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), max_length=4000,
                           required=False)


class ReasonForm(VersionForm):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=4000)


class AccountabilityRecordForm(forms.Form):
    unit_name = forms.CharField(label=_("Unit held accountable"), max_length=200)
    department = forms.ModelChoiceField(departments(), label=_("Department (if the unit is one)"), required=False)
    person_name = forms.CharField(label=_("Person's name (optional)"), max_length=60, required=False)
    person_post = forms.CharField(label=_("Person's post (optional)"), max_length=100, required=False)
    is_public = forms.BooleanField(label=_("The person's name may be published"), required=False)
    form = forms.ChoiceField(label=_("Form of accountability"), choices=AccountabilityForm.choices)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)
    decided_on = forms.DateField(label=_("Decided on"), widget=DATE)
    authority = forms.CharField(label=_("Deciding authority"), max_length=200)
    cases = forms.CharField(label=_("Linked cases"), required=False, max_length=4000,
                            help_text=_("Case references or original case codes, separated by spaces or commas."))
    tasks = forms.ModelMultipleChoiceField(RectificationTask.objects.all(), label=_("Linked rectification tasks"),
                                           required=False, widget=forms.CheckboxSelectMultiple)
    batches = forms.ModelMultipleChoiceField(ReferralBatch.objects.all(), label=_("Linked referral batches"),
                                             required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_decided_on(self):
        value = self.cleaned_data["decided_on"]
        if value > timezone.localdate():
            raise ValidationError(_("The decision date cannot be in the future."))
        return value

    def clean_cases(self):
        codes = [c for c in REFERENCE_SPLIT.split(self.cleaned_data["cases"] or "") if c]
        found = list(visible_cases(self.user).filter(reference__in=codes)) + list(
            visible_cases(self.user).filter(original_code__in=codes))
        known = {c.reference for c in found} | {c.original_code for c in found}
        missing = [c for c in codes if c not in known]
        if missing:
            raise ValidationError(_("Unknown case: %(codes)s") % {"codes": "、".join(missing)})
        return list({c.pk: c for c in found}.values())

    def clean(self):
        data = super().clean()
        if not self.errors and not (data.get("cases") or data.get("tasks") or data.get("batches")):
            raise ValidationError(_("Link the record to at least one case, task or referral batch."))
        return data


class DrawForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("supervision", "Round"), max_length=60, help_text=_("For example 2026年第一轮回头看."))
    population = forms.ChoiceField(label=_("Sample from"), choices=SpotCheckRound.Population.choices,
                                   widget=forms.RadioSelect, initial=SpotCheckRound.Population.CASES)
    share_percent = forms.DecimalField(label=_("Share, %"), required=False, max_digits=6, decimal_places=2,
                                       help_text=_("Either a share or a number of items."))
    sample_size = forms.IntegerField(label=_("Number of items"), required=False)
    category = forms.ModelChoiceField(Category.objects.filter(parent__isnull=True), label=_("Category"),
                                      required=False)
    township = forms.ModelChoiceField(Township.objects.all(), label=_("Township"), required=False)
    department = forms.ModelChoiceField(departments(), label=_("Department"), required=False)
    seed = forms.IntegerField(label=_("Random seed"), required=False, min_value=0, max_value=2**62,
                              help_text=_("Leave empty for a new random seed; enter a recorded seed to repeat a "
                                          "draw."))


class AssignForm(forms.Form):
    department = forms.ModelChoiceField(departments(), label=_("Re-inspected by"))


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), widget=forms.RadioSelect, choices=[
        c for c in SpotCheck.Outcome.choices if c[0] != SpotCheck.Outcome.PENDING])
    note = forms.CharField(label=_("What the re-inspection found"), widget=forms.Textarea(attrs={"rows": 3}),
                           max_length=4000)
    evidence = forms.FileField(label=_("Evidence file"), required=False,
                               widget=forms.ClearableFileInput(attrs={"accept": EVIDENCE_ACCEPT}))
    raise_order = forms.BooleanField(label=_("On a relapse, also issue a supervision order"), required=False)


class SnapshotForm(forms.Form):
    as_of = forms.DateField(label=_("Figures as of"), widget=DATE)


class SnapshotTextForm(forms.Form):
    problems = forms.CharField(label=_("IV. Existing problems"), widget=forms.Textarea(attrs={"rows": 6}), required=False,
                               max_length=20000)
    next_steps = forms.CharField(label=_("V. Next steps"), widget=forms.Textarea(attrs={"rows": 6}),
                                 required=False, max_length=20000)
