from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.calendar_seed import (
    CalendarSeedError,
    official_years,
    seed_official_year,
    years_lacking_make_up_days,
)
from cases.models import WorkCalendarYear

ACTIONS = {"created": gettext_lazy("created"), "replaced": gettext_lazy("replaced the provisional year"),
           "unchanged": gettext_lazy("already entered, left unchanged")}


class Command(BaseCommand):
    help = ("Enter the official holiday schedules the holidays package knows (days off and make-up working "
            "days) into the work calendar (idempotent; replaces provisional years, keeps official ones). "
            "Years whose make-up working days the package does not list yet are named, not entered.")

    def add_arguments(self, parser):
        parser.add_argument("years", nargs="*", type=int,
                            help="Years to load (default: every year from 2025 to next year the package "
                                 "has the schedule of).")

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
        if not options["years"]:
            this_year = timezone.localdate().year
            entered = set(WorkCalendarYear.objects.filter(is_provisional=False).values_list("year", flat=True))
            for year in years_lacking_make_up_days(y for y in (this_year, this_year + 1) if y not in entered):
                self.stdout.write(_("%(year)s: the holidays package does not list the make-up working days yet; "
                                    "run calendar_provisional %(year)s, then enter them in the admin once the "
                                    "State Council has announced them.") % {"year": year})
