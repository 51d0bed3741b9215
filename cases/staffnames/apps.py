"""Replaces ``wagtail.users`` in INSTALLED_APPS so Wagtail registers our user viewset
(Wagtail's documented way to customise the user forms)."""

from wagtail.users.apps import WagtailUsersAppConfig


class StaffUsersAppConfig(WagtailUsersAppConfig):
    user_viewset = "cases.staffnames.views.StaffUserViewSet"
