"""Reference data kept by administrators: departments, townships, categories,
routing rules, deadline policies and the work calendar."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Department(models.Model):
    class Kind(models.TextChoices):
        BUREAU = "bureau", _("Municipal bureau")
        TOWNSHIP = "township", _("Township / street government")
        OFFICE = "office", _("Rectification office / intake desk")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(pgettext_lazy("record", "name"), max_length=100, unique=True)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.BUREAU)
    email = models.EmailField(_("notification e-mail"), blank=True)
    phone = models.CharField(_("duty phone"), max_length=40, blank=True)
    is_active = models.BooleanField(pgettext_lazy("record", "active"), default=True)
    # Department head approves results before they go to the intake officer.
    head_approval_required = models.BooleanField(_("head approves results"), default=False)
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self):
        return self.name


class Township(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(pgettext_lazy("record", "name"), max_length=100, unique=True)
    government = models.ForeignKey(
        Department, verbose_name=_("township government"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="townships",
    )
    # GeoJSON geometry (Polygon or MultiPolygon) in WGS-84 lon/lat order.
    boundary = models.JSONField(_("boundary (GeoJSON)"), default=dict, blank=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("township")
        verbose_name_plural = _("townships")

    def __str__(self):
        return self.name


class Category(models.Model):
    """A problem category; a category with a parent is a sub-type (e.g. air → odour)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(pgettext_lazy("record", "name"), max_length=60)
    name_en = models.CharField(_("English name"), max_length=60, blank=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent category"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="subtypes",
    )
    description = models.TextField(pgettext_lazy("record", "description"), blank=True)
    keywords = models.CharField(_("keywords"), max_length=200, blank=True)
    # Extra questions asked for this category (Open311 service attributes).
    attributes = models.JSONField(_("extra questions"), default=list, blank=True)
    is_active = models.BooleanField(pgettext_lazy("record", "active"), default=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self):
        return f"{self.parent.name} / {self.name}" if self.parent_id else self.name

    @property
    def root(self):
        return self.parent if self.parent_id else self


class RoutingRule(models.Model):
    """category + township → lead department; the most specific active rule wins."""

    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.CASCADE, null=True, blank=True,
    )
    township = models.ForeignKey(
        Township, verbose_name=_("township"), on_delete=models.CASCADE, null=True, blank=True,
    )
    department = models.ForeignKey(Department, verbose_name=_("lead department"), on_delete=models.PROTECT)
    co_departments = models.ManyToManyField(
        Department, verbose_name=_("co-departments"), blank=True, related_name="co_routing_rules",
    )
    is_active = models.BooleanField(pgettext_lazy("record", "active"), default=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        constraints = [
            models.CheckConstraint(
                condition=Q(category__isnull=False) | Q(township__isnull=False),
                name="routingrule_needs_category_or_township",
            ),
            models.UniqueConstraint(
                fields=["category", "township"], name="routingrule_unique_pair",
                condition=Q(category__isnull=False, township__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["category"], name="routingrule_unique_category",
                condition=Q(township__isnull=True),
            ),
            models.UniqueConstraint(
                fields=["township"], name="routingrule_unique_township",
                condition=Q(category__isnull=True),
            ),
        ]

    def __str__(self):
        return f"{self.category or '*'} + {self.township or '*'} → {self.department}"


class ClockKind(models.TextChoices):
    DISPATCH = "dispatch", _("Dispatch")
    ACCEPT = "accept", _("Accept or return")
    ACKNOWLEDGE = "acknowledge", _("Tell reporter accepted / rejected")
    HANDLING = "handling", _("Handling")
    BATCH_REPLY = "batch_reply", _("Referral batch reply")
    ACTION_ITEM = "action_item", _("Meeting action item")


class DayUnit(models.TextChoices):
    WORKING = "working", pgettext_lazy("unit", "working days")
    CALENDAR = "calendar", pgettext_lazy("unit", "calendar days")


class DeadlinePolicy(models.Model):
    """How long a clock runs. Most specific (source + category) wins (PRODUCT §6)."""

    clock = models.CharField(_("clock"), max_length=20, choices=ClockKind.choices)
    source = models.CharField(_("source"), max_length=20, blank=True, help_text=_("blank = any source"))
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.CASCADE, null=True, blank=True,
        help_text=_("blank = any category"),
    )
    amount = models.PositiveIntegerField(_("length"))
    unit = models.CharField(_("unit"), max_length=10, choices=DayUnit.choices, default=DayUnit.WORKING)
    warn_before = models.PositiveIntegerField(_("warning, working days before"), default=3)
    escalate_after = models.PositiveIntegerField(_("escalation, working days after"), default=2)
    statutory_limit_days = models.PositiveIntegerField(
        _("statutory limit (calendar days)"), null=True, blank=True,
    )

    class Meta:
        verbose_name = _("deadline policy")
        verbose_name_plural = _("deadline policies")
        constraints = [
            models.UniqueConstraint(
                fields=["clock", "source", "category"], name="deadlinepolicy_unique",
                condition=Q(category__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["clock", "source"], name="deadlinepolicy_unique_any_category",
                condition=Q(category__isnull=True),
            ),
        ]

    def __str__(self):
        return f"{self.get_clock_display()}: {self.amount} {self.get_unit_display()}"


class DeadlineSetting(models.Model):
    """Single-row numbers of PRODUCT §6 that are not per-clock policies."""

    extension_max_days = models.PositiveIntegerField(_("longest extension (calendar days)"), default=30)
    satisfaction_days = models.PositiveIntegerField(_("satisfaction feedback window (days)"), default=7)
    review_days = models.PositiveIntegerField(_("review request window (days)"), default=30)
    handling_statutory_days = models.PositiveIntegerField(_("statutory handling limit (days)"), default=60)

    class Meta:
        verbose_name = _("deadline settings")
        verbose_name_plural = _("deadline settings")

    def __str__(self):
        return str(self._meta.verbose_name)

    @classmethod
    def current(cls) -> "DeadlineSetting":
        obj = cls.objects.order_by("pk").first()
        return obj or cls()


class WorkCalendarYear(models.Model):
    """A year whose official holiday schedule has been entered completely."""

    year = models.PositiveIntegerField(_("year"), unique=True)
    source = models.CharField(_("source"), max_length=200, blank=True)
    # Statutory holidays only, before the State Council publishes the year's
    # make-up days: deadlines are computed, and /healthz warns until replaced.
    is_provisional = models.BooleanField(_("provisional"), default=False)
    entered_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    class Meta:
        ordering = ["year"]
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")

    def __str__(self):
        return str(self.year)


class WorkCalendarDay(models.Model):
    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Public holiday (day off)")
        WORKDAY = "workday", _("Make-up working day")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(pgettext_lazy("record", "name"), max_length=60, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")

    def __str__(self):
        return f"{self.date} {self.get_kind_display()} {self.name}"


class StaffProfile(models.Model):
    """Links a staff user to a department. The role comes from the user's groups."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile")
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="staff",
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")

    def __str__(self):
        return f"{self.user} ({self.department or '-'})"
