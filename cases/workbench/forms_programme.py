"""Forms for joint meeting records (联席会议)."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cases.access import visible_cases
from cases.calendar import end_of_day
from cases.models import Department, RectificationTask

REFERENCE_SPLIT = re.compile(r"[\s,，、;；]+")


class CompleteItemForm(forms.Form):
    outcome = forms.CharField(label=_("Outcome"), widget=forms.Textarea(attrs={"rows": 2}), max_length=4000)


class MeetingForm(forms.Form):
    held_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    title = forms.CharField(label=_("Title"), max_length=200)
    convener = forms.CharField(label=_("Convener"), max_length=100)
    departments = forms.ModelMultipleChoiceField(Department.objects.filter(is_active=True),
                                                 label=_("Attending departments"),
                                                 widget=forms.CheckboxSelectMultiple)
    minutes = forms.CharField(label=pgettext_lazy("meeting", "Minutes"), widget=forms.Textarea(attrs={"rows": 6}), max_length=20000)
    cases = forms.CharField(label=_("Cases discussed"), required=False, max_length=4000,
                            help_text=_("Case references, separated by spaces or commas."))
    tasks = forms.ModelMultipleChoiceField(RectificationTask.objects.all(), label=_("Rectification tasks"),
                                           required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_cases(self):
        references = [r for r in REFERENCE_SPLIT.split(self.cleaned_data["cases"].strip().upper()) if r]
        found = list(visible_cases(self.user).filter(reference__in=references))
        missing = sorted(set(references) - {c.reference for c in found})
        if missing:
            raise ValidationError(_("Unknown case reference(s): %(refs)s") % {"refs": ", ".join(missing)})
        return found


class DecisionForm(forms.Form):
    decision = forms.CharField(label=_("Decision"), max_length=2000, required=False,
                               widget=forms.Textarea(attrs={"rows": 2}))
    department = forms.ModelChoiceField(Department.objects.filter(is_active=True), label=_("Responsible department"),
                                        required=False)
    due_on = forms.DateField(label=_("Due on"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        given = [bool(data.get(k)) for k in ("decision", "department", "due_on")]
        if any(given) and not all(given):
            raise ValidationError(_("A decision needs its text, a responsible department and a due date."))
        return data

    def as_decision(self):
        data = self.cleaned_data
        if not data.get("decision"):
            return None
        return data["decision"], data["department"], end_of_day(data["due_on"])


DecisionFormSet = forms.formset_factory(DecisionForm, extra=3, max_num=20, validate_max=True)
