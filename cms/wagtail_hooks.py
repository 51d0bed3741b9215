"""Admin hooks of the public site: the "draft a typical case" view."""

from django.urls import path
from wagtail import hooks

from cms.admin_views import draft_typical_case_view


@hooks.register("register_admin_urls")
def register_draft_typical_case_url():
    return [path("cms/draft-typical-case/", draft_typical_case_view, name="cms_draft_typical_case")]
