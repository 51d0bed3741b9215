"""Site search over all public content, for Chinese text (docs/public-site.md).

One result list grouped by kind in a fixed order, with a count per kind and one
pagination over the whole list (or over one kind when the visitor picks it). Terms
are character bigrams (cms/bigrams.py): every term must occur; a reference number
or an original case code in the query is also matched exactly.
"""

from dataclasses import dataclass

from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.utils import translation
from django.utils.translation import gettext_lazy

from cms.caching import cached
from cms.models import BatchDisclosureIndexPage, PublicCaseIndexPage, TaskLedgerPage
from cms.search.query import MAX_QUERY, SearchQuery, parse
from cms.search.sources import (
    BatchSource,
    CaseSource,
    Indexed,
    PageSource,
    Result,
    TaskSource,
    exact_cases,
    exact_entries,
)

__all__ = ["KINDS", "MAX_QUERY", "Group", "Outcome", "SearchQuery", "parse", "site_search"]

PER_PAGE = 10
KINDS = {
    "news": gettext_lazy("Rectification news"),
    "typical": gettext_lazy("Typical cases"),
    "tasks": gettext_lazy("Rectification tasks"),
    "cases": gettext_lazy("Public cases"),
    "batches": gettext_lazy("Referral batches"),
    "pages": gettext_lazy("Other pages"),
}


@dataclass
class Group:
    kind: str
    label: str
    count: int
    results: list[Result]


@dataclass
class Outcome:
    query: SearchQuery
    kind: str
    counts: dict[str, int]
    total: int
    page_obj: PaginatorPage | None
    groups: list[Group]


SECTIONS = {"tasks": TaskLedgerPage, "cases": PublicCaseIndexPage, "batches": BatchDisclosureIndexPage}


def _section_urls(root) -> dict[str, str | None]:
    """The public page of each non-page kind under the site's root (None: the kind is
    not searched). Cached under the content version, which every publish, move,
    delete and view-restriction change bumps: three page-tree queries were half of a
    search's time."""
    def compute():
        found = {kind: model.objects.live().public().descendant_of(root, inclusive=True).first()
                 for kind, model in SECTIONS.items()}
        return {kind: page.url if page else None for kind, page in found.items()}

    if root is None:
        return dict.fromkeys(SECTIONS)
    return cached("search-sections", compute, root.pk, translation.get_language(), case_data=False)


def sources(query: SearchQuery, root) -> dict:
    urls = _section_urls(root)
    cases_url = urls["cases"]
    exact = exact_cases(query.identifiers) if cases_url else []
    indexed_kinds = ["news", "typical", "pages"] + (["cases"] if cases_url else [])
    indexed = Indexed(query, root, indexed_kinds, exclude=exact_entries(exact))
    return {
        "news": PageSource("news", indexed, query),
        "typical": PageSource("typical", indexed, query),
        "tasks": TaskSource(urls["tasks"], query),
        "cases": CaseSource(cases_url, query, exact, indexed),
        "batches": BatchSource(urls["batches"], query),
        "pages": PageSource("pages", indexed, query),
    }


def site_search(raw_query: str, *, root, kind: str = "", page: str | int | None = 1) -> Outcome:
    query = parse(raw_query)
    kind = kind if kind in KINDS else ""
    if not query or root is None:
        return Outcome(query, kind, dict.fromkeys(KINDS, 0), 0, None, [])
    found = sources(query, root)
    counts = {k: s.count() for k, s in found.items()}
    selected = [kind] if kind else list(KINDS)
    total = sum(counts[k] for k in selected)
    page_obj = Paginator(range(total), PER_PAGE).get_page(page)
    start, end = page_obj.start_index() - 1 if total else 0, page_obj.end_index() if total else 0
    groups, offset = [], 0
    for name in selected:
        lo, hi = max(start, offset), min(end, offset + counts[name])
        if lo < hi:
            groups.append(Group(name, str(KINDS[name]), counts[name], found[name].fetch(lo - offset, hi - lo)))
        offset += counts[name]
    return Outcome(query, kind, counts, total, page_obj, groups)


