"""Wagtail hooks of the workbench; imported by CasesConfig.ready()."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem

from cases import roles
from cases.operations import urls as operations_urls
from cases.programme.access import PROGRAMME_ROLES
from cases.programme.dashboard import panels_for
from cases.workbench import urls
from cases.workbench.base import REPORT_ROLES, WORKBENCH_ROLES, is_workbench_user
from cases.workbench.panels import CaseCountsPanel, EscalationsPanel, OrdersPanel


@hooks.register("register_admin_urls")
def register_urls():
    return [
        path("cases/", include((urls.urlpatterns, "workbench"), namespace="workbench")),
        path("otp/", include((urls.otp_urlpatterns, "workbench_otp"), namespace="workbench_otp")),
        path("operations/", include((operations_urls.urlpatterns, "operations"), namespace="operations")),
    ]


class RoleMenuItem(MenuItem):
    def __init__(self, label, url_name, roles_allowed, **kwargs):
        self.url_name, self.roles_allowed = url_name, roles_allowed
        super().__init__(label, "", **kwargs)

    def is_shown(self, request):
        return roles.has_role(request.user, *self.roles_allowed)

    def render_component(self, request):
        self.url = reverse(self.url_name)  # reversed late: URLs are not loaded at import
        return super().render_component(request)


def _items():
    return [
        RoleMenuItem(_("Case list"), "workbench:list", WORKBENCH_ROLES, icon_name="list-ul", order=100),
        RoleMenuItem(_("New case (phone, letter, visit)"), "workbench:new", (roles.INTAKE,), icon_name="plus",
                     order=200),
        RoleMenuItem(_("Referral batch import"), "workbench:import", (roles.INTAKE,), icon_name="upload",
                     order=300),
        RoleMenuItem(_("Department scorecard"), "workbench:scorecard", REPORT_ROLES, icon_name="table",
                     order=400),
        RoleMenuItem(_("Rectification tasks"), "workbench:tasks", PROGRAMME_ROLES, icon_name="tasks", order=500),
        RoleMenuItem(_("Joint meetings"), "workbench:meetings", WORKBENCH_ROLES, icon_name="group", order=600),
        RoleMenuItem(_("Supervision orders"), "workbench:orders", WORKBENCH_ROLES, icon_name="warning", order=700),
        RoleMenuItem(_("Accountability records"), "workbench:accountability", WORKBENCH_ROLES, icon_name="user",
                     order=710),
        RoleMenuItem(_("Spot checks"), "workbench:spot_checks", (*roles.SUPERVISION_ROLES, roles.INTAKE),
                     icon_name="search", order=720),
        RoleMenuItem(_("Progress reports"), "workbench:snapshots", (roles.OFFICE, roles.SUPERVISOR),
                     icon_name="doc-full", order=730),
    ]


@hooks.register("register_admin_menu_item")
def register_menu():
    return SubmenuMenuItem(_("Cases"), Menu(items=_items()), name="cases", icon_name="clipboard-list", order=150)


def _operations_items():
    admin = (roles.ADMINISTRATOR,)
    return [
        RoleMenuItem(pgettext_lazy("operations", "Second factor"), "operations:second_factor", admin,
                     icon_name="key", order=100),
        RoleMenuItem(pgettext_lazy("operations", "Sign-in lockouts"), "operations:lockouts", admin,
                     icon_name="lock", order=200),
        RoleMenuItem(pgettext_lazy("operations", "Failed tasks and messages"), "operations:failures", admin,
                     icon_name="warning", order=300),
        RoleMenuItem(pgettext_lazy("operations", "Reporter identity access log"), "operations:identity_log",
                     admin, icon_name="view", order=400),
        RoleMenuItem(pgettext_lazy("operations", "Operator log"), "operations:log", admin, icon_name="history",
                     order=500),
    ]


@hooks.register("register_admin_menu_item")
def register_operations_menu():
    # Administrators only (the items' role check); Wagtail hides a submenu with no item shown.
    return SubmenuMenuItem(pgettext_lazy("menu", "Operations"), Menu(items=_operations_items()),
                           name="operations", icon_name="tasks", order=9000)


@hooks.register("register_account_menu_item")
def two_factor_account_items(request):
    return {"url": reverse("workbench_otp:setup"), "label": _("Two-factor sign-in: set up a new phone"),
            "help_text": _("Replace the authenticator app, e.g. on a new phone.")}


@hooks.register("register_account_menu_item")
def recovery_codes_account_item(request):
    return {"url": reverse("workbench_otp:codes"), "label": _("Recovery codes"),
            "help_text": _("See how many are left or make a new set.")}


@hooks.register("construct_homepage_panels")
def add_panels(request, panels):
    if is_workbench_user(request.user):
        panels.extend([CaseCountsPanel(request.user), EscalationsPanel(request.user)])
    if roles.has_role(request.user, *WORKBENCH_ROLES):
        panels.append(OrdersPanel(request.user))
    panels.extend(panels_for(request.user))
