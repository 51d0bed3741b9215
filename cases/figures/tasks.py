"""Task figures: total, completed, on schedule, at risk, overdue.

A task's status is the one the programme derives from its milestones and dates
(`cases.programme.task_progress`), read through `task_status` only: when the
programme changes how status is derived, every figure follows.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch

from cases.figures.counts import Counts
from cases.models import Milestone, RectificationTask
from cases.programme import task_progress

# The programme's status keys (ledger badges, filters) → the figure they count in.
FIGURE_OF_STATUS = {"done": "completed", "on_track": "on_schedule", "at_risk": "at_risk", "late": "overdue"}


@dataclass(frozen=True)
class TaskFigures(Counts):
    DERIVED = ("in_progress",)

    total: int = 0
    completed: int = 0
    on_schedule: int = 0
    at_risk: int = 0
    overdue: int = 0

    @property
    def in_progress(self) -> int:
        """Not yet written off: on schedule + at risk + overdue."""
        return self.total - self.completed

    def of_status(self, status: str) -> int:
        """The count for a programme status key (done / on_track / at_risk / late)."""
        return getattr(self, FIGURE_OF_STATUS[status])

    def by_status(self) -> dict[str, int]:
        return {status: self.of_status(status) for status in FIGURE_OF_STATUS}


def task_status(task: RectificationTask, milestones, today: date) -> str:
    """The programme status key of one task (done / on_track / at_risk / late)."""
    return task_progress(task, milestones, today).status


def _tasks():
    return RectificationTask.objects.prefetch_related(
        Prefetch("milestones", queryset=Milestone.objects.order_by("sort_order", "due_date")))


def task_figures(today: date) -> TaskFigures:
    counts = dict.fromkeys(FIGURE_OF_STATUS.values(), 0)
    total = 0
    for task in _tasks():
        counts[FIGURE_OF_STATUS[task_status(task, list(task.milestones.all()), today)]] += 1
        total += 1
    return TaskFigures(total=total, **counts)
