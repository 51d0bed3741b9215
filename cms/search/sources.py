"""What the site search looks in, one source per kind of public content.

Each source counts its matches and fetches a slice of them, newest or first first,
and shows only what the public pages show:

* news, typical cases, other pages: live pages the public may see (no view
  restriction) under the site's root, through the public search index
  (cases/searchindex, every term required);
* tasks: every task of the ledger (all public), by number, title, problem, target,
  measures, responsible leader and lead unit;
* cases: only the cases an intake officer made public, by public summary, category
  and township (through the index), or exactly by reference or original case code —
  never the citizen's description, internal findings, address or reporter identity;
* batches: by their name (第N批, source, title) or an original code in their public
  disclosure table.
"""

from dataclasses import dataclass, field

from django.utils import translation
from django.utils.safestring import SafeString
from wagtail.models import Page

from cases.models import Case, CaseState, RectificationTask, ReferralBatch, SearchEntry
from cases.searchindex import KIND_NUMBERS, IndexQuery
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


class Indexed:
    """The index search shared by the indexed kinds: one query counts all of them."""

    def __init__(self, query: SearchQuery, root, kinds: list[str], exclude=()):
        self.index = IndexQuery(query.terms, root.path if root else "", exclude)
        self.kinds, self._counts = kinds, None

    def count(self, kind: str) -> int:
        if self._counts is None:
            self._counts = self.index.counts(self.kinds)
        return self._counts.get(kind, 0)


class PageSource:
    """Live pages the public may see, under the site's root, newest first."""

    def __init__(self, kind: str, indexed: Indexed, query: SearchQuery):
        self.kind, self.indexed, self.query = kind, indexed, query

    def count(self) -> int:
        return self.indexed.count(self.kind)

    def fetch(self, offset: int, limit: int) -> list[Result]:
        ids = self.indexed.index.object_ids(self.kind, offset, limit)
        # Checked again at read time: a page changed without its signals (a raw update)
        # is left out rather than shown until the next rebuild.
        pages = Page.objects.live().public().filter(pk__in=ids).specific().in_bulk()
        return [self._result(pages[pk]) for pk in ids if pk in pages]

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


def exact_entries(case_ids: list[int]) -> list[int]:
    """The index entries of these cases: the term search leaves them out (listed first)."""
    return list(SearchEntry.objects.filter(kind=KIND_NUMBERS["cases"], object_id__in=case_ids)
                .values_list("pk", flat=True)) if case_ids else []


def exact_cases(identifiers) -> list[int]:
    """Public cases whose reference or original code is one of `identifiers`: two
    index lookups (an OR of the two columns made SQLite scan the public cases)."""
    if not identifiers:
        return []
    pks = set(Case.objects.filter(reference__in=identifiers).values_list("pk", flat=True))
    pks |= set(Case.objects.filter(original_code__in=identifiers).values_list("pk", flat=True))
    return list(Case.objects.public().filter(pk__in=pks).order_by("-received_at", "-pk").values_list("pk", flat=True))


class CaseSource:
    """Exact reference / original code matches first, then the index's matches of the
    terms (public summary, category, township), newest first."""

    kind = "cases"

    def __init__(self, cases_url: str | None, query: SearchQuery, exact: list[int], indexed: Indexed):
        self.cases_url, self.query, self.exact, self.indexed = cases_url, query, exact, indexed
        # A query that is only identifiers is not also looked for in the summaries.
        self.by_terms = bool(cases_url and query.terms and not query.only_identifiers)

    def count(self) -> int:
        if not self.cases_url:
            return 0
        return len(self.exact) + (self.indexed.count(self.kind) if self.by_terms else 0)

    def fetch(self, offset: int, limit: int) -> list[Result]:
        ids = self.exact[offset:offset + limit]
        if self.by_terms and len(ids) < limit:
            ids += self.indexed.index.object_ids(self.kind, max(0, offset - len(self.exact)), limit - len(ids))
        # Checked again at read time, so that an entry not yet removed never shows a case.
        rows = {row["pk"]: row for row in Case.objects.public().filter(pk__in=ids).values(*PUBLIC_VALUES)}
        terms = self.query.terms
        return [Result(self.kind, excerpt(f"{r['reference']} {r['category']}", terms + self.query.identifiers),
                       self.cases_url, excerpt(r["summary"] or "", terms),  # the reply is never public
                       [r["status"], r["township"], r["received"]])
                for r in (record(rows[pk]) for pk in ids if pk in rows)]


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
