"""The per-kind counts of the site search, checked against the rows (used by the
cross-page figure test, tests/cms/test_figures_agree.py).

Each expected count is taken from the tables themselves, not from the search index:
public cases by their public text (or exactly by reference / original code), live
unrestricted pages by their own stored search text, tasks and batches by their text,
each with the matching rule docs/public-site.md gives for that kind."""

import re
import unicodedata
from urllib.parse import urlencode

from django.utils import translation
from wagtail.models import Page, Site

from cases.models import Case, CaseState, RectificationTask, ReferralBatch
from cms.bigrams import tokens
from cms.models import NewsPage, TypicalCasePage
from cms.search.query import parse

KIND_COUNT = re.compile(r'<li data-kind="(\w+)">.*?<span class="kind-count">(\d+)</span>', re.S)


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").lower()


def _every_term_in(text: str, terms) -> bool:
    return all(term in _fold(text) for term in terms)


def _every_term_a_token(text: str, terms) -> bool:
    return set(terms) <= set(tokens(text))


def expected_counts(raw: str) -> dict[str, int]:
    query = parse(raw)
    terms, ids = query.terms, set(query.identifiers)
    counts = dict.fromkeys(["news", "typical", "tasks", "cases", "batches", "pages"], 0)
    by_text = bool(terms) and not query.only_identifiers
    for case in (Case.objects.filter(is_public=True).exclude(state=CaseState.MERGED)
                 .select_related("category", "township")):
        text = "\n".join([case.public_summary, case.category.name, case.category.name_en,
                          case.township.name if case.township else ""])
        if case.reference in ids or case.original_code in ids or (by_text and _every_term_a_token(text, terms)):
            counts["cases"] += 1
    for task in RectificationTask.objects.select_related("lead_department"):
        text = "\n".join([f"{task.number}. {task.title}", task.problem, task.target, task.measures,
                          task.responsible_leader, task.lead_department.name])
        counts["tasks"] += bool(terms) and _every_term_in(text, terms)
    coded = set(Case.objects.filter(original_code__in=ids, batch__isnull=False).exclude(state=CaseState.MERGED)
                .values_list("batch_id", flat=True))
    for batch in ReferralBatch.objects.all():
        with translation.override("zh-hans"):
            name = f"{batch.title} {batch}"
        counts["batches"] += batch.pk in coded or (bool(terms) and _every_term_in(name, terms))
    root = Site.objects.get(is_default_site=True).root_page
    for page in Page.objects.live().public().descendant_of(root, inclusive=True).specific():
        stored = getattr(page, "search_bigrams", "")
        if terms and set(terms) <= set(stored.split()):
            kind = "news" if isinstance(page, NewsPage) else "typical" if isinstance(page, TypicalCasePage) else "pages"
            counts[kind] += 1
    return counts


def shown_counts(client, raw: str) -> dict[str, int]:
    response = client.get("/search/?" + urlencode({"q": raw}))
    assert response.status_code == 200, raw
    return {kind: int(n) for kind, n in KIND_COUNT.findall(response.content.decode())}


def sample_queries() -> list[str]:
    """A few queries from the data itself: words of a public summary, a category, a
    township, a task title, a batch, a reference and an original code."""
    case = Case.objects.filter(is_public=True).exclude(public_summary="").order_by("pk").first()
    coded = Case.objects.exclude(original_code="").order_by("pk").first()
    task = RectificationTask.objects.order_by("number").first()
    queries = ["整改", "第3批", "污水"]
    if case:
        queries += [case.public_summary[:4], case.category.name, case.reference]
        if case.township:
            queries.append(case.township.name)
    if coded:
        queries.append(coded.original_code)
    if task:
        queries.append(task.title[:6])
    return list(dict.fromkeys(q for q in queries if q.strip()))


def check_search(client) -> int:
    """Every sample query: each kind's count on the search page equals the rows'."""
    checked = 0
    for raw in sample_queries():
        expected, shown = expected_counts(raw), shown_counts(client, raw)
        assert shown == expected, (raw, shown, expected)
        checked += len(shown)
    return checked
