"""The public search index (cases/searchindex): one row per public object.

Only public text is stored: a case's public summary, category and township while an
intake officer has made it public; a live, unrestricted page's own search text. The
database's full-text index over `bigrams` (an FTS5 table on SQLite, a GIN-indexed
tsvector column on PostgreSQL) is created by the migration, not by the model.
"""

from django.db import models


class SearchEntry(models.Model):
    # Not an auto id: kind, sort time and object are packed into it so that the
    # full-text index returns each kind's matches newest first without reading the
    # rows (cases.searchindex.entry_id).
    id = models.BigIntegerField(primary_key=True)
    kind = models.PositiveSmallIntegerField()
    object_id = models.BigIntegerField()
    # Pages only: the tree path, to keep a search to one site's pages.
    path = models.CharField(max_length=255, blank=True, default="")
    bigrams = models.TextField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="searchentry_object")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id}"
