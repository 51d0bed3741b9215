"""Reference data kept by administrators (docs/product.md §3): departments, townships,
categories, routing rules, deadline policies, the work calendar, staff, API clients."""

import django_filters
from django import forms
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel, FieldRowPanel, ObjectList
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.admin.views.generic import IndexView
from wagtail.admin.widgets.button import HeaderButton

from cases import roles
from cases.models import (
    ApiClient,
    Category,
    DeadlinePolicy,
    DeadlineSetting,
    Department,
    RoutingRule,
    StaffProfile,
    Township,
    WorkCalendarDay,
    WorkCalendarYear,
)
from cases.staffnames.forms import FULL_NAME
from cases.staffnames.names import display_name

from . import forms as admin_forms
from .base import AdministratorViewSet


class DepartmentViewSet(AdministratorViewSet):
    model = Department
    icon = "group"
    menu_label = _("Departments")
    sort_order_field = "sort_order"
    list_display = ["__str__", "short_name", "kind", BooleanColumn("is_active", label=pgettext_lazy("record", "active")),
                    BooleanColumn("head_approval_required", label=_("head approves results"))]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "short_name", "code"]
    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("short_name"), FieldPanel("code")]),
        FieldPanel("kind"),
        FieldRowPanel([FieldPanel("email"), FieldPanel("phone")]),
        FieldPanel("head_approval_required"),
        FieldPanel("is_active"),
    ]


def has_boundary(township: Township) -> bool:
    return bool(township.boundary)


class TownshipViewSet(AdministratorViewSet):
    model = Township
    icon = "site"
    menu_label = _("Townships")
    sort_order_field = "sort_order"
    # The township index follows every edit through the model signals (cases.apps).
    list_display = ["__str__", "code", "government", BooleanColumn("has_boundary", label=_("has boundary"),
                                                                  accessor=has_boundary)]
    list_select_related = ("government",)
    search_fields = ["name", "code"]
    edit_handler = ObjectList([
        FieldRowPanel([FieldPanel("name"), FieldPanel("code")]),
        FieldPanel("government"),
        FieldPanel("boundary"),
    ], base_form_class=admin_forms.TownshipForm)


class CategoryFilterSet(WagtailFilterSet):
    level = django_filters.ChoiceFilter(
        label=_("level"), method="filter_level",
        choices=[("top", _("Categories")), ("sub", _("Sub-types"))],
    )
    parent = django_filters.ModelChoiceFilter(
        label=_("parent category"), queryset=Category.objects.filter(parent__isnull=True),
    )

    class Meta:
        model = Category
        fields = ["is_active"]

    def filter_level(self, queryset, name, value):
        return queryset.filter(parent__isnull=(value == "top"))


class CategoryViewSet(AdministratorViewSet):
    model = Category
    icon = "tag"
    menu_label = _("Categories")
    sort_order_field = "sort_order"
    list_display = ["__str__", "code", "name_en", "parent", BooleanColumn("is_active", label=pgettext_lazy("record", "active"))]
    list_select_related = ("parent",)
    filterset_class = CategoryFilterSet
    search_fields = ["name", "name_en", "code", "keywords"]
    edit_handler = ObjectList([
        FieldRowPanel([FieldPanel("name"), FieldPanel("name_en"), FieldPanel("code")]),
        FieldPanel("parent", help_text=_("Leave empty for a category; choose one to make this a sub-type.")),
        FieldPanel("description"),
        FieldPanel("keywords"),
        FieldPanel("attributes"),
        FieldPanel("is_active"),
    ], base_form_class=admin_forms.CategoryForm)


class RoutingRuleViewSet(AdministratorViewSet):
    model = RoutingRule
    icon = "redirect"
    menu_label = _("Routing rules")
    list_display = ["__str__", "category", "township", "department", BooleanColumn("is_active", label=pgettext_lazy("record", "active"))]
    list_select_related = ("category__parent", "township", "department")
    list_filter = ["department", "category", "township", "is_active"]
    search_fields = ["note", "department__name", "category__name", "township__name"]
    edit_handler = ObjectList([
        FieldRowPanel([FieldPanel("category"), FieldPanel("township")],
                      help_text=_("The most specific active rule wins: category + township, then "
                                  "category, then township.")),
        FieldPanel("department"),
        FieldPanel("co_departments", widget=forms.CheckboxSelectMultiple),
        FieldPanel("note"),
        FieldPanel("is_active"),
    ], base_form_class=admin_forms.RoutingRuleForm)


class DeadlinePolicyViewSet(AdministratorViewSet):
    model = DeadlinePolicy
    icon = "time"
    menu_label = _("Deadline policies")
    list_display = ["__str__", "source", "category", "warn_before", "escalate_after", "statutory_limit_days"]
    list_select_related = ("category__parent",)
    list_filter = ["clock", "unit"]
    edit_handler = ObjectList([
        FieldRowPanel([FieldPanel("clock"), FieldPanel("source"), FieldPanel("category")]),
        FieldRowPanel([FieldPanel("amount"), FieldPanel("unit")]),
        FieldRowPanel([FieldPanel("warn_before"), FieldPanel("escalate_after")]),
        FieldPanel("statutory_limit_days"),
    ], base_form_class=admin_forms.DeadlinePolicyForm)


class DeadlineSettingViewSet(AdministratorViewSet):
    model = DeadlineSetting
    icon = "sliders"
    menu_label = _("Deadline settings")
    list_display = ["__str__", "extension_max_days", "satisfaction_days", "review_days",
                    "handling_statutory_days"]
    edit_handler = ObjectList([
        FieldPanel("extension_max_days"),
        FieldPanel("satisfaction_days"),
        FieldPanel("review_days"),
        FieldPanel("handling_statutory_days"),
    ], base_form_class=admin_forms.DeadlineSettingForm)


class WorkCalendarYearViewSet(AdministratorViewSet):
    model = WorkCalendarYear
    icon = "calendar"
    menu_label = _("Calendar years")
    list_display = ["__str__", "source", BooleanColumn("is_provisional", label=_("provisional")), "entered_at"]
    ordering = ["-year"]
    panels = [
        FieldPanel("year"),
        FieldPanel("source"),
        FieldPanel("is_provisional", help_text=_(
            "Statutory holidays only, before the State Council publishes the year's schedule. "
            "Untick once every day off and make-up working day of the year is entered.")),
    ]


class WorkCalendarDayFilterSet(WagtailFilterSet):
    year = django_filters.NumberFilter(label=_("year"), field_name="date", lookup_expr="year")

    class Meta:
        model = WorkCalendarDay
        fields = ["kind"]


class WorkCalendarDayViewSet(AdministratorViewSet):
    model = WorkCalendarDay
    icon = "date"
    menu_label = _("Calendar days")
    list_display = ["__str__", "date", "kind", "name"]
    filterset_class = WorkCalendarDayFilterSet
    search_fields = ["name"]
    list_per_page = 100
    edit_handler = ObjectList([
        FieldPanel("date"),
        FieldPanel("kind"),
        FieldPanel("name"),
    ], base_form_class=admin_forms.WorkCalendarDayForm)


def staff_name(profile: StaffProfile) -> str:
    return display_name(profile.user)


def staff_roles(profile: StaffProfile) -> str:
    names = [group.name for group in profile.user.groups.all()]  # prefetched by the listing
    return ", ".join(str(roles.ROLE_LABELS.get(n, n)) for n in names)


class StaffProfileViewSet(AdministratorViewSet):
    model = StaffProfile
    icon = "user"
    menu_label = _("Staff profiles")
    list_display = ["__str__", Column("full_name", label=FULL_NAME, accessor=staff_name), "department", "phone",
                    Column("roles", label=_("roles"), accessor=staff_roles)]
    list_export = ["user.username", "user.get_full_name", "department", "phone"]
    export_headings = {"user.username": pgettext_lazy("staff user", "Username"), "user.get_full_name": FULL_NAME}
    list_select_related = ("user", "department")
    list_prefetch_related = ("user__groups",)
    list_filter = ["department"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "department__name", "phone"]
    edit_handler = ObjectList([
        FieldPanel("user", help_text=_("Roles are given by the user's groups (Settings → Users).")),
        FieldPanel("department"),
        FieldPanel("phone"),
    ], base_form_class=admin_forms.StaffProfileForm)


class ApiClientIndexView(IndexView):
    """Adds the key screens of cases/api/admin_views.py: a key is shown once, so it is
    issued and rotated there, never typed into a form."""

    @cached_property
    def header_buttons(self):
        issue = HeaderButton(_("Issue a new key"), url=reverse("open311_client_new"), icon_name="key")
        return [*super().header_buttons, issue]

    def get_list_more_buttons(self, instance):
        rotate = MenuItem(_("Rotate key"), url=reverse("open311_client_rotate", args=[instance.pk]),
                          icon_name="rotate", priority=15)
        return [*super().get_list_more_buttons(instance), rotate]


class ApiClientViewSet(AdministratorViewSet):
    """Listing and disabling here; issuing and rotating keys on the key screens."""

    model = ApiClient
    icon = "key"
    index_view_class = ApiClientIndexView
    menu_label = _("API clients")
    list_display = ["__str__", "key_prefix", BooleanColumn("is_active", label=pgettext_lazy("record", "active")), "rate_limit",
                    "contact", "created_at", "rotated_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "contact", "key_prefix"]
    panels = [FieldPanel("is_active", help_text=_("Untick to refuse every request made with this key."))]
