"""Rectification tasks (整改任务), milestones, joint meetings and action items.

Task and milestone states change only through ``cases.programme.lifecycles`` (a guarded
transition with a version compare-and-set and a ``TaskEvent`` in the same transaction).
The wall-chart status (completed / on schedule / at risk / overdue) is never stored: it
is computed by ``cases.programme.status.task_progress`` from milestones and dates.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .reference import Department


class TaskState(models.TextChoices):
    IN_PROGRESS = "in_progress", pgettext_lazy("task state", "In progress")
    VERIFICATION = "verification", pgettext_lazy("task state", "Waiting for verification")
    NOTICE = "notice", pgettext_lazy("task state", "Public notice")
    WRITTEN_OFF = "written_off", pgettext_lazy("task state", "Written off")


class TaskSource(models.TextChoices):
    FEEDBACK = "feedback", _("Inspection feedback report")
    REFERRAL = "referral", _("Referral batch")
    SELF_FOUND = "self_found", _("Found by the city itself")


class MilestoneState(models.TextChoices):
    OPEN = "open", pgettext_lazy("milestone state", "Open")
    SUBMITTED = "submitted", pgettext_lazy("milestone state", "Done, waiting for verification")
    ACCEPTED = "accepted", pgettext_lazy("milestone state", "Verified")


class TaskQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The one scoping rule for tasks (PRODUCT §3): the rectification office, the intake
        desk and supervisors see every task; department handlers and heads the tasks where
        their department is the lead or a co-department; everyone else none."""
        from cases import roles

        if roles.has_role(user, roles.OFFICE, roles.INTAKE, roles.SUPERVISOR):
            return self
        if roles.has_role(user, roles.HANDLER, roles.HEAD):
            dept = roles.department_id_of(user)
            if dept is None:
                return self.none()
            return self.filter(models.Q(lead_department_id=dept) | models.Q(
                pk__in=RectificationTask.co_departments.through.objects.filter(
                    department_id=dept).values("rectificationtask_id")))
        return self.none()

    def written_off(self):
        """Tasks written off (销号) after verification and public notice."""
        return self.filter(state=TaskState.WRITTEN_OFF)


class RectificationTask(models.Model):
    number = models.PositiveIntegerField(_("number"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    problem = models.TextField(_("problem found by the inspectors"))
    source = models.CharField(_("source"), max_length=20, choices=TaskSource.choices, default=TaskSource.FEEDBACK)
    responsible_leader = models.CharField(_("responsible leader"), max_length=100)
    leader_post = models.CharField(_("responsible leader's post"), max_length=100, blank=True)
    lead_department = models.ForeignKey(Department, verbose_name=_("lead unit"), on_delete=models.PROTECT,
                                        related_name="led_tasks")
    co_departments = models.ManyToManyField(Department, verbose_name=_("co-units"), blank=True,
                                            related_name="co_tasks")
    target = models.TextField(_("rectification target"))
    measures = models.TextField(_("measures"))
    start_date = models.DateField(_("start date"))
    deadline = models.DateField(_("deadline"))
    batches = models.ManyToManyField("cases.ReferralBatch", verbose_name=_("referral batches"), blank=True,
                                     related_name="tasks")
    state = models.CharField(max_length=20, choices=TaskState.choices, default=TaskState.IN_PROGRESS,
                             editable=False, db_index=True)
    version = models.PositiveIntegerField(default=0, editable=False)
    completed_at = models.DateField(_("completed on"), null=True, blank=True, editable=False)
    # Public notice period (公示) after the verification: working days, default 5.
    notice_working_days = models.PositiveSmallIntegerField(_("public notice period (working days)"), default=5)
    notice_started_on = models.DateField(null=True, blank=True, editable=False)
    notice_ends_on = models.DateField(null=True, blank=True, editable=False)
    # Written off (销号) at / by: set only by the write-off service, cleared by a reopen.
    verified_at = models.DateTimeField(_("written off at"), null=True, blank=True, editable=False)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    editable=False, related_name="+")
    verification_note = models.TextField(_("verification record"), blank=True, editable=False)
    created_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = TaskQuerySet.as_manager()

    class Meta:
        ordering = ["number"]
        verbose_name = _("rectification task")
        verbose_name_plural = _("rectification tasks")

    def __str__(self):
        return f"{self.number}. {self.title}"


class Milestone(models.Model):
    task = models.ForeignKey(RectificationTask, verbose_name=_("rectification task"), on_delete=models.CASCADE,
                             related_name="milestones")
    sort_order = models.PositiveIntegerField(default=0)
    title = models.CharField(_("milestone"), max_length=200)
    due_date = models.DateField(_("due date"))
    # A co-department reports on its own part; empty means the lead department.
    department = models.ForeignKey(Department, verbose_name=_("reporting department"), on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="task_milestones")
    state = models.CharField(max_length=20, choices=MilestoneState.choices, default=MilestoneState.OPEN,
                             editable=False)
    version = models.PositiveIntegerField(default=0, editable=False)
    percent = models.PositiveSmallIntegerField(default=0, editable=False)
    # Completed on = the day the department reported it done, set when the office accepts it.
    completed_at = models.DateField(_("completed on"), null=True, blank=True)
    evidence = models.TextField(_("public evidence summary"), blank=True)
    weight = models.PositiveSmallIntegerField(_("weight"), default=1)
    is_public = models.BooleanField(_("shown publicly"), default=True)

    class Meta:
        ordering = ["task", "sort_order", "due_date"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self):
        return self.title


class JointMeeting(models.Model):
    held_on = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200)
    convener = models.CharField(_("convener"), max_length=100)
    departments = models.ManyToManyField(Department, verbose_name=_("attending departments"),
                                         related_name="meetings")
    minutes = models.TextField(_("minutes"))
    cases = models.ManyToManyField("cases.Case", verbose_name=_("cases"), blank=True, related_name="meetings")
    tasks = models.ManyToManyField(RectificationTask, verbose_name=_("rectification tasks"), blank=True,
                                   related_name="meetings")

    class Meta:
        ordering = ["-held_on"]
        verbose_name = _("joint meeting")
        verbose_name_plural = _("joint meetings")

    def __str__(self):
        return f"{self.held_on} {self.title}"


class ActionItem(models.Model):
    meeting = models.ForeignKey(JointMeeting, on_delete=models.CASCADE, related_name="action_items")
    decision = models.TextField(_("decision"))
    department = models.ForeignKey(Department, verbose_name=_("responsible department"),
                                   on_delete=models.PROTECT, related_name="action_items")
    due_at = models.DateTimeField(_("due"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)

    class Meta:
        ordering = ["due_at"]
        verbose_name = _("action item")
        verbose_name_plural = _("action items")

    def __str__(self):
        return self.decision[:40]
