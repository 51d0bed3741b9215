from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cases.operations.backup import BackupError, create_backup, key_fingerprint


class Command(BaseCommand):
    help = ("Back up the database, public media and private media into a new folder under DIRECTORY "
            "(deploy/README.md, 'Backups'). Refuses to run until the contact-data encryption key is "
            "recorded as escrowed (PORTAL_KEY_ESCROW_FINGERPRINT).")

    def add_arguments(self, parser):
        parser.add_argument("directory", nargs="?", type=Path)
        parser.add_argument("--key-fingerprint", action="store_true",
                            help="Print the fingerprint of the current encryption key and exit.")

    def handle(self, *args, **options):
        if options["key_fingerprint"]:
            self.stdout.write(key_fingerprint())
            return
        if options["directory"] is None:
            raise CommandError("give the directory to write the backup into")
        try:
            result = create_backup(options["directory"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        counts = result.manifest["media_files"]
        self.stdout.write(f"{result.folder}: database ({result.manifest['vendor']}), "
                          f"{counts['public']} public and {counts['private']} private files")
