"""`manage.py seed_demo`: the demo city of PRODUCT §1, created through the services.

Safe to run again: nothing is duplicated, reference rows are updated in place.
"""

import time
from datetime import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation

from cases import roles


class Command(BaseCommand):
    help = "Seed the demo city: townships, departments, categories, rules, calendar, staff, tasks, " \
           "referral batches, citizen reports and the CMS pages (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--now", help="ISO date-time to treat as the present (default: the real time); "
                                          "gives a reproducible data set")
        parser.add_argument("--citizen-cases", type=int, default=300,
                            help="how many citizen reports (default 300; every state keeps at least one)")

    def handle(self, *args, **options):
        from cases.demo import city_name, seed

        # The command is the composition root: the page part lives in cms, which may read
        # cases (ENGINEERING rule 10), so it is imported here and not from cases.demo.
        from cms.demo import seed_site
        from cms.demo_content import seed_cms_demo

        if options["citizen_cases"] < 10:
            raise CommandError("--citizen-cases: at least 10")
        now = self._now(options.get("now"))
        started = time.monotonic()
        # Event texts are stored in the language active when they are written: the site's.
        with translation.override(settings.LANGUAGE_CODE):
            result = seed(now=now, log=self._log, citizen_cases=options["citizen_cases"])
            site = seed_site(city_name(), result["groups"][roles.EDITOR])
            public = seed_cms_demo(today=timezone.localdate(now))
        self._log(f"site: home page id {site['home'].pk}, {site['pages_created']} pages created")
        self._log(f"public site: {public['news_created']} news, {public['typical_created']} typical cases created")
        self._summary()
        self._log(f"done in {time.monotonic() - started:.1f} s")

    def _now(self, value: str | None) -> datetime:
        if not value:
            return timezone.now()
        try:
            moment = datetime.fromisoformat(value)
        except ValueError as exc:
            raise CommandError(f"--now: not an ISO date-time: {value}") from exc
        return moment if timezone.is_aware(moment) else timezone.make_aware(moment)

    def _log(self, line: str) -> None:
        self.stdout.write(line)
        self.stdout.flush()

    def _summary(self) -> None:
        from django.db.models import Count

        from cases import figures
        from cases.models import Case, CaseSource

        tasks = figures.task_figures(timezone.localdate())
        self._log(f"tasks: {tasks.total} total, {tasks.completed} completed, {tasks.on_schedule} on schedule, "
                  f"{tasks.at_risk} at risk, {tasks.overdue} overdue")
        rows = {"central": figures.referral_figures(CaseSource.CENTRAL),
                "provincial": figures.referral_figures(CaseSource.PROVINCIAL), "citizen": figures.citizen_figures()}
        for source, row in rows.items():
            self._log(f"{source}: {row.received} received, {row.closed} closed, {row.stage_closed} stage-closed, "
                      f"{row.in_progress} in progress")
        states = dict(Case.objects.values_list("state").annotate(n=Count("pk")).order_by("state"))
        self._log("states: " + ", ".join(f"{k} {v}" for k, v in states.items()))
