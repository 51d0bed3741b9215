"""The rectification programme (PRODUCT §4.4): tasks, backward scheduling, department
progress with evidence, verification, public notice and write-off.

Modules:

* ``status`` — the wall-chart status roll-up (pure; the one definition every figure uses);
* ``lifecycles`` — transition tables of tasks, milestones, objections; the task timeline;
* ``access`` — who may do what (scoping is ``RectificationTask.objects.visible_to``);
* ``ledger`` — tasks and milestone dates kept by the rectification office;
* ``scheduling`` — backward scheduling on the work calendar (pure);
* ``progress`` / ``evidence`` — department reports and evidence files;
* ``writeoff`` — verification, notice, objections, write-off, reopen;
* ``clocks`` — warnings and overdue flags of milestones and tasks;
* ``meetings`` — joint meetings and action items (spot checks: ``cases.supervision``).

Services other capabilities call: ``reopen_task``, ``written_off_tasks``, ``task_progress``.
"""

from .meetings import complete_action_item, record_meeting
from .status import AT_RISK_DAYS, STATUS_LABELS, STATUSES, TaskProgress, status_counts, task_progress
from .writeoff import reopen_task, written_off_tasks

__all__ = [
    "AT_RISK_DAYS", "STATUSES", "STATUS_LABELS", "TaskProgress", "complete_action_item", "record_meeting",
    "reopen_task", "status_counts", "task_progress",
    "written_off_tasks",
]
