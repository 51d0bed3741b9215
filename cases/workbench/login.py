"""The staff sign-in form: Wagtail's, with the password field labelled through the
catalogue (Wagtail leaves it unlabelled, so Django shows the English field name)."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.auth import LoginForm


class StaffLoginForm(LoginForm):
    password = forms.CharField(
        label=_("Password"), strip=False,
        widget=forms.PasswordInput(attrs={"placeholder": _("Enter password"), "autocomplete": "current-password"}),
    )
