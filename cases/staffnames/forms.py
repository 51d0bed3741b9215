"""The back office's user forms with one full-name field instead of Wagtail's first/last pair."""

from __future__ import annotations

from django import forms
from django.utils.translation import pgettext_lazy
from wagtail.admin.forms.account import NameEmailForm
from wagtail.users.forms import UserCreationForm, UserEditForm

from .names import join_name

FULL_NAME = pgettext_lazy("staff user", "Full name")
FULL_NAME_HELP = pgettext_lazy("staff user", "As the person writes it, family name first, e.g. 李娜.")


def full_name_field() -> forms.CharField:
    return forms.CharField(required=True, max_length=150, label=FULL_NAME, help_text=FULL_NAME_HELP)


class FullNameMixin:
    """Shows a legacy first/last pair as one name, and saves the name whole (last_name empty)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = self.instance
        if instance.pk and instance.last_name:
            self.initial["first_name"] = join_name(instance.first_name, instance.last_name)

    def save(self, commit=True):
        self.instance.last_name = ""
        return super().save(commit=commit)


class StaffUserCreationForm(FullNameMixin, UserCreationForm):
    first_name = full_name_field()
    last_name = None

    class Meta(UserCreationForm.Meta):
        fields = UserCreationForm.Meta.fields - {"last_name"}


class StaffUserEditForm(FullNameMixin, UserEditForm):
    first_name = full_name_field()
    last_name = None

    class Meta(UserEditForm.Meta):
        fields = UserEditForm.Meta.fields - {"last_name"}


class FullNameEmailForm(FullNameMixin, NameEmailForm):
    """The account page's "Name and Email" panel."""

    first_name = full_name_field()
    last_name = None

    class Meta(NameEmailForm.Meta):
        fields = ["first_name", "email"]
