"""Migration linter (cases/operations/schema.py): a migration that would lock a large table on
a live PostgreSQL database fails CI; AddIndexConcurrently runs on both databases."""

import pytest
from django.db import connection, migrations, models
from django.db.migrations.loader import MigrationLoader

from cases.operations.schema import AddIndexConcurrently, lint_migration

# Written before the linter existed, while the portal had no production database.
GRANDFATHERED = {"cases": 10, "cms": 5}


def migration(*operations, atomic=True):
    m = migrations.Migration("0099_test", "cases")
    m.operations, m.atomic = list(operations), atomic
    return m


def test_every_migration_of_the_project_is_safe_on_a_live_database():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    problems = []
    for (app_label, name), m in loader.disk_migrations.items():
        number = int(name.split("_", 1)[0]) if name[:4].isdigit() else 0
        if app_label in GRANDFATHERED and number > GRANDFATHERED[app_label]:
            problems += lint_migration(app_label, m)
    assert problems == []


def test_a_plain_index_on_a_large_table_is_caught():
    op = migrations.AddIndex("case", models.Index(fields=["updated_at"], name="case_upd"))
    assert "blocks writes" in lint_migration("cases", migration(op))[0]


def test_an_indexed_field_on_a_large_table_is_caught():
    op = migrations.AddField("caseevent", "kind2", models.CharField(max_length=10, db_index=True, default=""))
    assert "write lock" in lint_migration("cases", migration(op))[0]


def test_raw_create_index_without_concurrently_is_caught():
    assert lint_migration("cases", migration(migrations.RunSQL("CREATE INDEX x ON cases_case (id)")))
    assert not lint_migration("cases", migration(migrations.RunSQL("CREATE INDEX CONCURRENTLY x ON cases_case (id)"),
                                                 atomic=False))


def test_concurrent_index_needs_a_non_atomic_migration():
    op = AddIndexConcurrently("case", models.Index(fields=["updated_at"], name="case_upd"))
    assert "atomic = False" in lint_migration("cases", migration(op))[0]
    assert lint_migration("cases", migration(op, atomic=False)) == []


def test_small_tables_and_new_tables_are_fine():
    small = migrations.AddIndex("department", models.Index(fields=["name"], name="dept_name"))
    new = [migrations.CreateModel("Case", [("id", models.BigAutoField(primary_key=True))]),
           migrations.AddIndex("case", models.Index(fields=["id"], name="case_id2"))]
    assert lint_migration("cases", migration(small)) == []
    assert lint_migration("cases", migration(*new)) == []


@pytest.mark.django_db(transaction=True)
def test_add_index_concurrently_builds_and_drops_the_index_on_this_database():
    loader = MigrationLoader(connection)
    state = loader.project_state()
    op = AddIndexConcurrently("case", models.Index(fields=["updated_at", "id"], name="case_lint_probe"))
    new_state = state.clone()
    op.state_forwards("cases", new_state)
    with connection.schema_editor(atomic=False) as editor:
        op.database_forwards("cases", editor, state, new_state)
    with connection.cursor() as cursor:
        names = connection.introspection.get_constraints(cursor, "cases_case")
    assert "case_lint_probe" in names
    with connection.schema_editor(atomic=False) as editor:
        op.database_backwards("cases", editor, new_state, state)
    with connection.cursor() as cursor:
        assert "case_lint_probe" not in connection.introspection.get_constraints(cursor, "cases_case")
