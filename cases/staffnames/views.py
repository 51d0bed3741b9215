"""Wagtail's user screens and account page, with the one-field name (forms.py)."""

from __future__ import annotations

from wagtail.admin.views.account import AccountView, NameEmailSettingsPanel
from wagtail.users.views.users import UserViewSet

from .forms import FullNameEmailForm, StaffUserCreationForm, StaffUserEditForm


class StaffUserViewSet(UserViewSet):
    create_template_name = "staffnames/users/create.html"
    edit_template_name = "staffnames/users/edit.html"

    def get_form_class(self, for_update=False):
        return StaffUserEditForm if for_update else StaffUserCreationForm


class FullNameSettingsPanel(NameEmailSettingsPanel):
    form_class = FullNameEmailForm


class StaffAccountView(AccountView):
    """Wagtail builds its account panels in a list with no setting to swap one: replace the
    name panel by ours (same name, so the same form prefix and position)."""

    def get_panels(self):
        return [FullNameSettingsPanel(panel.request, panel.user, panel.profile)
                if isinstance(panel, NameEmailSettingsPanel) else panel
                for panel in super().get_panels()]
