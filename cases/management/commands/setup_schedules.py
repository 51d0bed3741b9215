from django.core.management.base import BaseCommand

from cases.schedules import ensure_schedules


class Command(BaseCommand):
    help = "Create or update the django-q2 schedules (idempotent, by name)."

    def handle(self, *args, **options):
        for name, created in ensure_schedules():
            self.stdout.write(f"{'created' if created else 'updated'} schedule {name}")
