"""Admin forms with the checks a plain model form does not make, and messages in
plain words instead of "constraint … is violated"."""

import json

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.forms.fields import InvalidJSONInput
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from cases.boundaries import clean_boundary
from cases.models import (
    CaseSource,
    Category,
    DeadlinePolicy,
    DeadlineSetting,
    RoutingRule,
    StaffProfile,
    WorkCalendarDay,
)


class PrettyJSONField(forms.JSONField):
    """A JSON textarea that shows Chinese text as text and keeps lines short."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 12, "spellcheck": "false",
                                                          "style": "font-family: monospace"}))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, InvalidJSONInput):
            return value
        return json.dumps(value, ensure_ascii=False, indent=1)


class TownshipForm(WagtailAdminModelForm):
    boundary = PrettyJSONField(
        label=_("boundary (GeoJSON)"), required=False,
        help_text=_("A GeoJSON Polygon or MultiPolygon in WGS-84, each position written as "
                    "[longitude, latitude]. Leave empty if the township has no boundary yet; "
                    "reports are then never routed to it by location."),
    )

    def clean_boundary(self):
        return clean_boundary(self.cleaned_data.get("boundary"))


class CategoryForm(WagtailAdminModelForm):
    attributes = PrettyJSONField(
        label=_("extra questions"), required=False,
        help_text=_("A JSON list of question objects (Open311 service attributes); [] for none."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Two levels only: a category or one of its sub-types.
        parents = Category.objects.filter(parent__isnull=True)
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents

    def clean_attributes(self):
        value = self.cleaned_data.get("attributes")
        if value in (None, ""):
            return []
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            raise ValidationError(_("Enter a JSON list of objects, e.g. [] or [{\"code\": \"smell\"}]."))
        return value

    def clean_parent(self):
        parent = self.cleaned_data.get("parent")
        if parent and self.instance.pk and self.instance.subtypes.exists():
            raise ValidationError(_("This category has sub-types, so it cannot itself become a sub-type."))
        return parent


class RoutingRuleForm(WagtailAdminModelForm):
    def clean(self):
        cleaned = super().clean()
        category, township = cleaned.get("category"), cleaned.get("township")
        if not category and not township:
            raise ValidationError(_("Choose a category, a township, or both."))
        clash = RoutingRule.objects.filter(category=category, township=township)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise ValidationError(_("A rule for this category and township already exists; edit that rule."))
        return cleaned


def source_choices():
    return [("", _("Any source")), *CaseSource.choices]


class DeadlinePolicyForm(WagtailAdminModelForm):
    source = forms.ChoiceField(label=_("source"), choices=source_choices, required=False,
                               help_text=_("blank = any source"))

    def clean(self):
        cleaned = super().clean()
        clash = DeadlinePolicy.objects.filter(clock=cleaned.get("clock"), source=cleaned.get("source") or "",
                                              category=cleaned.get("category"))
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise ValidationError(_("A policy for this clock, source and category already exists; edit it."))
        return cleaned


class DeadlineSettingForm(WagtailAdminModelForm):
    def clean(self):
        cleaned = super().clean()
        if not self.instance.pk and DeadlineSetting.objects.exists():
            raise ValidationError(_("The deadline settings already exist; edit the existing row."))
        return cleaned


class WorkCalendarDayForm(WagtailAdminModelForm):
    def clean(self):
        cleaned = super().clean()
        day, kind = cleaned.get("date"), cleaned.get("kind")
        if day and kind == WorkCalendarDay.Kind.WORKDAY and day.weekday() < 5:
            self.add_error("date", _("A make-up working day is a Saturday or Sunday; "
                                     "weekdays are working days anyway."))
        return cleaned


class StaffProfileForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Offer only users without a profile (and this profile's own user).
        taken = StaffProfile.objects.exclude(pk=self.instance.pk).values("user_id")
        self.fields["user"].queryset = get_user_model().objects.exclude(pk__in=taken).order_by("username")
