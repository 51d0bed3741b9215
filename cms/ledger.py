"""The rectification task ledger and its wall chart (PRODUCT §4.4).

Status comes from cases.programme.status.task_progress (dates, never typed by hand). The
timeline is drawn on the server as SVG with percentage coordinates: the
site's CSP forbids inline styles, and SVG geometry attributes are not styles.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Prefetch

from cases.models import Case, JointMeeting, Milestone, RectificationTask
from cases.programme import TaskProgress, task_progress
from cases.programme.public import public_evidence

SCALE = 100


@dataclass
class Marker:
    x: float
    milestone: Milestone
    done: bool


@dataclass
class LedgerRow:
    task: RectificationTask
    progress: TaskProgress
    milestones: list
    co_units: list
    bar_x: float = 0.0
    bar_width: float = 0.0
    done_width: float = 0.0
    markers: list[Marker] = field(default_factory=list)


@dataclass
class Axis:
    start: date
    end: date
    ticks: list[tuple[float, str]]
    today_x: float | None


def tasks_queryset():
    return (RectificationTask.objects.select_related("lead_department")
            .prefetch_related("co_departments", Prefetch("milestones", queryset=Milestone.objects.order_by(
                "sort_order", "due_date"))))


def build_rows(today: date) -> list[LedgerRow]:
    rows = []
    for task in tasks_queryset():
        milestones = list(task.milestones.all())
        rows.append(LedgerRow(task, task_progress(task, milestones, today), milestones,
                              list(task.co_departments.all())))
    return rows


def filter_rows(rows: list[LedgerRow], unit: str = "", status: str = "") -> list[LedgerRow]:
    """Filters of the wall chart: a unit (lead or co-unit) and a status."""
    def keep(row: LedgerRow) -> bool:
        in_unit = not unit or row.task.lead_department.code == unit or any(d.code == unit for d in row.co_units)
        return in_unit and (not status or row.progress.status == status)

    return [r for r in rows if keep(r)]


def _x(day: date, start: date, span: int) -> float:
    return round(SCALE * min(max((day - start).days, 0), span) / span, 2)


def _month_ticks(start: date, end: date, span: int) -> list[tuple[float, str]]:
    months = (end.year - start.year) * 12 + end.month - start.month
    step = 3 if months <= 30 else 6
    ticks, year, month = [], start.year, start.month
    while date(year, month, 1) <= end:
        first = date(year, month, 1)
        if first >= start and (month - 1) % step == 0:
            ticks.append((_x(first, start, span), f"{year}-{month:02d}"))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return ticks


def lay_out(rows: list[LedgerRow], today: date) -> Axis | None:
    """Place each task's bar, progress and milestone markers on one shared axis."""
    if not rows:
        return None
    start = min(r.task.start_date for r in rows).replace(day=1)
    end = max([r.task.deadline for r in rows] + [today]) + timedelta(days=15)
    span = (end - start).days or 1
    for row in rows:
        row.bar_x = _x(row.task.start_date, start, span)
        row.bar_width = max(round(_x(row.task.deadline, start, span) - row.bar_x, 2), 0.5)
        row.done_width = round(row.bar_width * row.progress.percent / 100, 2)
        row.markers = [Marker(_x(m.due_date, start, span), m, bool(m.completed_at)) for m in row.milestones]
    today_x = _x(today, start, span) if start <= today <= end else None
    return Axis(start, end, _month_ticks(start, end, span), today_x)


def task_detail(number: int, today: date) -> dict | None:
    task = tasks_queryset().filter(number=number).first()
    if task is None:
        return None
    milestones = list(task.milestones.all())
    evidence = public_evidence(task)
    public_milestones = [{"m": m, "evidence": evidence.get(m.pk, [])} for m in milestones if m.is_public]
    cases = (Case.objects.public().filter(tasks=task).select_related("category", "township")
             .order_by("-received_at"))
    meetings = (JointMeeting.objects.filter(tasks=task).prefetch_related("departments").order_by("-held_on"))
    return {"task": task, "progress": task_progress(task, milestones, today), "milestones": public_milestones,
            "verification_evidence": evidence.get(None, []),
            "co_units": list(task.co_departments.all()), "cases": cases, "meetings": meetings}
