"""Read the figures a public page shows, and count the same things independently.

`shown_figures(html)` reads every `<data data-figure=...>` element (cms_tags.figure).
`Oracle` counts each figure again in Python from the rows, without the queries of
cases/figures: a figure that a page computes differently, or that a change does not
reach, shows up as a difference.

Task statuses are derived by the programme from milestones and dates; the oracle does
not re-derive them (the rule is the programme's own): it counts the status badges of
the task ledger rows and checks the parts it can count from the rows itself, the
written-off tasks and the tasks past their deadline.
"""

import re
from collections import Counter
from html import unescape

from cases.models import Case, CaseSource, CaseState, Clock, ClockKind, Feedback, RectificationTask

FIGURE = re.compile(r'<data class="figure" value="([^"]*)" data-figure="([^"]+)">([^<]*)</data>')
OPEN = {CaseState.SUBMITTED, CaseState.ASSIGNED, CaseState.IN_PROGRESS, CaseState.PENDING_REVIEW}
REFERRALS = {CaseSource.CENTRAL: "central", CaseSource.PROVINCIAL: "provincial"}
LEDGER_BADGE = re.compile(r'<td><span class="badge status-(\w+)">')
FIGURE_OF_STATUS = {"done": "completed", "on_track": "on_schedule", "at_risk": "at_risk", "late": "overdue"}


def shown_figures(html: str) -> list[tuple[str, str]]:
    """(name, value) of every figure on the page; the visible text must be the value."""
    found = []
    for value, name, text in FIGURE.findall(html):
        assert unescape(text) == (value or "—"), f"{name}: shows {text!r} for {value!r}"
        found.append((name, value))
    return found


def ledger_statuses(html: str) -> Counter:
    return Counter(LEDGER_BADGE.findall(html))


def _pct(part: int, whole: int) -> str:
    return str(round(100 * part / whole, 1)) if whole else ""


def _case_numbers(prefix: str, rows: list[dict]) -> dict[str, str]:
    states = Counter(r["state"] for r in rows)
    return {f"{prefix}.received": str(len(rows)), f"{prefix}.closed": str(states[CaseState.CLOSED]),
            f"{prefix}.stage_closed": str(states[CaseState.STAGE_CLOSED]),
            f"{prefix}.rejected": str(states[CaseState.REJECTED]),
            f"{prefix}.in_progress": str(sum(states[s] for s in OPEN)),
            f"{prefix}.overdue": str(sum(1 for r in rows if r["state"] in OPEN and r["is_overdue"]))}


class Oracle:
    """Every figure name → the value an independent count of the rows gives."""

    def __init__(self, task_badges: Counter):
        self.cases = [c for c in Case.objects.values(
            "pk", "source", "state", "is_overdue", "batch_id", "batch__source", "batch__number", "is_public",
            "category__name", "township__name", "received_at", "lead_department_id") if c["state"] != CaseState.MERGED]
        self.values = {}
        self.checked = 0
        self._tasks(task_badges)
        self._cases()
        self._rates()

    def _tasks(self, badges: Counter) -> None:
        tasks = list(RectificationTask.objects.all())
        assert sum(badges.values()) == len(tasks), "the ledger lists every task"
        assert badges["done"] == sum(1 for t in tasks if t.verified_at), "completed = written off"
        self.values["tasks.total"] = str(len(tasks))
        for status, name in FIGURE_OF_STATUS.items():
            self.values[f"tasks.{name}"] = self.values[f"tasks.status.{status}"] = str(badges[status])

    def _cases(self) -> None:
        for source, key in REFERRALS.items():
            self.values.update(_case_numbers(key, [c for c in self.cases if c["source"] == source]))
        self.values.update(_case_numbers("citizen", [c for c in self.cases if c["source"] not in REFERRALS]))
        batches = {}
        for c in self.cases:
            if c["batch_id"]:
                batches.setdefault((REFERRALS[c["batch__source"]], c["batch__number"]), []).append(c)
        for (slug, number), rows in batches.items():
            self.values.update(_case_numbers(f"batch.{slug}.{number}", rows))
        self.values["public_cases"] = str(sum(1 for c in self.cases if c["is_public"]))

    def _on_time_pair(self, rows) -> list[int]:
        finished = [c["pk"] for c in rows if c["state"] in (CaseState.CLOSED, CaseState.STAGE_CLOSED)]
        clocks = {}
        for case_id, stopped, due in Clock.objects.filter(kind=ClockKind.HANDLING, case_id__in=finished) \
                .values_list("case_id", "stopped_at", "due_at"):
            clocks.setdefault(case_id, []).append(stopped is not None and stopped <= due)
        return [sum(all(v) for v in clocks.values()), len(clocks)]

    def _on_time(self, rows) -> str:
        return _pct(*self._on_time_pair(rows))

    def on_time_counts(self) -> list[int]:
        """[on time, closed with a handling clock] over the cases that have a lead department."""
        return self._on_time_pair([c for c in self.cases if c["lead_department_id"]])

    def charts(self) -> dict[str, dict]:
        """The dashboard's count charts (label → count, zero counts left out)."""
        from django.utils import timezone
        from django.utils.formats import date_format
        from django.utils.translation import gettext as _

        outside = _("Outside the townships")
        return {
            "by-state": dict(Counter(str(CaseState(c["state"]).label) for c in self.cases)),
            "by-category": dict(Counter(c["category__name"] for c in self.cases)),
            "by-township": dict(Counter(c["township__name"] or outside for c in self.cases)),
            # The chart labels months in the reader's form (2026年3月 / March 2026).
            "by-month": dict(Counter(date_format(timezone.localtime(c["received_at"]).date().replace(day=1),
                                                 "YEAR_MONTH_FORMAT") for c in self.cases)),
        }

    def _rates(self) -> None:
        counted = [c for c in self.cases if c["state"] != CaseState.REJECTED]
        done = [c for c in counted if c["state"] in (CaseState.CLOSED, CaseState.STAGE_CLOSED)]
        self.values["all.closure"] = _pct(len(done), len(counted))
        self.values["all.on_time"] = self._on_time(self.cases)
        citizen = [c for c in self.cases if c["source"] not in REFERRALS]
        self.values["citizen.on_time"] = self._on_time(citizen)
        latest = {}
        for case_id, _pk, rating in Feedback.objects.values_list("case_id", "pk", "rating").order_by("pk"):
            latest[case_id] = rating
        rated = [latest[c["pk"]] for c in citizen if c["pk"] in latest]
        self.values["citizen.satisfaction"] = _pct(sum(1 for r in rated if r >= 2), len(rated))

    def check(self, where: str, shown: list[tuple[str, str]]) -> int:
        """Every figure shown equals the independent count; returns how many were checked."""
        self.checked += len(shown)
        for name, value in shown:
            assert name in self.values, f"{where}: figure {name} has no independent count"
            assert value == self.values[name], f"{where}: {name} shows {value}, the rows give {self.values[name]}"
        return len(shown)
