"""The case-data token: a value in the shared cache that changes after every write to
the case table (and to the site search's index), so the public pages' caches (cms.caching, cms.pagecache, cms.fragments)
know "has any case changed?" without asking the database.

It replaced the newest ``updated_at`` (``SELECT MAX(updated_at)``), which cost a
database round trip (and, with CONN_HEALTH_CHECKS, a ``SELECT 1``) on every page
cache hit (docs/performance.md, "Cache hits").

Every writer is caught at the SQL level, not by model signals: a database execute
wrapper (installed on each connection by cases.apps) looks at every INSERT, UPDATE,
DELETE and TRUNCATE and, when it targets the case table, renews the token after the
transaction commits (at once in autocommit). So ``queryset.update()``,
``bulk_create()``, the sweep, lifecycle transitions, cascades (``SET NULL``), the admin
and raw SQL through Django's cursors all count, including writers added later.
Inside a transaction the token is also renewed at once, for readers on the same
connection (who see the uncommitted rows); the renewal on commit corrects anyone
who read the committed rows under that token meanwhile.

A token is a random string, never a counter: a token evicted from the cache comes
back as a new value, never as one that older cached pages were stored under. While
the cache server is down the pages render from the database (``token()`` returns
None); a renewal lost to an outage is made again by the same process as soon as
the cache answers (``retry_lost``), and in any case the pages' own timeout bounds it.
"""

import re
import uuid

from django.core.cache import cache
from django.db import transaction

KEY = "portal:case-data"
_lost = False  # a renewal this process made while the cache server was down
_WRITES = ("INSERT", "UPDATE", "DELETE", "TRUNCA")
# Case and SearchEntry (the site search's index: cases.searchindex.reconcile_cases
# rewrites entries without touching the case table); checked in tests/cms/test_pagecache.py.
TABLES = ("cases_case", "cases_searchentry")
_NAMES = "(?:" + "|".join(TABLES) + ")"
_TARGET = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?' + _NAMES + r'"?(?:\s|\(|$)', re.I)
_TRUNCATE = re.compile(r'^\s*TRUNCATE\b.*(?:\s|,|")' + _NAMES + r'(?:"|\s|,|;|$)', re.I | re.S)


def token() -> str | None:
    """The current token (made when missing); None while the cache server is down."""
    value = cache.get(KEY)
    if value is None:
        cache.add(KEY, _new(), None)
        value = cache.get(KEY)
    return value


def renew() -> None:
    global _lost
    cache.set(KEY, _new(), None)  # the fail-soft cache drops it while the server is down ...
    _lost = _cache_down()  # ... then this process renews again once it is back (retry_lost)


def retry_lost() -> None:
    """A renewal lost to a cache outage, made again once the cache answers: checked on
    every statement this process runs and every page request it serves, so pages
    cached before the outage are not served after it under the old token."""
    if _lost and not _cache_down():
        renew()


def _cache_down() -> bool:
    return bool(getattr(cache, "is_down", lambda: False)())


def _new() -> str:
    return uuid.uuid4().hex[:12]


def writes_cases(sql: str) -> bool:
    head = sql[:16].lstrip()[:6].upper()  # a slice first: no copy of a long statement
    if head not in _WRITES:
        return False
    return bool(_TARGET.match(sql) or (head == "TRUNCA" and _TRUNCATE.match(sql)))


def execute_wrapper(connection):
    """A ``connection.execute_wrapper`` renewing the token after writes to the case table."""

    def wrapper(execute, sql, params, many, context):
        if _lost:
            retry_lost()
        result = execute(sql, params, many, context)
        if isinstance(sql, str) and writes_cases(sql):
            if connection.in_atomic_block:
                renew()  # for reads on this connection, which see the uncommitted rows
                pending = connection.run_on_commit
                if not (pending and pending[-1][1] is renew):  # one renewal per run of writes
                    transaction.on_commit(renew, using=connection.alias, robust=True)
            else:
                renew()  # autocommit: the statement is committed
        return result

    wrapper.renews_case_data = True
    return wrapper


def install(sender=None, connection=None, **_kwargs) -> None:
    """``connection_created`` receiver: add the wrapper once per connection object."""
    if connection is not None and not any(getattr(w, "renews_case_data", False)
                                          for w in connection.execute_wrappers):
        connection.execute_wrappers.append(execute_wrapper(connection))
