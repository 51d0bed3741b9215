"""The wall-chart status of a task, rolled up from its milestones and dates.

This is the single definition every figure uses (workbench, public ledger, home
counters, progress reports). It is a pure function: no database, ``today`` passed in.

* ``done`` (completed): the task is written off (销号) after verification and notice;
* ``late`` (overdue): not written off and the deadline or a pending milestone's due date passed;
* ``at_risk``: a pending milestone is due within ``AT_RISK_DAYS``, or progress lags the
  time elapsed by more than 25 points;
* ``on_track`` (on schedule): everything else.

Progress is the weighted share of milestones verified by the office, with the
departments' reported percentage counted for milestones still open.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy

AT_RISK_DAYS = 14
LAG_POINTS = 25

DONE, ON_TRACK, AT_RISK, LATE = "done", "on_track", "at_risk", "late"
STATUS_LABELS = {
    DONE: gettext_lazy("Completed"),
    ON_TRACK: gettext_lazy("On track"),
    AT_RISK: gettext_lazy("At risk"),
    LATE: gettext_lazy("Late"),
}
STATUSES = tuple(STATUS_LABELS)


@dataclass(frozen=True)
class TaskProgress:
    status: str  # done | on_track | at_risk | late
    percent: int
    next_milestone_due: date | None

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self.status])


def milestone_percent(milestone) -> int:
    if milestone.completed_at:
        return 100
    return min(int(getattr(milestone, "percent", 0) or 0), 99)


def task_progress(task, milestones: Sequence, today: date) -> TaskProgress:
    """Pure: ``task`` needs ``verified_at`` (written off), ``deadline`` and ``start_date``;
    each milestone ``weight``, ``due_date``, ``completed_at`` and ``percent``."""
    written_off = task.verified_at is not None
    total = sum(m.weight for m in milestones)
    if milestones and total:
        percent = round(sum(m.weight * milestone_percent(m) for m in milestones) / total)
    else:
        percent = 100 if written_off else 0
    pending = sorted((m for m in milestones if not m.completed_at), key=lambda m: m.due_date)
    next_due = pending[0].due_date if pending else None
    if written_off:
        status = DONE
    elif today > task.deadline or (next_due and next_due < today):
        status = LATE
    elif (next_due and (next_due - today).days <= AT_RISK_DAYS) or _behind_schedule(task, percent, today):
        status = AT_RISK
    else:
        status = ON_TRACK
    return TaskProgress(status, percent, next_due)


def _behind_schedule(task, percent: int, today: date) -> bool:
    span = (task.deadline - task.start_date).days or 1
    expected = 100 * min(max((today - task.start_date).days, 0), span) / span
    return percent + LAG_POINTS < expected


def status_counts(progresses: Sequence[TaskProgress]) -> dict[str, int]:
    """Tasks per status, every status present (for counters and the wall chart legend)."""
    counts = dict.fromkeys(STATUSES, 0)
    for progress in progresses:
        counts[progress.status] += 1
    return counts
