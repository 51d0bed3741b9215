"""Reading the index: counts per kind and one kind's slice, newest first.

The terms are character bigrams and lower-case ASCII words (bigrams.tokens), so they
hold no quote or operator of either database's query language; they are still quoted
(FTS5) or parsed as plain text (PostgreSQL `plainto_tsquery`). Every term must occur.
Page kinds are limited to one site's tree by the entry's path.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import connection

from cases.searchindex.entries import KIND_NUMBERS, kind_range

PAGE_KINDS = frozenset({"news", "typical", "pages"})
_FTS = "cases_searchentry_fts"


class IndexQuery:
    """Every term of `terms`, in the kinds asked for; `root_path` is the tree path of
    the site's root page (page kinds only); `exclude` holds entry ids already listed
    (exact reference matches shown first)."""

    def __init__(self, terms: Sequence[str], root_path: str, exclude: Iterable[int] = ()):
        self.terms, self.root_path, self.exclude = tuple(terms), root_path, tuple(exclude)
        self.sqlite = connection.vendor == "sqlite"

    def _match(self) -> str:
        if self.sqlite:
            return " ".join(f'"{term}"' for term in self.terms)
        return " ".join(self.terms)

    def _where(self, kind: str, column: str) -> tuple[str, list]:
        # The id range is the kind (entries.entry_id): the FTS table knows only the id,
        # and on PostgreSQL it starts the newest-first walk of the primary key at the
        # kind; `kind =` there picks the kind's partial GIN index (migration 0018).
        sql, params = f" AND {column} >= %s AND {column} < %s", list(kind_range(kind))
        if not self.sqlite:
            sql, params = sql + " AND e.kind = %s", [*params, KIND_NUMBERS[kind]]
        if kind in PAGE_KINDS:
            sql, params = sql + " AND e.path LIKE %s", [*params, self.root_path + "%"]
        if self.exclude:
            sql += f" AND {column} NOT IN ({', '.join(['%s'] * len(self.exclude))})"
            params += list(self.exclude)
        return sql, params

    def _from(self, kind: str) -> tuple[str, str]:
        """The FROM clause and the id column: on SQLite the FTS table, joined to the
        entries only where the path is needed; on PostgreSQL the entries."""
        if not self.sqlite:
            return "cases_searchentry e WHERE e.tsv @@ plainto_tsquery('simple', %s)", "e.id"
        if kind in PAGE_KINDS:
            return f"{_FTS} f JOIN cases_searchentry e ON e.id = f.rowid WHERE f.{_FTS} MATCH %s", "f.rowid"
        return f"{_FTS} f WHERE f.{_FTS} MATCH %s", "f.rowid"

    def counts(self, kinds: Iterable[str]) -> dict[str, int]:
        kinds = list(kinds)
        if not self.terms or not kinds:
            return dict.fromkeys(kinds, 0)
        parts, params = [], []
        for n, kind in enumerate(kinds):
            source, column = self._from(kind)
            where, extra = self._where(kind, column)
            parts.append(f"SELECT {n}, COUNT(*) FROM {source}{where}")
            params += [self._match(), *extra]
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(parts), params)
            found = dict(cursor.fetchall())
        return {kind: found.get(n, 0) for n, kind in enumerate(kinds)}

    def object_ids(self, kind: str, offset: int, limit: int) -> list[int]:
        if not self.terms or limit <= 0:
            return []
        source, column = self._from(kind)
        where, extra = self._where(kind, column)
        page = f"SELECT {column} FROM {source}{where} ORDER BY {column} DESC LIMIT %s OFFSET %s"
        params = [self._match(), *extra, limit, offset]
        if self.sqlite:  # the FTS table gives the ids in order; the entries give the objects
            page = f"SELECT e.object_id FROM cases_searchentry e WHERE e.id IN ({page}) ORDER BY e.id DESC"
        else:
            page = page.replace(f"SELECT {column} ", "SELECT e.object_id ", 1)
        with connection.cursor() as cursor:
            cursor.execute(page, params)
            return [row[0] for row in cursor.fetchall()]
