"""Wagtail page types. `cms` may read `cases`; `cases` never imports `cms`."""

from .news import NewsIndexPage, NewsPage, NewsPageTag
from .pages import HomePage, StandardPage
from .search import BigramSearchMixin
from .transparency import BatchDisclosureIndexPage, ProgressDashboardPage, PublicCaseIndexPage, TaskLedgerPage
from .typical import TypicalCaseIndexPage, TypicalCasePage

__all__ = [
    "BatchDisclosureIndexPage", "BigramSearchMixin", "HomePage", "NewsIndexPage", "NewsPage", "NewsPageTag",
    "ProgressDashboardPage", "PublicCaseIndexPage", "StandardPage", "TaskLedgerPage", "TypicalCaseIndexPage",
    "TypicalCasePage",
]
