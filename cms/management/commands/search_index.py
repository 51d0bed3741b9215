"""manage.py search_index [--rebuild]: the public search index (cases/searchindex).

Without an option it reconciles the case entries with the cases, as the scheduled
task does; with --rebuild it writes every entry, cases and pages, from scratch (after
a bulk import, a category rename, or restoring a database)."""

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db import transaction

from cases.searchindex import rebuild_cases, reconcile_cases
from cms.search.index import rebuild_pages


class Command(BaseCommand):
    help = "Reconcile (default) or rebuild (--rebuild) the public search index."

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="write every entry from scratch")
        parser.add_argument("--minutes", type=int, default=15,
                            help="reconcile: also rewrite cases changed in the last N minutes (default 15)")

    def handle(self, *args, rebuild: bool, minutes: int, **options):
        if rebuild:
            with transaction.atomic():
                cases, pages = rebuild_cases(), rebuild_pages()
            self.stdout.write(f"search index rebuilt: {cases} cases, {pages} pages")
        else:
            counts = reconcile_cases(since=timedelta(minutes=minutes))
            self.stdout.write("search index reconciled: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
