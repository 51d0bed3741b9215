"""Publishing, moving or deleting a page invalidates the cached public views and
pages (cms/caching.py, cms/pagecache.py)."""

from django.db.models.signals import post_delete
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished, post_page_move

from cms.caching import bump_content_version


def _bump(sender, **kwargs):
    bump_content_version()


def connect() -> None:
    page_published.connect(_bump, dispatch_uid="cms-bump-on-publish")
    page_unpublished.connect(_bump, dispatch_uid="cms-bump-on-unpublish")
    post_page_move.connect(_bump, dispatch_uid="cms-bump-on-move")
    post_delete.connect(_bump, sender=Page, dispatch_uid="cms-bump-on-delete")
