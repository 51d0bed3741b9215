"""Outbox rows written before 0003 made recipient and body encrypted fields are still
in clear in the database (reads passed them through): encrypt them now."""

from django.db import migrations


def encrypt_rows(apps, schema_editor):
    from cases.fields import reencrypt_model

    reencrypt_model(apps.get_model("cases", "Notification"), ["recipient", "body"])


class Migration(migrations.Migration):
    # Linter note (cases/operations/schema.py).
    live_review = ("Shipped before the first production install, so on every production database it ran at "
                   "first install on an empty outbox. It rewrites every outbox row in one transaction: a later "
                   "re-encryption of a live outbox belongs in a batched command, not in a migration.")
    dependencies = [("cases", "0007_milestone_task_label")]

    operations = [migrations.RunPython(encrypt_rows, migrations.RunPython.noop)]
