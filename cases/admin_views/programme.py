"""Rectification tasks, milestones, joint meetings, action items and referral
batches as administrators maintain them (PRODUCT §4.2, §4.4)."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel
from wagtail.admin.views.generic import CreateView
from wagtail.log_actions import log

from cases.models import ActionItem, JointMeeting, MilestoneTemplate, ReferralBatch

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


class MilestoneTemplateViewSet(AdministratorViewSet):
    """Templates for backward scheduling (倒排工期). Tasks and milestones themselves are
    kept by the rectification office in the workbench (cases.programme), not here."""

    model = MilestoneTemplate
    icon = "list-ol"
    menu_label = _("Milestone templates")
    list_display = ["name", "description"]
    search_fields = ["name"]
    panels = [
        FieldPanel("name"),
        FieldPanel("description"),
        InlinePanel("steps", heading=_("Steps, in order"), label=_("Step"), min_num=1, panels=[
            FieldPanel("title"),
            FieldRowPanel([FieldPanel("share"), FieldPanel("working_days_before_next")]),
        ]),
    ]


class JointMeetingCreateView(CreateView):
    """Records the meeting through the programme service, like every other entry point."""

    def save_instance(self):
        from cases.programme import record_meeting

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
