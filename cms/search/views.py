"""/search/?q=&kind=&page= : the site search over all public content (cms/search)."""

from urllib.parse import urlencode

from django.shortcuts import render
from wagtail.models import Site

from cms.search import KINDS, site_search


def search(request):
    site = Site.find_for_request(request)
    outcome = site_search(request.GET.get("q", ""), root=site.root_page if site else None,
                          kind=request.GET.get("kind", ""), page=request.GET.get("page"))
    query = outcome.query.text
    kinds = [{"kind": k, "label": label, "count": outcome.counts[k],
              "query": urlencode({"q": query, "kind": k})} for k, label in KINDS.items()]
    extra = urlencode({"q": query, **({"kind": outcome.kind} if outcome.kind else {})})
    return render(request, "cms/search.html", {
        "query": query, "outcome": outcome, "kinds": kinds, "all_query": urlencode({"q": query}),
        "extra_query": extra, "page_obj": outcome.page_obj, "total": sum(outcome.counts.values()),
    })
