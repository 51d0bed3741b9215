"""/search/?q= : Chinese-capable site search over pages and public cases."""

from urllib.parse import quote

from django.core.paginator import Paginator
from django.shortcuts import render
from wagtail.models import Site

from cms.search import MAX_QUERY, search_cases, search_pages

PER_PAGE = 10


def search(request):
    query = request.GET.get("q", "").strip()[:MAX_QUERY]
    site = Site.find_for_request(request)
    page_obj = cases = None
    if query:
        pages = search_pages(query, root=site.root_page if site else None)
        page_obj = Paginator(pages, PER_PAGE).get_page(request.GET.get("page"))
        cases = search_cases(query)
    return render(request, "cms/search.html", {"query": query, "query_encoded": quote(query), "page_obj": page_obj,
                                               "cases": cases})
