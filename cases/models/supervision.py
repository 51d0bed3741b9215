"""Supervision orders (督办单), accountability records (问责), spot-check rounds (回头看),
progress-report snapshots and the export log (PRODUCT §4.7, §4.8)."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .case import Case
from .programme import Milestone, RectificationTask
from .reference import Category, Department, Township
from .work import ReferralBatch, private_storage


class OrderLevel(models.IntegerChoices):
    REMINDER = 1, pgettext_lazy("order level", "Reminder")
    SUPERVISION = 2, pgettext_lazy("order level", "Supervision")
    LISTED = 3, pgettext_lazy("order level", "Listed supervision")


class OrderState(models.TextChoices):
    ISSUED = "issued", _("Waiting for the reply")
    REPLIED = "replied", _("Reply waiting for review")
    ACCEPTED = "accepted", _("Reply accepted")
    WITHDRAWN = "withdrawn", pgettext_lazy("order state", "Withdrawn")


class SupervisionOrderQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Supervisors, the rectification office and the intake desk see every order; a
        department sees the orders addressed to it (PRODUCT §3)."""
        from cases import roles

        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if roles.has_role(user, *roles.SUPERVISION_ROLES, roles.INTAKE):
            return self
        dept = roles.department_id_of(user)
        if dept is None or not roles.has_role(user, roles.HANDLER, roles.HEAD):
            return self.none()
        return self.filter(departments=dept).distinct()

    def open(self):
        return self.filter(state__in=(OrderState.ISSUED, OrderState.REPLIED))


class SupervisionOrder(models.Model):
    number = models.CharField(_("order number"), max_length=30, unique=True, editable=False)
    level = models.PositiveSmallIntegerField(_("level"), choices=OrderLevel.choices, default=OrderLevel.SUPERVISION)
    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.PROTECT, null=True, blank=True,
                             related_name="supervision_orders")
    task = models.ForeignKey(RectificationTask, verbose_name=_("rectification task"), on_delete=models.PROTECT,
                             null=True, blank=True, related_name="supervision_orders")
    milestone = models.ForeignKey(Milestone, verbose_name=_("milestone"), on_delete=models.PROTECT, null=True,
                                  blank=True, related_name="supervision_orders")
    required_action = models.TextField(_("what must be done"))
    departments = models.ManyToManyField(Department, verbose_name=_("addressed departments"),
                                         related_name="supervision_orders")
    reply_days = models.PositiveSmallIntegerField(_("reply within (working days)"), default=5)
    state = models.CharField(_("state"), max_length=12, choices=OrderState.choices, default=OrderState.ISSUED,
                             editable=False)
    version = models.PositiveIntegerField(default=0, editable=False)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(_("issued at"))
    reply_due_at = models.DateTimeField(_("reply due"))
    overdue_at = models.DateTimeField(_("overdue since"), null=True, blank=True)
    escalation_count = models.PositiveSmallIntegerField(default=0)
    reply_text = models.TextField(pgettext_lazy("supervision", "reply"), blank=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    replied_on_time = models.BooleanField(null=True, editable=False)
    replied_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    replying_department = models.ForeignKey(Department, on_delete=models.PROTECT, null=True, blank=True,
                                            related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")

    objects = SupervisionOrderQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_at", "-pk"]
        verbose_name = _("supervision order")
        verbose_name_plural = _("supervision orders")
        indexes = [models.Index(fields=["state", "reply_due_at"], name="order_state_due")]
        constraints = [
            models.CheckConstraint(
                condition=(Q(case__isnull=False, task__isnull=True, milestone__isnull=True)
                           | Q(case__isnull=True, task__isnull=False, milestone__isnull=True)
                           | Q(case__isnull=True, task__isnull=True, milestone__isnull=False)),
                name="order_exactly_one_subject"),
        ]

    def __str__(self):
        return self.number

    @property
    def subject(self):
        return self.case or self.task or self.milestone

    @property
    def is_overdue(self) -> bool:
        return self.overdue_at is not None and self.state == OrderState.ISSUED


class SupervisionEvent(models.Model):
    """Append-only history of one order (issued, replied, accepted, sent back, escalated…)."""

    order = models.ForeignKey(SupervisionOrder, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=30)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True)
    created_at = models.DateTimeField()
    from_state = models.CharField(max_length=12, blank=True)
    to_state = models.CharField(max_length=12, blank=True)
    text = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    dedupe_key = models.CharField(max_length=80, unique=True, null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]


def _evidence_name(instance, filename):
    return f"supervision/{uuid.uuid4().hex}{instance.extension}"


class SupervisionEvidence(models.Model):
    """A file attached to a reply (private; type decided from content; hashed)."""

    order = models.ForeignKey(SupervisionOrder, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(storage=private_storage, upload_to=_evidence_name, max_length=200)
    name = models.CharField(max_length=200)
    extension = models.CharField(max_length=8)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ["uploaded_at", "pk"]


class AccountabilityForm(models.TextChoices):
    INTERVIEW = "interview", "约谈"
    CRITICISM = "criticism", "通报批评"
    ADMONISHMENT = "admonishment", "诫勉谈话"
    ORGANISATIONAL = "organisational", "组织处理"
    SANCTION = "sanction", "党纪政务处分"
    REFERRAL = "referral", "移送"
    OTHER = "other", "其他"


class AccountabilityQuerySet(models.QuerySet):
    def visible_to(self, user):
        from cases import roles

        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if roles.has_role(user, *roles.SUPERVISION_ROLES, roles.INTAKE):
            return self
        dept = roles.department_id_of(user)
        if dept is None or not roles.has_role(user, roles.HANDLER, roles.HEAD):
            return self.none()
        return self.filter(department_id=dept)


class AccountabilityRecord(models.Model):
    unit_name = models.CharField(_("unit held accountable"), max_length=200)
    department = models.ForeignKey(Department, verbose_name=_("department (if the unit is one)"),
                                   on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="accountability_records")
    person_name = models.CharField(_("person's name"), max_length=60, blank=True)
    person_post = models.CharField(_("person's post"), max_length=100, blank=True)
    form = models.CharField(_("form of accountability"), max_length=20, choices=AccountabilityForm.choices)
    reason = models.TextField(pgettext_lazy("accountability", "reason"))
    decided_on = models.DateField(_("decided on"))
    authority = models.CharField(_("deciding authority"), max_length=200)
    is_public = models.BooleanField(_("person's name may be published"), default=False)
    cases = models.ManyToManyField(Case, verbose_name=_("cases"), blank=True, related_name="accountability_records")
    tasks = models.ManyToManyField(RectificationTask, verbose_name=_("rectification tasks"), blank=True,
                                   related_name="accountability_records")
    batches = models.ManyToManyField(ReferralBatch, verbose_name=_("referral batches"), blank=True,
                                     related_name="accountability_records")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    objects = AccountabilityQuerySet.as_manager()

    class Meta:
        ordering = ["-decided_on", "-pk"]
        verbose_name = _("accountability record")
        verbose_name_plural = _("accountability records")

    def __str__(self):
        return f"{self.get_form_display()} {self.unit_name}"

    @property
    def is_person(self) -> bool:
        return bool(self.person_name or self.person_post)


class SpotCheckRound(models.Model):
    """One draw of a look-back sample, reproducible from its seed and criteria."""

    class Population(models.TextChoices):
        CASES = "cases", _("Closed cases")
        TASKS = "tasks", _("Written-off tasks")

    name = models.CharField(pgettext_lazy("spot check", "round"), max_length=60, unique=True)
    population = models.CharField(pgettext_lazy("spot check", "population"), max_length=10, choices=Population.choices,
                                  default=Population.CASES)
    share_percent = models.DecimalField(_("share, %"), max_digits=5, decimal_places=2, null=True, blank=True)
    sample_size = models.PositiveIntegerField(_("sample size"), null=True, blank=True)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    township = models.ForeignKey(Township, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    seed = models.BigIntegerField(_("random seed"))
    population_size = models.PositiveIntegerField(default=0)
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+")
    drawn_at = models.DateTimeField()

    class Meta:
        ordering = ["-drawn_at", "-pk"]

    def __str__(self):
        return self.name


class ProgressSnapshot(models.Model):
    """Every figure of the progress report as of a date, frozen (PRODUCT §4.8)."""

    as_of = models.DateField(_("as of"), unique=True)
    figures = models.JSONField(editable=False)
    problems = models.TextField(_("IV. Existing problems"), blank=True)
    next_steps = models.TextField(_("V. Next steps"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField()
    news_page_id = models.PositiveIntegerField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-as_of"]
        verbose_name = _("progress snapshot")
        verbose_name_plural = _("progress snapshots")

    def __str__(self):
        return f"{self.as_of:%Y-%m-%d}"


class ExportLog(models.Model):
    """Who exported what, when (PRODUCT §4.7 item 5)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+")
    at = models.DateTimeField()
    kind = models.CharField(max_length=40)
    what = models.CharField(max_length=200)

    class Meta:
        ordering = ["-at", "-pk"]
