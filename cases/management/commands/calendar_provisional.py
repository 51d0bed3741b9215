from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from cases.calendar_seed import CalendarSeedError, seed_provisional_year


class Command(BaseCommand):
    help = ("Add YEAR to the work calendar as provisional: the statutory days off known to the "
            "`holidays` package, no make-up working days. Idempotent; refuses to overwrite an "
            "official year. Replace it with the State Council's schedule once published.")

    def add_arguments(self, parser):
        parser.add_argument("year", type=int)

    def handle(self, *args, **options):
        try:
            result = seed_provisional_year(options["year"])
        except CalendarSeedError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(_("%(year)s entered as a provisional year (%(holidays)s days off).")
                          % {"year": result.year, "holidays": result.holidays})
        self.stdout.write(_("Once the State Council publishes the schedule, enter the make-up working "
                            "days and untick “provisional” in Configuration → Calendar years."))
