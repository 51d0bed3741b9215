"""The "my tasks" panel on the admin home: the tasks a department takes part in (or, for the
office, every task), with their status and what waits for the viewer."""

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from wagtail.admin.ui.components import Component

from cases.models import Milestone, MilestoneState, RectificationTask, TaskState

from .access import PROGRAMME_ROLES, is_office
from .status import task_progress

SHOWN = 8


class MyTasksPanel(Component):
    name = "programme_tasks"
    order = 30
    template_name = "workbench/panels/tasks.html"

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context=None):
        today = timezone.localdate()
        tasks = (RectificationTask.objects.visible_to(self.user).exclude(state=TaskState.WRITTEN_OFF)
                 .select_related("lead_department")
                 .prefetch_related(Prefetch("milestones", queryset=Milestone.objects.order_by("sort_order"))))
        rows = []
        for task in tasks:
            milestones = list(task.milestones.all())
            waiting = sum(m.state == MilestoneState.SUBMITTED for m in milestones) if is_office(self.user) else 0
            rows.append({"task": task, "progress": task_progress(task, milestones, today), "waiting": waiting})
        rows.sort(key=lambda r: ({"late": 0, "at_risk": 1}.get(r["progress"].status, 2), r["task"].deadline))
        return {"rows": rows[:SHOWN], "total": len(rows), "list_url": reverse("workbench:tasks")}


def panels_for(user) -> list:
    from cases import roles

    return [MyTasksPanel(user)] if roles.has_role(user, *PROGRAMME_ROLES) else []
