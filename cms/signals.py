"""Publishing a page invalidates the cached public views (cms/caching.py)."""

from wagtail.signals import page_published, page_unpublished

from cms.caching import bump_content_version


def _bump(sender, **kwargs):
    bump_content_version()


def connect() -> None:
    page_published.connect(_bump, dispatch_uid="cms-bump-on-publish")
    page_unpublished.connect(_bump, dispatch_uid="cms-bump-on-unpublish")
