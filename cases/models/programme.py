"""Rectification tasks (整改任务), milestones, joint meetings and action items."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .reference import Department


class RectificationTask(models.Model):
    number = models.PositiveIntegerField(_("number"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    problem = models.TextField(_("problem found by the inspectors"))
    source = models.CharField(_("source"), max_length=200, default="中央生态环境保护督察反馈意见")
    responsible_leader = models.CharField(_("responsible leader"), max_length=100)
    lead_department = models.ForeignKey(Department, verbose_name=_("lead unit"), on_delete=models.PROTECT,
                                        related_name="led_tasks")
    co_departments = models.ManyToManyField(Department, verbose_name=_("co-units"), blank=True,
                                            related_name="co_tasks")
    target = models.TextField(_("rectification target"))
    measures = models.TextField(_("measures"))
    start_date = models.DateField(_("start date"))
    deadline = models.DateField(_("deadline"))
    completed_at = models.DateField(_("completed on"), null=True, blank=True)
    # Write-off (验收销号) only through a recorded verification.
    verified_at = models.DateTimeField(_("verified and written off at"), null=True, blank=True, editable=False)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    editable=False, related_name="+")
    verification_note = models.TextField(_("verification record"), blank=True, editable=False)

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
    completed_at = models.DateField(_("completed on"), null=True, blank=True)
    evidence = models.TextField(_("evidence"), blank=True)
    weight = models.PositiveSmallIntegerField(_("weight"), default=1)

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
