"""Outbox rows written before 0003 made recipient and body encrypted fields are still
in clear in the database (reads passed them through): encrypt them now."""

from django.db import migrations


def encrypt_rows(apps, schema_editor):
    from cases.fields import reencrypt_model

    reencrypt_model(apps.get_model("cases", "Notification"), ["recipient", "body"])


class Migration(migrations.Migration):
    dependencies = [("cases", "0007_milestone_task_label")]

    operations = [migrations.RunPython(encrypt_rows, migrations.RunPython.noop)]
