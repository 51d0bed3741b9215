"""Shared pieces of the workbench views: who may use them, scoped case lookup."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views import View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from cases import roles
from cases.access import visible_cases
from cases.models import Case

#: Roles that work with cases. Editors and administrators (without one of these
#: roles) have no business in case views: they get 403 on lists, 404 on objects.
WORKBENCH_ROLES = (roles.INTAKE, roles.HANDLER, roles.HEAD, roles.SUPERVISOR, roles.OFFICE)
REPORT_ROLES = (roles.INTAKE, roles.SUPERVISOR, roles.OFFICE)

CASE_LIST_CRUMB = {"url": reverse_lazy("workbench:list"), "label": _("Cases")}
HOME_CRUMB = {"url": reverse_lazy("wagtailadmin_home"), "label": _("Home")}


def is_workbench_user(user) -> bool:
    return roles.has_role(user, *WORKBENCH_ROLES)


def forbidden(request, message=None):
    """An explicit 403 page (Wagtail would turn PermissionDenied into a redirect)."""
    return TemplateResponse(request, "workbench/forbidden.html",
                            {"message": message or _("You do not have access to this page.")}, status=403)


def get_case_or_404(user, pk, queryset=None) -> Case:
    """The one way workbench views load a case: through visible_cases, so a case
    outside the user's scope does not exist for them (404, never 403)."""
    base = queryset if queryset is not None else Case.objects.all()
    return get_object_or_404(visible_cases(user, base), pk=pk)


class WorkbenchView(WagtailAdminTemplateMixin, View):
    """Base for workbench pages: role gate first, then the view."""

    required_roles: tuple[str, ...] = WORKBENCH_ROLES
    #: Views of one object answer 404, not 403, to users outside the role.
    object_view = False
    breadcrumbs_items = [HOME_CRUMB]

    def dispatch(self, request, *args, **kwargs):
        if not roles.has_role(request.user, *self.required_roles):
            if self.object_view or "pk" in kwargs:
                raise Http404  # object URLs: nothing is there for this user
            return forbidden(request)
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def render(self, context: dict, status: int = 200):
        return self.render_to_response(self.get_context_data(**context), status=status)
