"""/search/?q=&kind=&page= : the site search over all public content (cms/search).

The results block is a fragment (cms/fragments.py): read back as HTML for a query,
kind and page asked before under the same freshness keys (content version, case-data
token, public-data version), so a repeated search runs no search query at all; a
new one costs what bench/search_bench.py measures. The key holds the cleaned query
(at most ``MAX_QUERY`` characters, hashed), the kind and the page; the cache's
timeout and eviction bound how many are kept.
"""

from urllib.parse import urlencode

from django.shortcuts import render
from wagtail.models import Site

from cms import fragments, routecache
from cms.caching import UNAVAILABLE
from cms.fragments import deferred
from cms.search import KINDS, parse, site_search


def _results(request, raw_query: str, kind: str, page) -> dict:
    site = Site.find_for_request(request)
    outcome = site_search(raw_query, root=site.root_page if site else None, kind=kind, page=page)
    query = outcome.query.text
    kinds = [{"kind": k, "label": label, "count": outcome.counts[k],
              "query": urlencode({"q": query, "kind": k})} for k, label in KINDS.items()]
    return {"outcome": outcome, "kinds": kinds, "page_obj": outcome.page_obj,
            "total": sum(outcome.counts.values())}


def search(request):
    # The site (for the menu and the results' root) from this process's memory when a
    # request for this host found it before under the same content version.
    version = fragments.content_version_of(request)
    cacheable = version != UNAVAILABLE
    if not (cacheable and routecache.seed_site(request, version)):
        site = Site.find_for_request(request)
        if cacheable:
            routecache.remember_site(request, version, site)
    query = parse(request.GET.get("q", ""))
    kind = request.GET.get("kind", "")
    kind = kind if kind in KINDS else ""
    extra = urlencode({"q": query.text, **({"kind": kind} if kind else {})})
    return render(request, "cms/search.html", {
        "query": query.text, "searched": bool(query), "kind": kind, "all_query": urlencode({"q": query.text}),
        "extra_query": extra,  # the fragment's key holds the host: one site's results
        **deferred(_results, request, request.GET.get("q", ""), kind, request.GET.get("page")),
    })
