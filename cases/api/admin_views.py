"""Wagtail admin screens to issue and rotate Open311 API keys (shown once).

Not yet wired in: the ApiClient listing lives in cases/admin_views/reference.py
and its hooks in cases/wagtail_hooks.py. To enable, add to cases/wagtail_hooks.py::

    from cases.api import admin_views  # noqa: F401  (registers the admin URLs below)

and, for buttons, give ApiClientViewSet a header button to
`reverse("open311_client_new")` and a row action to
`reverse("open311_client_rotate", args=[pk])`. Disabling stays in the viewset's
edit form (ApiClient.is_active).
"""

import re

from django import forms
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView
from wagtail import hooks
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from cases.models import ApiClient
from cases.permissions import is_administrator

from . import keys

RATE = re.compile(r"^\d+/\d*[smhd]$")


class ApiClientForm(forms.ModelForm):
    class Meta:
        model = ApiClient
        fields = ["name", "contact", "rate_limit"]

    def clean_rate_limit(self):
        rate = self.cleaned_data["rate_limit"].strip()
        if not RATE.match(rate):
            raise forms.ValidationError(_('Write the limit as count/period, e.g. "60/m" (s, m, h or d).'))
        return rate


class AdministratorOnly:
    def dispatch(self, request, *args, **kwargs):
        if not is_administrator(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def key_issued(request, client: ApiClient, key: str) -> TemplateResponse:
    response = TemplateResponse(request, "open311/admin/key_issued.html", {
        "client": client, "key": key, "page_title": _("API key issued"), "header_icon": "key",
        "header_title": _("API key issued"),
        "endpoint": request.build_absolute_uri(reverse("open311-discovery", kwargs={"fmt": "xml"})),
    })
    response["Cache-Control"] = "no-store"  # the key must not linger in a cache
    return response


class IssueKeyView(AdministratorOnly, WagtailAdminTemplateMixin, FormView):
    template_name = "open311/admin/issue_key.html"
    form_class = ApiClientForm
    page_title = _("New API client")
    header_icon = "key"

    def form_valid(self, form):
        client, key = keys.create_client(form.cleaned_data["name"], contact=form.cleaned_data["contact"],
                                         rate_limit=form.cleaned_data["rate_limit"])
        return key_issued(self.request, client, key)


class RotateKeyView(AdministratorOnly, WagtailAdminTemplateMixin, TemplateView):
    template_name = "open311/admin/rotate_key.html"
    page_title = _("Rotate API key")
    header_icon = "key"

    def get_context_data(self, **kwargs):
        return super().get_context_data(client=get_object_or_404(ApiClient, pk=self.kwargs["pk"]), **kwargs)

    def post(self, request, pk):
        client = get_object_or_404(ApiClient, pk=pk)
        return key_issued(request, client, keys.rotate_key(client))


urlpatterns = [
    path("open311-clients/new/", IssueKeyView.as_view(), name="open311_client_new"),
    path("open311-clients/<int:pk>/rotate/", RotateKeyView.as_view(), name="open311_client_rotate"),
]


@hooks.register("register_admin_urls")
def register_admin_urls():
    return urlpatterns
