from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cases.operations.backup import BackupError, read_manifest, restore_backup


class Command(BaseCommand):
    help = ("Restore a folder written by `manage.py backup`: replaces the database and writes the media "
            "files back. Stop the web and worker services first (deploy/README.md, 'Restore').")

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path)
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")

    def handle(self, *args, **options):
        try:
            manifest = read_manifest(options["folder"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if not options["yes"]:
            answer = input(f"Replace this database with the backup of {manifest['created_at']}? [y/N] ")
            if answer.strip().lower() not in ("y", "yes"):
                raise CommandError("restore cancelled")
        try:
            restore_backup(options["folder"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"restored the backup of {manifest['created_at']}")
