"""Wagtail admin registration for the cases app.

The "Configuration" menu holds the reference data administrators keep (PRODUCT §3).
Case and its related models are deliberately not registered here: the department
workbench scopes them by role and department and is built separately.
"""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.permissions import register_permission_policy

from cases.admin_views import programme, reference
from cases.api import admin_views as _open311_key_screens  # noqa: F401  registers the key-issuing URLs
from cases.models import (
    ActionItem,
    ApiClient,
    Category,
    DeadlinePolicy,
    DeadlineSetting,
    Department,
    JointMeeting,
    MilestoneTemplate,
    ReferralBatch,
    RoutingRule,
    StaffProfile,
    Township,
    WorkCalendarDay,
    WorkCalendarYear,
)
from cases.permissions import AdministratorOnlyPolicy

# Policies must be registered before any view asks for one, or Wagtail falls
# back to Django model permissions for the model.
ADMINISTRATOR_MODELS = {
    Department: None, Township: None, Category: None, RoutingRule: None, DeadlinePolicy: None,
    DeadlineSetting: None, WorkCalendarYear: None, WorkCalendarDay: None, StaffProfile: None,
    MilestoneTemplate: None,
    # Records: created here (through the service) and corrected, never deleted.
    JointMeeting: {"add", "change"},
    # Created by the import, by key issuing, by the meeting service; never added or deleted by hand.
    ReferralBatch: {"change"},
    ApiClient: {"change"},
    ActionItem: {"change"},
}
for _model, _actions in ADMINISTRATOR_MODELS.items():
    register_permission_policy(_model, AdministratorOnlyPolicy(_model, actions=_actions), exact_class=True)


class ConfigurationGroup(ViewSetGroup):
    menu_label = _("Configuration")
    menu_name = "configuration"
    menu_icon = "cogs"
    menu_order = 8000
    items = (
        reference.DepartmentViewSet("departments"),
        reference.TownshipViewSet("townships"),
        reference.CategoryViewSet("categories"),
        reference.RoutingRuleViewSet("routing_rules"),
        reference.DeadlinePolicyViewSet("deadline_policies"),
        reference.DeadlineSettingViewSet("deadline_settings"),
        reference.WorkCalendarYearViewSet("calendar_years"),
        reference.WorkCalendarDayViewSet("calendar_days"),
        programme.ReferralBatchViewSet("referral_batches"),
        programme.MilestoneTemplateViewSet("milestone_templates"),
        programme.JointMeetingViewSet("joint_meetings"),
        programme.ActionItemViewSet("action_items"),
        reference.StaffProfileViewSet("staff_profiles"),
        reference.ApiClientViewSet("api_clients"),
    )


@hooks.register("register_admin_viewset")
def register_configuration():
    return ConfigurationGroup()
