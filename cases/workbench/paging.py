"""The staff case list's paginator: a capped count (docs/performance.md, "Staff list").

An exact ``COUNT(*)`` of the filtered list reads every matching index entry: at
1,000,000 cases that was most of the page's time on every request, for a number
nobody pages through (50 rows a page). The count stops at ``CAP`` matches
(``COUNT(*)`` over a ``LIMIT CAP + 1`` subquery, without the list's ordering and
display columns), so its cost is bounded whatever the table size; above it the page
says "more than CAP" and offers the first ``CAP / page size`` pages, all of which
read the ordering index for ``OFFSET + 50`` entries at most.
"""

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

CAP = 10_000


class CappedPaginator(Paginator):
    def __init__(self, object_list: QuerySet, per_page: int, cap: int | None = None) -> None:
        super().__init__(object_list, per_page)
        self.cap = cap or CAP

    @cached_property
    def matches(self) -> int:
        """Matching rows, counted up to ``cap + 1``."""
        return self.object_list.order_by().values("pk")[: self.cap + 1].count()

    @cached_property
    def capped(self) -> bool:
        return self.matches > self.cap

    @cached_property
    def count(self) -> int:
        return min(self.matches, self.cap)
