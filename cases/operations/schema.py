"""Migrations that are safe on a live PostgreSQL database (deploy/README.md, "Upgrade").

`AddIndexConcurrently` builds an index with CREATE INDEX CONCURRENTLY on PostgreSQL, so the
table stays writable while it builds (a plain AddIndex blocks every write to the table for
the whole build); on SQLite it is a plain CREATE INDEX. The migration must say
``atomic = False``. `lint_migration()` is the check CI runs over every migration
(tests/cases/test_migration_lint.py).
"""

from django.db import NotSupportedError
from django.db.migrations import AddConstraint, AddField, AddIndex, AlterField, RunSQL
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
        sql = " ".join(s if isinstance(s, str) else s[0] for s in
                       (op.sql if isinstance(op.sql, (list, tuple)) else [op.sql])).upper()
        if "CREATE INDEX" in sql and "CONCURRENTLY" not in sql:
            return "RunSQL creates an index without CONCURRENTLY"
    return None


def lint_migration(app_label: str, migration) -> list[str]:
    created = _created_here(migration)
    problems = (_problem(app_label, op, migration, created) for op in migration.operations)
    return [f"{app_label}.{migration.name}: {p}" for p in problems if p]
