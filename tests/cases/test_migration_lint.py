"""Migration linter (cases/operations/schema.py): a migration that would lock a large table on
a live PostgreSQL database fails CI; AddIndexConcurrently runs on both databases."""

import pytest
from django.db import connection, migrations, models
from django.db.migrations.loader import MigrationLoader

from cases.operations.schema import AddIndexConcurrently, lint_migration, lint_project

PROJECT_APPS = ("cases", "cms")


def migration(*operations, atomic=True, review=""):
    m = migrations.Migration("0099_test", "cases")
    m.operations, m.atomic = list(operations), atomic
    if review:
        m.live_review = review
    return m


def test_every_migration_of_the_project_is_safe_on_a_live_database():
    """All of them, the first ones included (no migration is exempt by number)."""
    checked, problems = lint_project(MigrationLoader(None, ignore_no_migrations=True), connection, PROJECT_APPS)
    assert problems == []
    assert checked >= 14  # every migration of both apps was read


def test_the_reviewed_migrations_say_why():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    notes = {name: m.live_review for (app, name), m in loader.disk_migrations.items()
             if app in PROJECT_APPS and getattr(m, "live_review", "")}
    assert set(notes) >= {"0005_programme_workspace", "0006_proportionate_warnings", "0008_encrypt_outbox_rows"}
    assert all(len(text) > 40 for text in notes.values())


def test_the_early_case_indexes_are_built_concurrently():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    for name in ("0002_dashboard_indexes", "0004_case_list_and_change_indexes"):
        m = loader.disk_migrations["cases", name]
        assert m.atomic is False
        assert all(isinstance(op, AddIndexConcurrently) for op in m.operations)


def test_a_data_migration_needs_a_review_note():
    step = migrations.RunPython(migrations.RunPython.noop)
    assert "RunPython" in lint_migration("cases", migration(step))[0]
    assert lint_migration("cases", migration(step, review="Runs on the empty table created by this release.")) == []
    assert "changes rows" in lint_migration("cases", migration(migrations.RunSQL("UPDATE cases_case SET x = 1")))[0]


def test_a_review_note_on_a_migration_with_nothing_to_review_is_reported():
    small = migrations.AddIndex("department", models.Index(fields=["name"], name="dept_name"))
    assert "remove the note" in lint_migration("cases", migration(small, review="Nothing here needs it."))[0]


def test_a_column_type_change_on_a_large_table_is_caught():
    state = MigrationLoader(None, ignore_no_migrations=True).project_state(("cases", "0011_assignment_version"))
    widen = migrations.AlterField("case", "reference", models.TextField())
    problems = lint_migration("cases", migration(widen), state, connection)
    assert "rewritten under an exclusive lock" in problems[0]
    assert lint_migration("cases", migration(widen), None, connection) == []  # without the state it cannot tell
    same_type = migrations.AlterField("case", "public_summary", models.TextField("summary shown", blank=True))
    assert lint_migration("cases", migration(same_type), state, connection) == []


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
