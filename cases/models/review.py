"""A handling result proposed by a handler and waiting for the department head
(PRODUCT §3: the head approves the department's result before it goes to the intake
officer, where the department has head approval switched on)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class HeadReview(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for the head's approval")
        APPROVED = "approved", _("Approved by the head")
        SENT_BACK = "sent_back", _("Sent back by the head")

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="head_reviews")
    department = models.ForeignKey("cases.Department", on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=12, choices=State.choices, default=State.PENDING)
    version = models.PositiveIntegerField(default=0)
    findings = models.TextField()
    reply = models.TextField()
    public_summary = models.TextField(blank=True)
    co_note = models.TextField(blank=True)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        verbose_name = _("result waiting for the head")
        verbose_name_plural = _("results waiting for the head")
        constraints = [models.UniqueConstraint(fields=["case"], condition=Q(state="pending"),
                                               name="headreview_one_pending_per_case")]
        indexes = [models.Index(fields=["department", "state"], name="headreview_department_state")]

    def __str__(self):
        return f"{self.case} · {self.get_state_display()}"
