"""Writing the index: the entry of an object, replacing entries, cases' sync."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from cases.models import Case, SearchEntry
from cases.searchindex.bigrams import index_text

# The order of the kinds on the results page; the number is the top bits of the id.
KIND_NUMBERS = {"news": 0, "typical": 1, "tasks": 2, "cases": 3, "batches": 4, "pages": 5}
_KIND_SHIFT, _TIME_SHIFT = 60, 26
_TIME_MASK, _OBJECT_MASK = (1 << 34) - 1, (1 << 26) - 1
CHUNK = 2000
CASE_VALUES = ("pk", "received_at", "public_summary", "category__name", "category__name_en", "township__name")


def entry_id(kind: str, sort_at: datetime | None, object_id: int) -> int:
    """Kind, then sort time (seconds), then the object's low 26 bits: ordering the ids
    of one kind descending lists its objects newest first, which both full-text
    indexes can do without reading the rows. Two objects of one kind collide only
    with the same second and ids 67,108,864 apart."""
    seconds = min(max(int(sort_at.timestamp()), 0), _TIME_MASK) if sort_at else 0
    return (KIND_NUMBERS[kind] << _KIND_SHIFT) | (seconds << _TIME_SHIFT) | (object_id & _OBJECT_MASK)


def kind_range(kind: str) -> tuple[int, int]:
    number = KIND_NUMBERS[kind]
    return number << _KIND_SHIFT, (number + 1) << _KIND_SHIFT


@dataclass(frozen=True)
class Entry:
    kind: str
    object_id: int
    sort_at: datetime | None
    text: str
    path: str = ""

    def row(self) -> SearchEntry:
        return SearchEntry(id=entry_id(self.kind, self.sort_at, self.object_id), kind=KIND_NUMBERS[self.kind],
                           object_id=self.object_id, path=self.path, bigrams=index_text(self.text))


def replace(kind: str, object_ids: Iterable[int], entries: Iterable[Entry]) -> int:
    """The entries of these objects become `entries` (the public ones among them)."""
    ids, rows = list(object_ids), [e.row() for e in entries]
    with transaction.atomic():
        for start in range(0, len(ids), CHUNK):
            SearchEntry.objects.filter(kind=KIND_NUMBERS[kind], object_id__in=ids[start:start + CHUNK]).delete()
        SearchEntry.objects.bulk_create(rows, batch_size=500)
    return len(rows)


def case_entries(cases) -> list[Entry]:
    """Public fields only: the summary an intake officer wrote for the public, the
    category and the township; never the description, findings, reply or address."""
    return [Entry("cases", row["pk"], row["received_at"],
                  "\n".join([row["public_summary"], row["category__name"], row["category__name_en"],
                             row["township__name"] or ""]))
            for row in Case.objects.public().filter(pk__in=cases).values(*CASE_VALUES)]


def sync_cases(case_ids: Iterable[int]) -> int:
    ids, written = list(case_ids), 0
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        written += replace("cases", chunk, case_entries(chunk))
    return written


def sync_case(pk: int) -> None:
    """The lifecycle hook (cases/workflow.py): runs inside the change's transaction."""
    sync_cases([pk])


def reconcile_cases(since: timedelta = timedelta(minutes=15), now: datetime | None = None) -> dict[str, int]:
    """Bring the case entries back in step with the cases (see the package docstring)."""
    now = now or timezone.now()
    indexed = set(SearchEntry.objects.filter(kind=KIND_NUMBERS["cases"]).values_list("object_id", flat=True))
    public = set(Case.objects.public().values_list("pk", flat=True))
    changed = set(Case.objects.public().filter(updated_at__gte=now - since).values_list("pk", flat=True))
    missing, stale = public - indexed, indexed - public
    sync_cases(sorted(missing | stale | changed))
    return {"added": len(missing), "removed": len(stale), "rewritten": len(changed - missing)}


def rebuild_cases() -> int:
    with transaction.atomic():
        SearchEntry.objects.filter(kind=KIND_NUMBERS["cases"]).delete()
        return sync_cases(Case.objects.public().order_by("pk").values_list("pk", flat=True))
