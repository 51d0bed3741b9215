"""Pages in the public search index (cases/searchindex): a live page without a view
restriction on it or above it has an entry with its own search text
(`search_bigrams`); any other page has none.

Kept in step from Wagtail's signals (connected in cms/signals.py): publishing,
unpublishing, moving and deleting a page, and adding or removing a view restriction
(which changes what anonymous visitors may see of a whole subtree). The entry is
derived data of the page, like Wagtail's own search index, which Wagtail keeps from
the same signals. `rebuild_pages()` starts over (`manage.py search_index --rebuild`).
"""

from __future__ import annotations

from wagtail.models import Page, PageViewRestriction

from cases.models import SearchEntry
from cases.searchindex import KIND_NUMBERS, Entry, replace
from cms.models import BigramSearchMixin, NewsPage, TypicalCasePage

PAGE_KINDS = ("news", "typical", "pages")


def page_kind(page) -> str:
    if isinstance(page, NewsPage):
        return "news"
    return "typical" if isinstance(page, TypicalCasePage) else "pages"


def _restricted_paths() -> list[str]:
    return list(PageViewRestriction.objects.values_list("page__path", flat=True))


def _entry(page, restricted: list[str]) -> Entry | None:
    public = page.live and not any(page.path.startswith(path) for path in restricted)
    if not public or not isinstance(page, BigramSearchMixin) or not page.search_bigrams:
        return None
    # The stored bigrams are indexed as they are (index_text of bigrams is itself).
    return Entry(page_kind(page), page.pk, page.first_published_at, page.search_bigrams, page.path)


def sync_pages(pages) -> int:
    """Re-derive the entries of these pages (any Page queryset or list)."""
    restricted, by_kind = _restricted_paths(), {kind: ([], []) for kind in PAGE_KINDS}
    for page in pages:
        page = page.specific_deferred if type(page) is Page else page
        entry = _entry(page, restricted)
        for kind in PAGE_KINDS:  # a page's kind never changes, but its old entry may be anywhere
            by_kind[kind][0].append(page.pk)
        if entry:
            by_kind[entry.kind][1].append(entry)
    return sum(replace(kind, ids, entries) for kind, (ids, entries) in by_kind.items())


def sync_subtree(page) -> int:
    return sync_pages(Page.objects.descendant_of(page, inclusive=True).specific().iterator(chunk_size=500))


def drop_pages(page_ids) -> None:
    SearchEntry.objects.filter(kind__in=[KIND_NUMBERS[k] for k in PAGE_KINDS], object_id__in=list(page_ids)).delete()


def rebuild_pages() -> int:
    SearchEntry.objects.filter(kind__in=[KIND_NUMBERS[k] for k in PAGE_KINDS]).delete()
    return sync_pages(Page.objects.live().specific().iterator(chunk_size=500))


def on_page_changed(sender, instance, **kwargs):
    sync_pages([instance.specific])


def on_page_moved(sender, instance, **kwargs):
    sync_subtree(instance)


def on_page_deleted(sender, instance, **kwargs):
    drop_pages([instance.pk])


def on_restriction_changed(sender, instance, **kwargs):
    page = Page.objects.filter(pk=instance.page_id).first()
    if page is not None:
        sync_subtree(page)
