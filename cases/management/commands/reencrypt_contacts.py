"""Rewrite every encrypted contact field under the newest FIELD_ENCRYPTION_KEY.

Rotation (docs/security.md): FIELD_ENCRYPTION_KEY="new,old" → restart → run this →
FIELD_ENCRYPTION_KEY="new,old" may then lose "old" once no access code handed out
under it is still needed (access codes are checked against every listed key).
"""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from cases.fields import encrypted_fields, reencrypt_model


class Command(BaseCommand):
    help = "Re-encrypt reporter contacts and outbox rows under the newest FIELD_ENCRYPTION_KEY."

    def handle(self, *args, **options):
        for model, names in encrypted_fields(apps.get_models()):
            with transaction.atomic():
                count = reencrypt_model(model, names)
            self.stdout.write(f"{model._meta.label}: {count} rows ({', '.join(names)})")
