"""The public pages the benchmarks render (call after django.setup()).

One URL per kind of public page: home, news index, a news page, the typical cases,
a typical case, the task ledger with its wall chart, the progress dashboard, the
referral-batch disclosure index and one batch table, the public case list (page 1
and a filtered page 2) and the site search. Pages made by bench/seed_volume.py
(slugs ``bench-…``) are not picked, so the same demo pages are measured every run.
"""

from __future__ import annotations

from urllib.parse import quote

PAGE_MODELS = [  # (label, page model)
    ("home", "cms.HomePage"),
    ("news index", "cms.NewsIndexPage"),
    ("news page", "cms.NewsPage"),
    ("typical cases", "cms.TypicalCaseIndexPage"),
    ("typical case", "cms.TypicalCasePage"),
    ("task ledger + wall chart", "cms.TaskLedgerPage"),
    ("progress dashboard", "cms.ProgressDashboardPage"),
    ("batch disclosure index", "cms.BatchDisclosureIndexPage"),
    ("public case list, page 1", "cms.PublicCaseIndexPage"),
]
# Pages whose cache hit is measured too (target: ≥ 0.5× the bare view).
HIT_PAGES = ("home", "task ledger + wall chart", "public case list, page 1")


def _first_page(model_name: str):
    from django.apps import apps

    try:
        model = apps.get_model(model_name)
    except LookupError:
        return None
    return model.objects.live().public().exclude(slug__startswith="bench-").order_by("path").first()


def public_page_urls() -> dict[str, str | None]:
    """label → URL (None when the demo has no such page)."""
    urls: dict[str, str | None] = {}
    for label, model_name in PAGE_MODELS:
        page = _first_page(model_name)
        urls[label] = page.get_url() if page else None
    batches = _first_page("cms.BatchDisclosureIndexPage")
    urls["batch table"] = _batch_url(batches) if batches else None
    cases = urls.get("public case list, page 1")
    urls["public case list, filtered, page 2"] = f"{cases}?{_case_filter()}&page=2" if cases else None
    urls["search"] = "/search/?q=" + quote("污水")
    return urls


def _batch_url(index_page) -> str | None:
    from cms.disclosure import batches, source_slug

    batch = batches().first()
    if batch is None:
        return None
    return index_page.get_url() + index_page.reverse_subpage("batch", args=[source_slug(batch), batch.number])


def _case_filter() -> str:
    """The most common public filter: one category, closed cases."""
    from cases.models import Case

    code = (Case.objects.public().values_list("category__code", flat=True).order_by("category__code").first()
            or "")
    return f"category={quote(code)}&state=closed"


def render_url(url: str, n: int | str = 0) -> str:
    """The same page with a parameter the page cache serves but never stores."""
    return f"{url}{'&' if '?' in url else '?'}_r={n}"
