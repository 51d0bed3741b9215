"""The public search index (cases/searchindex) and its full-text index.

The full-text part differs by database and is not a Django field, so it is created
here with the database's own DDL: an external-content FTS5 table kept in step by
triggers on SQLite, a generated tsvector column with a GIN index on PostgreSQL. Both
are on a table this migration creates empty, so nothing is locked.
"""

from django.db import migrations, models

SQLITE = [
    "CREATE VIRTUAL TABLE cases_searchentry_fts USING fts5("
    "bigrams, content='cases_searchentry', content_rowid='id', tokenize='unicode61')",
    "CREATE TRIGGER cases_searchentry_ai AFTER INSERT ON cases_searchentry BEGIN "
    "INSERT INTO cases_searchentry_fts (rowid, bigrams) VALUES (new.id, new.bigrams); END",
    "CREATE TRIGGER cases_searchentry_ad AFTER DELETE ON cases_searchentry BEGIN "
    "INSERT INTO cases_searchentry_fts (cases_searchentry_fts, rowid, bigrams) "
    "VALUES ('delete', old.id, old.bigrams); END",
    "CREATE TRIGGER cases_searchentry_au AFTER UPDATE ON cases_searchentry BEGIN "
    "INSERT INTO cases_searchentry_fts (cases_searchentry_fts, rowid, bigrams) "
    "VALUES ('delete', old.id, old.bigrams); "
    "INSERT INTO cases_searchentry_fts (rowid, bigrams) VALUES (new.id, new.bigrams); END",
]
SQLITE_DROP = ["DROP TRIGGER cases_searchentry_au", "DROP TRIGGER cases_searchentry_ad",
               "DROP TRIGGER cases_searchentry_ai", "DROP TABLE cases_searchentry_fts"]
# One GIN index per kind (the numbers of cases.searchindex.KIND_NUMBERS that are indexed):
# a count of one kind's matches then needs no filter on the rows, ten times faster
# than one index and a kind filter. Positions are stripped: nothing ranks by them, and
# smaller rows mean fewer heap pages read per count. The table is new and empty.
INDEXED_KINDS = (0, 1, 3, 5)
POSTGRESQL = [
    "ALTER TABLE cases_searchentry ADD COLUMN tsv tsvector "
    "GENERATED ALWAYS AS (strip(to_tsvector('simple'::regconfig, bigrams))) STORED",
    *(f"CREATE INDEX cases_searchentry_tsv_{kind} ON cases_searchentry USING gin (tsv) WHERE kind = {kind}"
      for kind in INDEXED_KINDS),
]
POSTGRESQL_DROP = [*(f"DROP INDEX cases_searchentry_tsv_{kind}" for kind in INDEXED_KINDS),
                   "ALTER TABLE cases_searchentry DROP COLUMN tsv"]


def _run(statements: dict):
    def run(apps, schema_editor):
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)
    return run


class Migration(migrations.Migration):
    live_review = ("The RunPython runs DDL only, on the table created a step before, still empty: no row of an "
                   "existing table is read, written or locked. Fill the index afterwards with "
                   "`manage.py search_index --rebuild` (or let the 10-minute reconcile add the public cases).")

    dependencies = [
        ('cases', '0017_staff_list_indexes'),
    ]

    operations = [
        migrations.CreateModel(
            name='SearchEntry',
            fields=[
                ('id', models.BigIntegerField(primary_key=True, serialize=False)),
                ('kind', models.PositiveSmallIntegerField()),
                ('object_id', models.BigIntegerField()),
                ('path', models.CharField(blank=True, default='', max_length=255)),
                ('bigrams', models.TextField()),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('kind', 'object_id'), name='searchentry_object')],
            },
        ),
        migrations.RunPython(_run({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
                             _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRESQL_DROP})),
    ]
