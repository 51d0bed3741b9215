"""Cases, their assignments, clocks, events and reporter identity."""

from enum import nonmember

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.lookups import IsNull
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cases.event_texts import internal_text_of
from cases.fields import EncryptedTextField
from cases.public_text import text_of

from .reference import Category, ClockKind, Department, Township


class CaseState(models.TextChoices):
    SUBMITTED = "submitted", _("Waiting for dispatch")
    ASSIGNED = "assigned", _("Assigned")
    IN_PROGRESS = "in_progress", pgettext_lazy("case state", "In progress")
    PENDING_REVIEW = "pending_review", _("Waiting for verification")
    STAGE_CLOSED = "stage_closed", _("Stage-closed")
    CLOSED = "closed", _("Closed")
    REJECTED = "rejected", pgettext_lazy("case state", "Rejected")
    MERGED = "merged", _("Merged")

    # State groups, defined here only (nonmember: not states themselves). The values are the
    # members' strings because the members do not exist yet inside the class body;
    # tests/cases/test_models.py checks that every group names real states.
    #: Still being handled: the reporter waits; clocks run; may be merged.
    OPEN = nonmember(frozenset({"submitted", "assigned", "in_progress", "pending_review"}))
    #: No longer open, for whatever reason.
    FINISHED = nonmember(frozenset({"stage_closed", "closed", "rejected", "merged"}))
    #: A result was given: counted as closed in the public figures and rates.
    RESOLVED = nonmember(frozenset({"stage_closed", "closed"}))
    #: Not handled as a case of its own: no evidence, not counted in closure rates, not a merge target.
    DISMISSED = nonmember(frozenset({"rejected", "merged"}))
    #: With a department: co-departments accept and submit their parts while the case is here.
    WITH_DEPARTMENT = nonmember(frozenset({"assigned", "in_progress"}))


class CaseSource(models.TextChoices):
    WEB = "web", _("Citizen (web)")
    PHONE = "phone", _("Phone")
    LETTER = "letter", _("Letter")
    VISIT = "visit", _("Visit")
    API = "api", _("API")
    CENTRAL = "central", _("Central inspection referral")
    PROVINCIAL = "provincial", _("Provincial inspection referral")


class LocationSource(models.TextChoices):
    PIN = "pin", _("Map pin")
    DEVICE = "device", _("Device location")
    PHOTO = "photo", _("Photo GPS")
    GEOCODER = "geocoder", _("Address search")
    ADDRESS = "address", _("Address text only")
    IMPORT = "import", _("Imported")


class ReferenceSequence(models.Model):
    """Per-year counter for reference numbers such as HB2026-000153."""

    year = models.PositiveIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)


class CaseQuerySet(models.QuerySet):
    def open(self):
        return self.filter(state__in=CaseState.OPEN)

    def public(self):
        # `is_public__in=[True]`, not `is_public=True`: Django writes the latter as a bare
        # `WHERE "is_public"`, which SQLite cannot match to the case_public index (a full
        # scan: 151 ms against 14 ms for the count at 100,000 cases, docs/performance.md).
        return self.filter(is_public__in=[True]).exclude(state=CaseState.MERGED)


# The staff list's default order (cases.workbench.filters.SORTS["due"]) as index expressions.
DUE_ORDER = (IsNull(F("next_due_at"), True), F("next_due_at"), F("received_at").desc(), F("id").desc())


class IntakeJob(models.TextChoices):
    """What the worker still has to do for a report received by the web form or the API."""

    NONE = "", _("no intake work left")
    ROUTE = "route", _("start the clocks and route")
    CLOCKS = "clocks", _("start the clocks (routing left to the dispatch desk)")


class Case(models.Model):
    reference = models.CharField(_("reference"), max_length=20, unique=True)
    access_code_hash = models.CharField(max_length=128, blank=True, editable=False)
    idempotency_key = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    source = models.CharField(_("source"), max_length=20, choices=CaseSource.choices, default=CaseSource.WEB)
    source_detail = models.CharField(_("channel detail"), max_length=100, blank=True)
    batch = models.ForeignKey(
        "cases.ReferralBatch", verbose_name=_("referral batch"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="cases",
    )
    batch_sequence = models.PositiveIntegerField(_("sequence in batch"), null=True, blank=True)
    original_code = models.CharField(_("original case code"), max_length=40, blank=True, db_index=True)
    is_key_case = models.BooleanField(_("key case"), default=False)

    category = models.ForeignKey(Category, verbose_name=_("category"), on_delete=models.PROTECT,
                                 related_name="cases")
    subcategory = models.ForeignKey(Category, verbose_name=_("sub-type"), on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="subtype_cases")
    title = models.CharField(_("title"), max_length=120, blank=True)
    description = models.TextField(_("what is happening"))
    observed_at = models.DateTimeField(_("when observed"), null=True, blank=True)
    polluter_name = models.CharField(_("polluter (if known)"), max_length=200, blank=True)
    extra = models.JSONField(_("answers to extra questions"), default=dict, blank=True)

    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    location_source = models.CharField(_("location source"), max_length=20, choices=LocationSource.choices,
                                       default=LocationSource.ADDRESS)
    address = models.CharField(_("address"), max_length=300, blank=True)
    township = models.ForeignKey(Township, verbose_name=_("township"), on_delete=models.PROTECT,
                                 null=True, blank=True, related_name="cases")

    state = models.CharField(_("state"), max_length=20, choices=CaseState.choices,
                             default=CaseState.SUBMITTED, editable=False)
    # Bumped by every change (cases.lifecycle): the compare-and-set guard.
    version = models.PositiveIntegerField(default=0, editable=False)
    lead_department = models.ForeignKey(Department, verbose_name=_("lead department"),
                                        on_delete=models.PROTECT, null=True, blank=True,
                                        related_name="lead_cases", editable=False)
    merged_into = models.ForeignKey("self", verbose_name=_("merged into"), on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="merged_cases", editable=False)
    rejection_reason = models.TextField(_("rejection reason"), blank=True)
    redirect_authority = models.CharField(_("where to go instead"), max_length=200, blank=True)

    internal_findings = models.TextField(_("internal findings"), blank=True)
    reply_text = models.TextField(_("reply to the reporter"), blank=True)
    public_summary = models.TextField(_("public summary"), blank=True)
    accountability = models.TextField(_("accountability"), blank=True)
    is_public = models.BooleanField(_("shown publicly"), default=False)
    is_sensitive = models.BooleanField(_("coarsen location in public"), default=False)
    tasks = models.ManyToManyField("cases.RectificationTask", verbose_name=_("rectification tasks"),
                                   blank=True, related_name="cases")

    received_at = models.DateTimeField(_("received at"), db_index=True)
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    result_submitted_at = models.DateTimeField(_("result submitted at"), null=True, blank=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # The earliest running clock's due time: what the lists sort and colour by.
    next_due_at = models.DateTimeField(_("next due"), null=True, blank=True)
    is_overdue = models.BooleanField(_("overdue"), default=False)
    is_supervised = models.BooleanField(_("supervised (escalated)"), default=False)
    reopen_count = models.PositiveIntegerField(_("times reopened"), default=0)
    # The worker's part of intake still to do (cases.pipeline): the durable job written with
    # the case, cleared by the worker in the transaction that does it.
    intake_job = models.CharField(max_length=8, choices=IntakeJob.choices, default=IntakeJob.NONE, blank=True,
                                  editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            models.Index(fields=["state", "next_due_at"], name="case_state_due"),
            models.Index(fields=["lead_department", "state"], name="case_dept_state"),
            models.Index(fields=["category", "state"], name="case_category_state"),
            models.Index(fields=["township", "state"], name="case_township_state"),
            models.Index(fields=["source", "state"], name="case_source_state"),
            models.Index(fields=["latitude", "longitude"], name="case_latlng"),
            models.Index(fields=["is_public", "received_at"], name="case_public"),
            # Covering indexes for the dashboard counts (all cases, or one department).
            models.Index(fields=["is_overdue", "state", "lead_department"], name="case_overdue_state_dept"),
            models.Index(fields=["is_supervised", "state", "lead_department"], name="case_supervised_state_dept"),
            # A department's "due this week" (cases.workbench.counts) from the index alone. State
            # first: led by the department, SQLite took an index starting with it for the list's
            # department filter and sorted every case of the department (2 s at 1,000,000).
            models.Index(fields=["state", "lead_department", "next_due_at"], name="case_state_dept_due"),
            # The staff list's default order (cases.workbench.filters.SORTS["due"]).
            models.Index(*DUE_ORDER, name="case_due_order"),
            # The same order under the list's most used filters (department, state, overdue), so a
            # filtered page reads 50 index entries instead of sorting every match (docs/performance.md).
            models.Index(F("lead_department"), *DUE_ORDER, name="case_dept_due_order"),
            models.Index(F("state"), *DUE_ORDER, name="case_state_due_order"),
            models.Index(F("is_overdue"), *DUE_ORDER, name="case_overdue_due_order"),
            # The public pages' cheap "has any case changed" probe (cms.caching).
            models.Index(fields=["updated_at"], name="case_updated"),
            # The intake sweep's "reports the worker has not finished" (a handful of rows at most).
            models.Index(fields=["received_at"], condition=~Q(intake_job=""), name="case_intake_pending"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["batch", "original_code"], name="case_unique_code_in_batch",
                                    condition=Q(batch__isnull=False)),
            models.CheckConstraint(condition=Q(latitude__gte=-90, latitude__lte=90) | Q(latitude__isnull=True),
                                   name="case_latitude_range"),
            models.CheckConstraint(
                condition=Q(longitude__gte=-180, longitude__lte=180) | Q(longitude__isnull=True),
                name="case_longitude_range",
            ),
        ]

    def __str__(self):
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.state in CaseState.OPEN


class ReporterIdentity(models.Model):
    """Who reported: kept apart from the case, contact data encrypted (docs/product.md §7).

    One case may have several reporters once duplicates are merged or a citizen
    follows an existing case instead of filing a new one.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="reporters")
    is_anonymous = models.BooleanField(_("anonymous"), default=False)
    name = EncryptedTextField(pgettext_lazy("person", "name"), blank=True)
    phone = EncryptedTextField(_("phone"), blank=True)
    email = EncryptedTextField(_("e-mail"), blank=True)
    ip_address = EncryptedTextField(_("IP address"), blank=True)
    consented_at = models.DateTimeField(_("consented to privacy notice"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    contact_purged_at = models.DateTimeField(_("contact deleted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("reporter identity")
        verbose_name_plural = _("reporter identities")


class IdentityAccessLog(models.Model):
    """Every view of a reporter identity (docs/product.md §3: every view is logged)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="identity_views")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    viewed_at = models.DateTimeField(auto_now_add=True)
    purpose = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-viewed_at"]


class Assignment(models.Model):
    class Role(models.TextChoices):
        LEAD = "lead", _("Lead department")
        CO = "co", _("Co-department")

    class State(models.TextChoices):
        ASSIGNED = "assigned", _("Waiting for acceptance")
        ACCEPTED = "accepted", _("Accepted")
        DONE = "done", _("Part submitted")
        RETURNED = "returned", _("Returned")
        TRANSFERRED = "transferred", _("Transferred away")
        CANCELLED = "cancelled", _("Cancelled")

        # State groups (see CaseState). Still working on the part:
        WORKING = nonmember(frozenset({"assigned", "accepted"}))
        # Still part of the case (a done part counts until the case is returned, transferred or merged):
        CURRENT = nonmember(frozenset({"assigned", "accepted", "done"}))

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assignments")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="assignments")
    role = models.CharField(max_length=10, choices=Role.choices)
    # Changed only through cases.assignments (the transition table); version is the compare-and-set guard.
    state = models.CharField(max_length=20, choices=State.choices, default=State.ASSIGNED, editable=False)
    version = models.PositiveIntegerField(default=0, editable=False)
    assigned_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    contribution = models.TextField(_("co-department's part"), blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["assigned_at", "pk"]
        indexes = [models.Index(fields=["department", "is_active"], name="assignment_dept_active")]
        constraints = [
            models.UniqueConstraint(fields=["case"], condition=Q(is_active=True, role="lead"),
                                    name="assignment_one_active_lead"),
            models.UniqueConstraint(fields=["case", "department"], condition=Q(is_active=True),
                                    name="assignment_one_active_per_department"),
        ]


class Clock(models.Model):
    """One running deadline. The sweep reads only rows whose next threshold passed:
    partial indexes make its cost follow the crossings, not the table size."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, null=True, blank=True, related_name="clocks")
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, null=True, blank=True,
                                   related_name="clocks")
    action_item = models.ForeignKey("cases.ActionItem", on_delete=models.CASCADE, null=True, blank=True,
                                    related_name="clocks")
    kind = models.CharField(max_length=20, choices=ClockKind.choices)
    started_at = models.DateTimeField()
    due_at = models.DateTimeField()
    warn_at = models.DateTimeField()
    escalate_at = models.DateTimeField()
    original_due_at = models.DateTimeField(null=True, blank=True)  # before extensions
    stopped_at = models.DateTimeField(null=True, blank=True)
    warned_at = models.DateTimeField(null=True, blank=True)
    overdue_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at"]
        indexes = [
            models.Index(fields=["warn_at"], name="clock_pending_warning",
                         condition=Q(stopped_at__isnull=True, warned_at__isnull=True)),
            models.Index(fields=["due_at"], name="clock_pending_overdue",
                         condition=Q(stopped_at__isnull=True, overdue_at__isnull=True)),
            models.Index(fields=["escalate_at"], name="clock_pending_escalation",
                         condition=Q(stopped_at__isnull=True, escalated_at__isnull=True)),
            models.Index(fields=["case", "kind"], name="clock_case_kind"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["case", "assignment", "kind"], name="clock_one_running",
                                    condition=Q(stopped_at__isnull=True, action_item__isnull=True)),
        ]


class CaseEvent(models.Model):
    """Append-only log of everything that happened to a case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=40, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True)
    actor_department = models.ForeignKey(Department, on_delete=models.PROTECT, null=True, blank=True)
    created_at = models.DateTimeField(db_index=True)
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20, blank=True)
    is_public = models.BooleanField(default=False)
    public_text = models.TextField(blank=True)
    internal_text = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    # Makes the sweep's "one event per crossing" a database guarantee.
    dedupe_key = models.CharField(max_length=120, unique=True, null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["case", "created_at"], name="event_case_time")]

    def save(self, *args, **kwargs):
        # Integrity guard, not business logic: the log is append-only.
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValueError("CaseEvent is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("CaseEvent is append-only")

    @property
    def seen_by_reporter(self) -> bool:
        """What the tracking page shows (cases/tracking.py): a public event with a public
        text. A public event without one (an extension approved with an internal note) is
        not seen by anyone outside, and the workbench must not label it public."""
        return self.is_public and bool(self.public_text)

    @property
    def shown_public_text(self) -> str:
        """The public text in the reader's language where it is a standard message."""
        return text_of(self)

    @property
    def shown_internal_text(self) -> str:
        """The internal text; a sentence in the reader's language for system events."""
        return internal_text_of(self)


class Feedback(models.Model):
    class Rating(models.IntegerChoices):
        SATISFIED = 3, _("Satisfied")
        BASICALLY = 2, _("Basically satisfied")
        UNSATISFIED = 1, _("Unsatisfied")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="feedback")
    rating = models.PositiveSmallIntegerField(choices=Rating.choices)
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]
