"""Rectification tasks, milestones, joint meetings, action items and referral
batches as administrators maintain them (docs/product.md §4.2, §4.4)."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.admin.views.generic import CreateView
from wagtail.log_actions import log

from cases.models import ActionItem, JointMeeting, Milestone, RectificationTask, ReferralBatch
from cases.programme import record_meeting

from .base import AdministratorViewSet


class ReferralBatchViewSet(AdministratorViewSet):
    """Batches are created by the spreadsheet import; here only their description
    is edited. Source, number and dates drive case clocks and stay as imported."""

    model = ReferralBatch
    icon = "folder-open-inverse"
    menu_label = _("Referral batches")
    list_display = ["__str__", "title", "received_at", "due_at"]
    list_filter = ["source"]
    search_fields = ["title", "note"]
    panels = [FieldPanel("title"), FieldPanel("note")]


class RectificationTaskViewSet(AdministratorViewSet):
    """The task ledger. Milestones have their own screen (MilestoneViewSet): the
    Milestone foreign key is a plain ForeignKey, not a ParentalKey, so an
    InlinePanel cannot edit them here."""

    model = RectificationTask
    icon = "tasks"
    menu_label = _("Rectification tasks")
    list_display = ["__str__", "lead_department", "responsible_leader", "deadline", "completed_at",
                    "verified_at"]
    list_select_related = ("lead_department",)
    list_filter = ["lead_department"]
    search_fields = ["title", "problem", "responsible_leader"]
    panels = [
        FieldRowPanel([FieldPanel("number"), FieldPanel("title")]),
        FieldPanel("problem"),
        FieldPanel("source"),
        MultiFieldPanel([
            FieldPanel("responsible_leader"),
            FieldPanel("lead_department"),
            FieldPanel("co_departments", widget=forms.CheckboxSelectMultiple),
        ], heading=_("Responsibility")),
        FieldPanel("target"),
        FieldPanel("measures"),
        FieldRowPanel([FieldPanel("start_date"), FieldPanel("deadline"), FieldPanel("completed_at")]),
    ]


class MilestoneViewSet(AdministratorViewSet):
    model = Milestone
    icon = "list-ol"
    menu_label = _("Milestones")
    sort_order_field = None  # ordered within a task, not across the whole table
    list_display = ["__str__", "task", "due_date", "completed_at", "weight"]
    list_select_related = ("task",)
    list_filter = ["task"]
    search_fields = ["title", "evidence", "task__title"]
    panels = [
        FieldPanel("task"),
        FieldPanel("title"),
        FieldRowPanel([FieldPanel("due_date"), FieldPanel("completed_at")]),
        FieldPanel("evidence"),
        FieldRowPanel([FieldPanel("weight"), FieldPanel("sort_order")]),
    ]


class JointMeetingCreateView(CreateView):
    """Records the meeting through the programme service, like every other entry point."""

    def save_instance(self):
        data = self.form.cleaned_data
        meeting = record_meeting(held_on=data["held_on"], title=data["title"], convener=data["convener"],
                                 departments=data["departments"], minutes=data["minutes"], tasks=data["tasks"],
                                 actor=self.request.user)
        log(instance=meeting, action="wagtail.create", user=self.request.user)
        return meeting


class JointMeetingViewSet(AdministratorViewSet):
    """Meetings are records: created and corrected here, never deleted. Their
    decisions (action items) run on deadline clocks and are added by the
    meeting service, not typed in here."""

    model = JointMeeting
    icon = "comment"
    menu_label = _("Joint meetings")
    add_view_class = JointMeetingCreateView
    list_display = ["__str__", "held_on", "convener"]
    search_fields = ["title", "minutes", "convener"]
    panels = [
        FieldRowPanel([FieldPanel("held_on"), FieldPanel("title"), FieldPanel("convener")]),
        FieldPanel("departments", widget=forms.CheckboxSelectMultiple),
        FieldPanel("minutes"),
        FieldPanel("tasks", widget=forms.CheckboxSelectMultiple),
    ]


class ActionItemViewSet(AdministratorViewSet):
    """Action items run on clocks (ClockKind.ACTION_ITEM): department, due time and
    completion change only through the programme service, which moves or stops the
    clock. Here administrators see them and may correct the wording."""

    model = ActionItem
    icon = "clipboard-list"
    menu_label = _("Action items")
    list_display = ["__str__", "meeting", "department", "due_at", "done_at"]
    list_select_related = ("meeting", "department")
    list_filter = ["department", "meeting"]
    search_fields = ["decision", "outcome"]
    panels = [FieldPanel("decision")]
