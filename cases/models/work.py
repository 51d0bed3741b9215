"""Photos, extension requests, referral batches, spot checks, notifications."""

import uuid

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cases.fields import EncryptedTextField

from .case import Assignment, Case, CaseSource


class PrivateStorage(Storage):
    """Resolves STORAGES["private"] on every use, so settings changes (tests,
    S3 in production) apply to fields declared at import time."""

    def __getattribute__(self, name):
        if name.startswith("__"):
            return object.__getattribute__(self, name)
        return getattr(storages["private"], name)


_private = PrivateStorage()


def private_storage():
    return _private


def _private_name(instance, filename):
    # Generated names only: nothing the uploader chose reaches the file system.
    return f"photos/{instance.case_id or 'new'}/{uuid.uuid4().hex}{_ext(filename)}"


def _ext(filename: str) -> str:
    return "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""


class PhotoState(models.TextChoices):
    """A citizen's upload is stored as received in the request; the worker makes the copies."""

    PENDING = "pending", pgettext_lazy("photo state", "Being processed")
    READY = "ready", pgettext_lazy("photo state", "Ready")
    FAILED = "failed", pgettext_lazy("photo state", "Could not be processed")


class Photo(models.Model):
    class Kind(models.TextChoices):
        CITIZEN = "citizen", _("Reporter's photo")
        BEFORE = "before", _("Evidence: before")
        AFTER = "after", _("Evidence: after")
        EVIDENCE = "evidence", _("Evidence")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="photos")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.CITIZEN)
    original = models.FileField(storage=private_storage, upload_to=_private_name, max_length=200)
    # Empty until the worker made them (state "pending"), and for good when it could not ("failed").
    image = models.FileField(storage=private_storage, upload_to=_private_name, max_length=200, blank=True)
    thumbnail = models.FileField(storage=private_storage, upload_to=_private_name, max_length=200, blank=True)
    original_sha256 = models.CharField(max_length=64)  # the server's hash of the bytes it received
    # The SHA-256 the reporter's browser says it computed of the file before shrinking it
    # (cases/reportform/claims.py): a claim, never checked against anything the server has.
    client_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    original_format = models.CharField(max_length=10)
    original_size = models.PositiveIntegerField()
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    received_at = models.DateTimeField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True)
    caption = models.CharField(max_length=200, blank=True)
    is_public = models.BooleanField(default=False)
    # Changed only through cases.pipeline.photos (guarded transition: pending -> ready / failed).
    state = models.CharField(max_length=10, choices=PhotoState.choices, default=PhotoState.READY, editable=False)
    version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["received_at", "pk"]
        indexes = [
            # The intake sweep's "photos the worker has not finished" (a handful of rows at most).
            models.Index(fields=["received_at"], condition=Q(state="pending"), name="photo_pending"),
        ]


class ExtensionRequest(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="extension_requests")
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="extension_requests")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    reason = models.TextField(_("reason (internal)"))
    public_reason = models.TextField(_("reason told to the reporter"))
    old_due_at = models.DateTimeField()
    requested_due_at = models.DateTimeField(_("requested new due time"))
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(fields=["case"], condition=Q(state="pending"),
                                    name="extension_one_pending_per_case"),
        ]


class ReferralBatch(models.Model):
    source = models.CharField(_("source"), max_length=20, choices=[
        (CaseSource.CENTRAL, CaseSource.CENTRAL.label), (CaseSource.PROVINCIAL, CaseSource.PROVINCIAL.label),
    ])
    number = models.PositiveIntegerField(_("batch number"))
    title = models.CharField(_("title"), max_length=200, blank=True)
    received_at = models.DateTimeField(_("received at"))
    due_at = models.DateTimeField(_("reply due"))
    note = models.TextField(_("note"), blank=True)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True)

    class Meta:
        ordering = ["source", "number"]
        verbose_name = _("referral batch")
        verbose_name_plural = _("referral batches")
        constraints = [models.UniqueConstraint(fields=["source", "number"], name="batch_unique_number")]

    def __str__(self):
        return f"{self.get_source_display()} 第{self.number}批"


class ImportJob(models.Model):
    """Progress of a long import or export, polled by the admin page (docs/product.md §8)."""

    class State(models.TextChoices):
        QUEUED = "queued", pgettext_lazy("notification", "Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    kind = models.CharField(max_length=30)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    result = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)


class SpotCheck(models.Model):
    """One sampled item of a look-back round (回头看): a closed case or a written-off task."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("Waiting for inspection")
        CONFIRMED = "confirmed", _("Rectification holds")
        RELAPSE = "relapse", _("Relapse found")
        NOT_VERIFIABLE = "not_verifiable", _("Not verifiable")

    round = models.ForeignKey("cases.SpotCheckRound", on_delete=models.CASCADE, null=True, blank=True,
                              related_name="items")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, null=True, blank=True, related_name="spot_checks")
    task = models.ForeignKey("cases.RectificationTask", on_delete=models.CASCADE, null=True, blank=True,
                             related_name="spot_checks")
    round_name = models.CharField(_("round"), max_length=60)
    sampled_at = models.DateTimeField()
    sampled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    assigned_department = models.ForeignKey("cases.Department", verbose_name=_("re-inspected by"),
                                            on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    outcome = models.CharField(max_length=16, choices=Outcome.choices, default=Outcome.PENDING)
    note = models.TextField(blank=True)
    evidence = models.FileField(storage=private_storage, upload_to="spotchecks/", max_length=200, blank=True)
    evidence_sha256 = models.CharField(max_length=64, blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["case", "round_name"], name="spotcheck_once_per_round",
                                    condition=Q(case__isnull=False)),
            models.UniqueConstraint(fields=["task", "round_name"], name="spotcheck_task_once_per_round",
                                    condition=Q(task__isnull=False)),
        ]


class Notification(models.Model):
    """Outbox row: written in the case's transaction, sent later by a task."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        SMS = "sms", _("SMS")

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, null=True, blank=True, related_name="notifications")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    # Reporter addresses and messages (which may hold an access code) are personal
    # data: encrypted at rest like ReporterIdentity (docs/product.md §7).
    recipient = EncryptedTextField()
    # Who it is for, without saying who: "reporter", "department:<id>", "staff:<id>".
    audience = models.CharField(max_length=40)
    template = models.CharField(max_length=60)
    language = models.CharField(max_length=10, default="zh-hans")
    subject = models.CharField(max_length=200, blank=True)
    body = EncryptedTextField()
    idempotency_key = models.CharField(max_length=160, unique=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["next_attempt_at"], name="notification_due",
                                condition=Q(state__in=["pending", "sending"]))]


class ApiClient(models.Model):
    """An Open311 client; the key is shown once and stored hashed."""

    name = models.CharField(pgettext_lazy("record", "name"), max_length=100, unique=True)
    key_prefix = models.CharField(max_length=12, db_index=True, editable=False)
    key_hash = models.CharField(max_length=128, editable=False)
    is_active = models.BooleanField(pgettext_lazy("record", "active"), default=True)
    rate_limit = models.CharField(_("rate limit"), max_length=20, default="60/m")
    created_at = models.DateTimeField(auto_now_add=True)
    rotated_at = models.DateTimeField(null=True, blank=True)
    contact = models.CharField(_("contact"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")

    def __str__(self):
        return self.name


class TaskHeartbeat(models.Model):
    """Written by a scheduled task; /healthz reads its age to tell the worker is alive."""

    name = models.CharField(max_length=40, unique=True)
    beat_at = models.DateTimeField()


