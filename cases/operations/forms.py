"""Forms of the operator screens (cases/operations/views.py)."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ReasonForm(forms.Form):
    reason = forms.CharField(label=pgettext_lazy("operations", "Reason"), max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=pgettext_lazy("operations", "Kept in the operator log with your name."))


class UnlockForm(forms.Form):
    username = forms.CharField(label=pgettext_lazy("operations", "Account (user name)"), required=False,
                               max_length=150)
    address = forms.GenericIPAddressField(label=pgettext_lazy("operations", "Client address"), required=False)
    reason = forms.CharField(label=pgettext_lazy("operations", "Reason"), required=False, max_length=1000)

    def clean(self):
        data = super().clean()
        if not data.get("username") and not data.get("address"):
            raise forms.ValidationError(_("Name an account or an address to unlock."))
        return data


class IdentityLogFilter(forms.Form):
    user = forms.CharField(label=pgettext_lazy("operations", "Staff account"), required=False, max_length=150)
    case = forms.CharField(label=pgettext_lazy("operations", "Case reference"), required=False, max_length=30)
    purpose = forms.CharField(label=pgettext_lazy("operations", "Purpose contains"), required=False, max_length=100)
    start = forms.DateField(label=pgettext_lazy("operations", "From"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=pgettext_lazy("operations", "To"), required=False,
                          widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise forms.ValidationError(_("The start date is after the end date."))
        return data
