"""Staff names become one full name in ``first_name`` (cases/staffnames): "娜" + "李" → "李娜"."""

from django.conf import settings
from django.db import migrations

# A pure function with no model access; safe to import in a migration.
from cases.staffnames.names import join_name


def join_names(apps, schema_editor):
    user_model = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    users = list(user_model.objects.exclude(last_name="").only("pk", "first_name", "last_name"))
    for user in users:
        user.first_name, user.last_name = join_name(user.first_name, user.last_name)[:150], ""
    user_model.objects.bulk_update(users, ["first_name", "last_name"], batch_size=500)


class Migration(migrations.Migration):
    # Linter note (cases/operations/schema.py).
    live_review = ("Rewrites only staff accounts with a last name: a city's staff, a few hundred rows of the "
                   "user table, in one short transaction; no citizen-facing table is touched.")
    dependencies = [
        ("cases", "0011_assignment_version"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(join_names, migrations.RunPython.noop, elidable=True)]
