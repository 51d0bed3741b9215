"""The public search index: what the site search looks in (docs/public-site.md,
"Site search").

One `SearchEntry` per public object, holding the character bigrams of its public
text only, under a database full-text index (SQLite FTS5, PostgreSQL GIN over a
tsvector): a search reads the posting lists of its terms instead of every public
text. Kept in step by:

* cases: every change goes through `cases.lifecycle` (a transition or a version
  bump), whose `after_write` hook re-derives the case's entry in the same
  transaction (`sync_case`): made public or private, merged, summary rewritten;
* pages: Wagtail's publish, unpublish, move, delete and view-restriction signals
  (cms/search/index.py);
* `reconcile_cases()`, run every few minutes by the task queue: adds public cases
  that have no entry, drops entries of cases that are no longer public and rewrites
  the entries of cases changed since the last run (a bulk update, a rename);
* `manage.py search_index --rebuild`: everything from scratch.

Rectification tasks and referral batches are not in it: there are tens of them, read
whole in well under a millisecond, and the public pages show all of them anyway.
"""

from cases.searchindex.entries import (
    KIND_NUMBERS,
    Entry,
    entry_id,
    kind_range,
    rebuild_cases,
    reconcile_cases,
    replace,
    sync_case,
    sync_cases,
)
from cases.searchindex.query import IndexQuery

__all__ = ["KIND_NUMBERS", "Entry", "IndexQuery", "entry_id", "kind_range", "rebuild_cases", "reconcile_cases",
           "replace", "sync_case", "sync_cases"]
