"""Admin hooks of the public site: the "draft a typical case" view and its case chooser."""

from django.urls import path
from wagtail import hooks

from cms.admin_views import draft_typical_case_view
from cms.choosers import case_chooser_viewset


@hooks.register("register_admin_urls")
def register_draft_typical_case_url():
    return [path("cms/draft-typical-case/", draft_typical_case_view, name="cms_draft_typical_case")]


@hooks.register("register_admin_viewset")
def register_case_chooser():
    return case_chooser_viewset
