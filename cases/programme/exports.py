"""The three lists the practice uses (问题清单、任务清单、责任清单) as .xlsx, formula-safe."""

from datetime import date

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from cases.models import Milestone
from cases.workbench.exports import xlsx_response

from .status import task_progress

LISTS = ("problems", "tasks", "responsibility")


def _rows_source(tasks):
    return tasks.select_related("lead_department").prefetch_related(
        "co_departments", Prefetch("milestones", queryset=Milestone.objects.order_by("sort_order", "due_date")))


def export_list(kind: str, tasks, today: date):
    tasks = list(_rows_source(tasks))
    if kind == "problems":
        headings = [_("No."), _("Problem found by the inspectors"), _("Where the task comes from"),
                    _("Lead department"), _("Rectification deadline"), _("Task state")]
        rows = [[t.number, t.problem, t.get_source_display(), t.lead_department.name, t.deadline.isoformat(),
                 t.get_state_display()] for t in tasks]
        return xlsx_response("problem-list.xlsx", _("Problem list"), headings, rows)
    if kind == "tasks":
        headings = [_("No."), _("Task title"), _("Rectification target"), _("Rectification measures"),
                    _("Rectification deadline"), _("Milestones"), _("Progress (%)"), _("Progress status")]
        rows = []
        for t in tasks:
            milestones = list(t.milestones.all())
            progress = task_progress(t, milestones, today)
            plan = "；".join(f"{m.title} {m.due_date:%Y-%m-%d}" for m in milestones)
            rows.append([t.number, t.title, t.target, t.measures, t.deadline.isoformat(), plan, progress.percent,
                         progress.label])
        return xlsx_response("task-list.xlsx", _("Task list"), headings, rows)
    headings = [_("No."), _("Task title"), _("Responsible leader"), _("Responsible leader's post"),
                _("Lead department"), _("Co-departments"), _("Rectification deadline")]
    rows = [[t.number, t.title, t.responsible_leader, t.leader_post, t.lead_department.name,
             "、".join(d.name for d in t.co_departments.all()), t.deadline.isoformat()] for t in tasks]
    return xlsx_response("responsibility-list.xlsx", _("Responsibility list"), headings, rows)
