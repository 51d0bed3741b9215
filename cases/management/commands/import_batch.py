"""manage.py import_batch FILE --source central --number 3 --received 2026-05-28 --due-days 10"""

from datetime import date
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.referrals import RowError, due_after_days, due_moment, import_batch, received_moment


def _as_date(value: date | str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(_("Write dates as YYYY-MM-DD, not “%(value)s”.") % {"value": value}) from exc


class Command(BaseCommand):
    help = ("Import a referral batch from an .xlsx or .csv file (see docs/referral-import.md). "
            "Every row is checked first; if any row is wrong nothing is imported.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the .xlsx or .csv file")
        parser.add_argument("--source", required=True, choices=["central", "provincial"])
        parser.add_argument("--number", required=True, type=int, help="batch number (第N批)")
        parser.add_argument("--received", required=True, help="date the batch was received, YYYY-MM-DD")
        due = parser.add_mutually_exclusive_group(required=True)
        due.add_argument("--due", help="reply due date, YYYY-MM-DD")
        due.add_argument("--due-days", type=int, help="reply due after this many calendar days")
        parser.add_argument("--title", default="", help="batch title, e.g. 中央第三生态环境保护督察组第1批交办件")
        parser.add_argument("--user", help="username recorded as the importer")

    def handle(self, *args, **options) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": path})
        received_at = received_moment(_as_date(options["received"]), timezone.now())
        if options["due"]:
            due_at = due_moment(_as_date(options["due"]))
        else:
            due_at = due_after_days(received_at, int(options["due_days"]))
        with path.open("rb") as fileobj:
            result = import_batch(
                fileobj, path.name, source=options["source"], number=int(options["number"]),
                received_at=received_at, due_at=due_at, actor=self._actor(options["user"]),
                title=options["title"], on_progress=self._progress,
            )
        if not result.ok:
            self._print_errors(result.errors)
            raise CommandError(_("Nothing was imported: %(count)s problems found.") % {"count": len(result.errors)})
        self.stdout.write(self.style.SUCCESS(_("Imported %(count)s cases into %(batch)s.")
                                             % {"count": len(result.case_ids), "batch": result.batch}))

    def _actor(self, username: str | None):
        if not username:
            return None
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(_("No user named %(name)s.") % {"name": username})
        return user

    def _progress(self, done: int, total: int) -> None:
        self.stdout.write(_("Imported %(done)s of %(total)s") % {"done": done, "total": total})

    def _print_errors(self, errors: list[RowError]) -> None:
        self.stderr.write("\t".join([_("Row"), _("Column"), _("Problem")]))
        for error in errors:
            self.stderr.write("\t".join([str(error.row) if error.row else "-", error.column or "-", error.message]))
