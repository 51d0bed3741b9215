"""Migrations that are safe on a live PostgreSQL database (deploy/README.md, "Upgrade").

`AddIndexConcurrently` builds an index with CREATE INDEX CONCURRENTLY on PostgreSQL, so the
table stays writable while it builds (a plain AddIndex blocks every write to the table for
the whole build); on SQLite it is a plain CREATE INDEX. The migration must say
``atomic = False``. `lint_migration()` is the check CI runs over every migration
(tests/cases/test_migration_lint.py), the first one included.

Some risks need a person to judge: a data migration (RunPython) holds its row locks until
it commits, and a changed column type rewrites the table under an exclusive lock. A
migration whose author checked such a step says why it is safe in a class attribute::

    class Migration(migrations.Migration):
        live_review = "Runs on an empty table: the model is created by this release."

The linter then accepts the migration; a review note on a migration that has nothing to
review is reported too, so the notes stay true.
"""

import re

from django.db import NotSupportedError
from django.db.migrations import AddConstraint, AddField, AddIndex, AlterField, RunPython, RunSQL
from django.db.models import UniqueConstraint

# Tables that grow with the city's caseload: locking them blocks citizens and staff.
LARGE_MODELS = {
    "cases": {"case", "caseevent", "clock", "assignment", "photo", "reporteridentity", "notification",
              "identityaccesslog"},
}


class AddIndexConcurrently(AddIndex):
    """AddIndex without a write lock on PostgreSQL (needs ``atomic = False``)."""

    def describe(self):
        return f"Concurrently create index {self.index.name} on field(s) of model {self.model_name}"

    def _concurrently(self, schema_editor) -> bool:
        if schema_editor.connection.vendor != "postgresql":
            return False
        if schema_editor.connection.in_atomic_block:
            raise NotSupportedError("AddIndexConcurrently needs a migration with atomic = False")
        return True

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if not self._concurrently(schema_editor):
            return super().database_forwards(app_label, schema_editor, from_state, to_state)
        model = to_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            schema_editor.add_index(model, self.index, concurrently=True)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if not self._concurrently(schema_editor):
            return super().database_backwards(app_label, schema_editor, from_state, to_state)
        model = from_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            schema_editor.remove_index(model, self.index, concurrently=True)


def _sql_text(op: RunSQL) -> str:
    return " ".join(s if isinstance(s, str) else s[0] for s in
                    (op.sql if isinstance(op.sql, (list, tuple)) else [op.sql])).upper()


def _created_here(migration) -> set[str]:
    return {op.name.lower() for op in migration.operations if type(op).__name__ == "CreateModel"}


def _problem(app_label: str, op, migration, created: set[str]) -> str | None:
    model = getattr(op, "model_name", "") or ""
    large = model.lower() in LARGE_MODELS.get(app_label, set()) and model.lower() not in created
    fix = "use cases.operations.schema.AddIndexConcurrently in a migration with atomic = False"
    if isinstance(op, AddIndexConcurrently):
        return None if not migration.atomic else f"{op.describe()}: the migration needs atomic = False"
    if large and isinstance(op, AddIndex):
        return f"AddIndex {op.index.name} on {model} blocks writes while it builds: {fix}"
    if large and isinstance(op, (AddField, AlterField)) and (op.field.db_index or op.field.unique):
        return f"{type(op).__name__} {model}.{op.name} builds an index under a write lock: add the field " \
               f"without the index, then {fix}"
    if large and isinstance(op, AddConstraint) and isinstance(op.constraint, UniqueConstraint):
        return f"unique constraint {op.constraint.name} on {model} builds an index under a write lock"
    if isinstance(op, RunSQL):
        sql = _sql_text(op)
        if "CREATE INDEX" in sql and "CONCURRENTLY" not in sql:
            return "RunSQL creates an index without CONCURRENTLY"
    return None


def _needs_review(app_label: str, op, created: set[str], state_before, connection) -> str | None:
    if isinstance(op, RunPython):
        return "a data migration (RunPython) holds its row locks until it commits: say why it is safe"
    if isinstance(op, RunSQL) and re.search(r"\b(UPDATE|DELETE|ALTER\s+TABLE|LOCK)\b", _sql_text(op)):
        return "RunSQL changes rows or tables: say why it is safe on a live database"
    model = (getattr(op, "model_name", "") or "").lower()
    if state_before is None or not isinstance(op, AlterField) or model in created:
        return None
    if model not in LARGE_MODELS.get(app_label, set()):
        return None
    old = state_before.models[app_label, model].fields.get(op.name)
    if old is None:
        return None
    old_type, new_type = old.db_parameters(connection)["type"], op.field.db_parameters(connection)["type"]
    if old_type != new_type:
        return f"AlterField {model}.{op.name} changes the column from {old_type} to {new_type}: " \
               "the table is rewritten under an exclusive lock"
    if old.null and not op.field.null:
        return f"AlterField {model}.{op.name} sets NOT NULL: the whole table is scanned under an exclusive lock"
    return None


def lint_migration(app_label: str, migration, state_before=None, connection=None) -> list[str]:
    """Problems of one migration. With `state_before` (the project state before it) and a
    `connection`, column changes on large tables are checked too."""
    created = _created_here(migration)
    problems = [p for p in (_problem(app_label, op, migration, created) for op in migration.operations) if p]
    review = [r for r in (_needs_review(app_label, op, created, state_before, connection)
                          for op in migration.operations) if r]
    note = str(getattr(migration, "live_review", "") or "").strip()
    if note and not review:
        problems.append("live_review is set but nothing in the migration needs a review: remove the note")
    elif review and not note:
        problems += [f"{r} (class attribute live_review)" for r in review]
    return [f"{app_label}.{migration.name}: {p}" for p in problems]


def lint_project(loader, connection, app_labels=("cases", "cms")) -> tuple[int, list[str]]:
    """(migrations read, problems) over every migration of the apps. The state before a
    migration is built only when it alters a column (building it is the slow part)."""
    read, problems = 0, []
    for (app_label, name), migration in sorted(loader.disk_migrations.items()):
        if app_label not in app_labels:
            continue
        alters = any(isinstance(op, AlterField) for op in migration.operations)
        before = loader.project_state((app_label, name), at_end=False) if alters else None
        problems += lint_migration(app_label, migration, before, connection)
        read += 1
    return read, problems
