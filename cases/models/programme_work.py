"""The programme's records: task timeline, milestone templates, progress reports,
evidence files, verifications (验收) and objections raised in the public notice (公示)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel

from .programme import Milestone, RectificationTask
from .reference import Department
from .work import private_storage


class TaskEvent(models.Model):
    """Append-only log of everything that happened to a task (like CaseEvent)."""

    task = models.ForeignKey(RectificationTask, on_delete=models.CASCADE, related_name="events")
    milestone = models.ForeignKey(Milestone, on_delete=models.SET_NULL, null=True, blank=True, related_name="events")
    kind = models.CharField(max_length=40)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+")
    actor_department = models.ForeignKey(Department, on_delete=models.PROTECT, null=True, blank=True,
                                         related_name="+")
    created_at = models.DateTimeField(db_index=True)
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20, blank=True)
    is_public = models.BooleanField(default=False)
    text = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    dedupe_key = models.CharField(max_length=120, null=True, blank=True, unique=True)

    class Meta:
        ordering = ["created_at", "pk"]


class MilestoneTemplate(ClusterableModel):
    """Administrator-kept sequence of steps for backward scheduling (倒排工期)."""

    name = models.CharField(_("template name"), max_length=100, unique=True)
    description = models.TextField(pgettext_lazy("record", "description"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("milestone template")
        verbose_name_plural = _("milestone templates")

    def __str__(self):
        return self.name


class MilestoneTemplateStep(models.Model):
    """One step. Either a share (percent) of the time from today to the deadline, or a
    fixed number of working days before the next step's due date (the last step is due
    on the task's deadline)."""

    template = ParentalKey(MilestoneTemplate, on_delete=models.CASCADE, related_name="steps")
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    title = models.CharField(_("step"), max_length=200)
    share = models.PositiveSmallIntegerField(_("share of the time (%)"), null=True, blank=True)
    working_days_before_next = models.PositiveSmallIntegerField(_("working days before the next step"),
                                                                null=True, blank=True)

    class Meta:
        ordering = ["template", "sort_order", "pk"]
        verbose_name = _("template step")
        verbose_name_plural = _("template steps")

    def __str__(self):
        return self.title


class ProgressReport(models.Model):
    """A department's progress on one milestone: percentage and a short narrative."""

    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="reports")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    percent = models.PositiveSmallIntegerField()
    narrative = models.TextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "pk"]


def _evidence_name(instance, filename):
    # Generated names only: nothing the uploader chose reaches the file system.
    ext = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    return f"task-evidence/{instance.task_id}/{uuid.uuid4().hex}{ext}"


class EvidenceFile(models.Model):
    """Evidence for a milestone or a verification: stored privately, hashed, type from content."""

    class Kind(models.TextChoices):
        PHOTO = "photo", pgettext_lazy("evidence kind", "Photo")
        PDF = "pdf", "PDF"
        WORD = "word", pgettext_lazy("evidence kind", "Word document")
        EXCEL = "excel", pgettext_lazy("evidence kind", "Excel workbook")

    task = models.ForeignKey(RectificationTask, on_delete=models.CASCADE, related_name="evidence_files")
    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, null=True, blank=True,
                                  related_name="evidence_files")
    verification = models.ForeignKey("cases.TaskVerification", on_delete=models.CASCADE, null=True, blank=True,
                                     related_name="evidence_files")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    file = models.FileField(storage=private_storage, upload_to=_evidence_name, max_length=200)
    # Photos: the re-encoded copy without metadata and its thumbnail (the public variants).
    image = models.FileField(storage=private_storage, upload_to=_evidence_name, max_length=200, blank=True)
    thumbnail = models.FileField(storage=private_storage, upload_to=_evidence_name, max_length=200, blank=True)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    received_at = models.DateTimeField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    caption = models.CharField(max_length=200, blank=True)
    is_public = models.BooleanField(default=False)

    class Meta:
        ordering = ["received_at", "pk"]


class TaskVerification(models.Model):
    """The office's check (验收) before the public notice."""

    class Method(models.TextChoices):
        ON_SITE = "on_site", _("On-site inspection")
        DOCUMENTS = "documents", _("Document review")
        MONITORING = "monitoring", _("Third-party monitoring")

    task = models.ForeignKey(RectificationTask, on_delete=models.CASCADE, related_name="verifications")
    verified_on = models.DateField(_("verified on"))
    verified_by = models.CharField(_("verified by"), max_length=200)
    method = models.CharField(_("method"), max_length=20, choices=Method.choices)
    findings = models.TextField(_("findings"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-recorded_at", "-pk"]


class ObjectionState(models.TextChoices):
    PENDING = "pending", pgettext_lazy("objection state", "Pending")
    UPHELD = "upheld", pgettext_lazy("objection state", "Upheld")
    DISMISSED = "dismissed", pgettext_lazy("objection state", "Dismissed")


class Objection(models.Model):
    """An objection sent by anyone during a task's public notice period."""

    task = models.ForeignKey(RectificationTask, on_delete=models.CASCADE, related_name="objections")
    text = models.TextField()
    contact = models.CharField(max_length=200, blank=True)
    received_at = models.DateTimeField()
    state = models.CharField(max_length=20, choices=ObjectionState.choices, default=ObjectionState.PENDING)
    version = models.PositiveIntegerField(default=0)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["received_at", "pk"]
