"""What the site search looks in, one source per kind of public content.

Each source counts its matches and fetches a slice of them, newest or first first,
and shows only what the public pages show:

* news, typical cases, other pages: live pages the public may see (no view
  restriction) under the site's root, through Wagtail's search over the bigram field
  (every term required);
* tasks: every task of the ledger (all public), by number, title, problem, target,
  measures, responsible leader and lead unit;
* cases: only the cases an intake officer made public, by public summary, category
  and township, or exactly by reference or original case code —
  never the citizen's description, internal findings, address or reporter identity;
* batches: by their name (第N批, source, title) or an original code in their public
  disclosure table.
"""

from dataclasses import dataclass, field
from functools import reduce
from operator import and_

from django.db.models import Q
from django.utils import translation
from django.utils.safestring import SafeString
from wagtail.models import Page

from cases.models import Case, CaseState, Category, RectificationTask, ReferralBatch, Township
from cms.disclosure import source_slug
from cms.public_cases import PUBLIC_VALUES, record
from cms.search.highlight import _fold, excerpt
from cms.search.query import SearchQuery


@dataclass
class Result:
    kind: str
    title: SafeString
    url: str
    excerpt: SafeString
    meta: list[str] = field(default_factory=list)


def _contains_all(text: str, terms) -> bool:
    folded = _fold(text)
    return all(term in folded for term in terms)


class PageSource:
    def __init__(self, kind: str, pages, query: SearchQuery):
        # `pages` is a Page queryset (narrowed with type()/not_type()): searching the
        # subclass's own queryset made SQLite probe the match list per row (seconds at
        # 5,000 pages against ~0.1 s this way). Newest first: every result holds every
        # term already, and relevance scoring costs a correlated subquery per match.
        self.kind, self.query = kind, query
        self.results = (pages.order_by("-first_published_at", "-id").specific()
                        .search(" ".join(query.terms), operator="and", order_by_relevance=False)
                        if query.terms else Page.objects.none())

    def count(self) -> int:
        return self.results.count()

    def fetch(self, offset: int, limit: int) -> list[Result]:
        return [self._result(page) for page in self.results[offset:offset + limit]]

    def _result(self, page) -> Result:
        text = page.bigram_source_text() if hasattr(page, "bigram_source_text") else ""
        body = "\n".join(dict.fromkeys(line for line in text.splitlines() if line.strip() != page.title))
        day = getattr(page, "date", None) or (page.first_published_at.date() if page.first_published_at else None)
        return Result(self.kind, excerpt(page.title, self.query.terms), page.url,
                      excerpt(body, self.query.terms), [day.isoformat()] if day else [])


class TaskSource:
    kind = "tasks"

    def __init__(self, ledger_url: str | None, query: SearchQuery):
        self.ledger_url, self.query, self._matches = ledger_url, query, None

    def _text(self, task) -> str:
        return "\n".join([f"{task.number}. {task.title}", task.problem, task.target, task.measures,
                          task.responsible_leader, task.lead_department.name])

    def matches(self) -> list:
        if self._matches is None:
            tasks = RectificationTask.objects.select_related("lead_department").order_by("number")
            self._matches = ([t for t in tasks if _contains_all(self._text(t), self.query.terms)]
                             if self.ledger_url and self.query.terms else [])
        return self._matches

    def count(self) -> int:
        return len(self.matches())

    def fetch(self, offset: int, limit: int) -> list[Result]:
        terms = self.query.terms
        return [Result(self.kind, excerpt(f"{t.number}. {t.title}", terms), f"{self.ledger_url}task/{t.number}/",
                       excerpt("\n".join([t.problem, t.target, t.measures]), terms),
                       [t.lead_department.name, t.deadline.isoformat()])
                for t in self.matches()[offset:offset + limit]]


def _case_term(term: str) -> Q:
    # Categories and townships are small tables: their matches become id lists, so the
    # case query reads only the case table.
    categories = list(Category.objects.filter(Q(name__icontains=term) | Q(name_en__icontains=term))
                      .values_list("pk", flat=True))
    townships = list(Township.objects.filter(name__icontains=term).values_list("pk", flat=True))
    return Q(public_summary__icontains=term) | Q(category_id__in=categories) | Q(township_id__in=townships)


class CaseSource:
    kind = "cases"

    def __init__(self, cases_url: str | None, query: SearchQuery):
        self.cases_url, self.query = cases_url, query
        match = Q(pk__in=[])
        if query.identifiers:
            match |= Q(reference__in=query.identifiers) | Q(original_code__in=query.identifiers)
        # A query that is only identifiers is not also looked for in the summaries
        # (that would scan every public case for "hb2026" and "000123").
        if query.terms and not query.only_identifiers:
            match |= reduce(and_, map(_case_term, query.terms))
        self.cases = (Case.objects.public().filter(match).order_by("-received_at", "-pk")
                      if cases_url else Case.objects.none())

    def count(self) -> int:
        return self.cases.count()

    def fetch(self, offset: int, limit: int) -> list[Result]:
        terms = self.query.terms
        rows = [record(row) for row in self.cases.values(*PUBLIC_VALUES)[offset:offset + limit]]
        return [Result(self.kind, excerpt(f"{r['reference']} {r['category']}", terms + self.query.identifiers),
                       self.cases_url, excerpt(r["summary"] or "", terms),  # the reply is never public
                       [r["status"], r["township"], r["received"]]) for r in rows]


class BatchSource:
    kind = "batches"

    def __init__(self, index_url: str | None, query: SearchQuery):
        self.index_url, self.query, self._matches = index_url, query, None

    def _name(self, batch) -> str:
        with translation.override("zh-hans"):
            chinese = str(batch)
        return " ".join(dict.fromkeys([batch.title, chinese, str(batch)]))

    def matches(self) -> list:
        if self._matches is None:
            coded = set()
            if self.query.identifiers:
                coded = set(Case.objects.filter(original_code__in=self.query.identifiers, batch__isnull=False)
                            .exclude(state=CaseState.MERGED).values_list("batch_id", flat=True))
            batches = ReferralBatch.objects.order_by("source", "number") if self.index_url else []
            self._matches = [b for b in batches if b.pk in coded
                             or (self.query.terms and _contains_all(self._name(b), self.query.terms))]
        return self._matches

    def count(self) -> int:
        return len(self.matches())

    def fetch(self, offset: int, limit: int) -> list[Result]:
        terms = self.query.terms + self.query.identifiers
        return [Result(self.kind, excerpt(b.title or str(b), terms),
                       f"{self.index_url}{source_slug(b)}/{b.number}/", excerpt(self._name(b), terms),
                       [b.received_at.date().isoformat()]) for b in self.matches()[offset:offset + limit]]
