"""What administrators did on the operator screens (cases/operations/, deploy/README.md,
"Operator screens"). Append-only: rows are written by cases/operations services and never
edited."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class OperatorAction(models.Model):
    class Kind(models.TextChoices):
        RESET_SECOND_FACTOR = "reset_second_factor", _("Second factor reset")
        UNLOCK = "unlock", _("Sign-in lockout lifted")
        RETRY_TASK = "retry_task", _("Failed task run again")
        RETRY_MESSAGE = "retry_message", _("Failed message sent again")

    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    # The staff account acted on (second factor, lockout of an existing account), if any.
    subject_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    # What was acted on, in words: "task send_notifications (3f2a…)", "message 42", "address 10.0.0.7".
    subject = models.CharField(max_length=200, blank=True)
    reason = models.TextField(pgettext_lazy("operations", "reason"), blank=True)
    outcome = models.CharField(max_length=300, blank=True)
    # A retried task's new django-q2 id: the failed-tasks screen shows how that run ended.
    task_id = models.CharField(max_length=32, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("operator action")
        verbose_name_plural = _("operator actions")

    def __str__(self):
        return f"{self.get_kind_display()} {self.subject}"
