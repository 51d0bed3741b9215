"""Publishing, moving or deleting a page invalidates the cached public views and
pages (cms/caching.py, cms/pagecache.py) and re-derives its search entries
(cms/search/index.py)."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move

from cms.caching import bump_content_version
from cms.search import index


def _bump(sender, **kwargs):
    # Now, and again after the commit: a request served in between still read the old
    # rows and stored them under the first new version.
    bump_content_version()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(bump_content_version, robust=True)


def connect() -> None:
    page_published.connect(_bump, dispatch_uid="cms-bump-on-publish")
    page_unpublished.connect(_bump, dispatch_uid="cms-bump-on-unpublish")
    post_page_move.connect(_bump, dispatch_uid="cms-bump-on-move")
    post_delete.connect(_bump, sender=Page, dispatch_uid="cms-bump-on-delete")
    # Making a page private (or public again) changes what anonymous visitors may see.
    post_save.connect(_bump, sender=PageViewRestriction, dispatch_uid="cms-bump-on-restriction")
    post_delete.connect(_bump, sender=PageViewRestriction, dispatch_uid="cms-bump-on-restriction-delete")
    page_published.connect(index.on_page_changed, dispatch_uid="cms-search-on-publish")
    page_unpublished.connect(index.on_page_changed, dispatch_uid="cms-search-on-unpublish")
    post_page_move.connect(index.on_page_moved, dispatch_uid="cms-search-on-move")
    post_delete.connect(index.on_page_deleted, sender=Page, dispatch_uid="cms-search-on-delete")
    post_save.connect(index.on_restriction_changed, sender=PageViewRestriction, dispatch_uid="cms-search-restrict")
    post_delete.connect(index.on_restriction_changed, sender=PageViewRestriction,
                        dispatch_uid="cms-search-unrestrict")
