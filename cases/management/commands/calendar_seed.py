from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.calendar_seed import CalendarSeedError, official_years, seed_official_year

ACTIONS = {"created": gettext_lazy("created"), "replaced": gettext_lazy("replaced the provisional year"),
           "unchanged": gettext_lazy("already entered, left unchanged")}


class Command(BaseCommand):
    help = ("Load the official State Council holiday schedules bundled in cases/data/cn_calendar.py "
            "into the work calendar (idempotent; replaces provisional years, keeps official ones).")

    def add_arguments(self, parser):
        parser.add_argument("years", nargs="*", type=int,
                            help="Years to load (default: every bundled year).")

    def handle(self, *args, **options):
        for year in options["years"] or official_years():
            try:
                result = seed_official_year(year)
            except CalendarSeedError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(_("%(year)s: %(action)s (%(holidays)s days off, %(workdays)s make-up "
                                "working days)") % {"year": year, "action": ACTIONS[result.action],
                                                    "holidays": result.holidays,
                                                    "workdays": result.workdays})
