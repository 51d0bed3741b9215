"""Joint meeting records (联席会议) with decisions and action items (PRODUCT §1).

The task ledger itself is in cases.programme.views.
"""

from django.contrib import messages
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases import roles
from cases.access import visible_cases
from cases.models import ActionItem, JointMeeting
from cases.programme import complete_action_item, record_meeting
from cases.workbench.base import HOME_CRUMB, WorkbenchView
from cases.workbench.forms_programme import CompleteItemForm, DecisionFormSet, MeetingForm
from cases.workflow import WorkflowError

MEETINGS_CRUMB = {"url": reverse_lazy("workbench:meetings"), "label": gettext_lazy("Joint meetings")}


def meetings_for(user):
    qs = JointMeeting.objects.all()
    if roles.has_role(user, roles.INTAKE, roles.SUPERVISOR):
        return qs
    dept = roles.department_id_of(user)
    return qs.filter(Q(departments=dept) | Q(action_items__department=dept)).distinct() if dept else qs.none()


class MeetingListView(WorkbenchView):
    template_name = "workbench/meetings.html"
    page_title = gettext_lazy("Joint meetings")
    header_icon = "group"

    def get(self, request):
        meetings = meetings_for(request.user).prefetch_related("departments", "action_items")[:100]
        return self.render({"meetings": meetings, "can_record": roles.has_role(request.user, roles.INTAKE)})


class MeetingCreateView(WorkbenchView):
    required_roles = (roles.INTAKE,)
    template_name = "workbench/meeting_form.html"
    page_title = gettext_lazy("Record a joint meeting")
    header_icon = "group"
    breadcrumbs_items = [HOME_CRUMB, MEETINGS_CRUMB]

    def get(self, request):
        return self.render({"form": MeetingForm(user=request.user), "decisions": DecisionFormSet(prefix="d")})

    def post(self, request):
        form = MeetingForm(request.POST, user=request.user)
        decisions = DecisionFormSet(request.POST, prefix="d")
        if not (form.is_valid() and decisions.is_valid()):
            return self.render({"form": form, "decisions": decisions})
        cd = form.cleaned_data
        meeting = record_meeting(
            held_on=cd["held_on"], title=cd["title"], convener=cd["convener"], departments=cd["departments"],
            minutes=cd["minutes"], cases=cd["cases"], tasks=cd["tasks"], actor=request.user,
            decisions=[d for d in (f.as_decision() for f in decisions) if d])
        messages.success(request, _("The meeting record was saved."))
        return redirect("workbench:meeting", meeting_id=meeting.pk)


class MeetingDetailView(WorkbenchView):
    template_name = "workbench/meeting.html"
    header_icon = "group"
    object_view = True
    breadcrumbs_items = [HOME_CRUMB, MEETINGS_CRUMB]

    def get_page_title(self):
        return str(self.meeting)

    def get(self, request, meeting_id, bound=None):
        self.meeting = get_object_or_404(meetings_for(request.user), pk=meeting_id)
        items = self.meeting.action_items.select_related("department")
        dept, intake = roles.department_id_of(request.user), roles.has_role(request.user, roles.INTAKE)
        rows = [{"item": i, "form": (bound or {}).get(i.pk) or CompleteItemForm(prefix=f"item{i.pk}"),
                 "can_complete": i.done_at is None and (intake or i.department_id == dept)} for i in items]
        return self.render({"meeting": self.meeting, "items": rows,
                            "cases": visible_cases(request.user, self.meeting.cases.all()),
                            "departments": self.meeting.departments.all(), "tasks": self.meeting.tasks.all()})


class CompleteItemView(MeetingDetailView):
    http_method_names = ["post"]

    def post(self, request, meeting_id, item_id):
        meeting = get_object_or_404(meetings_for(request.user), pk=meeting_id)
        item = get_object_or_404(ActionItem, pk=item_id, meeting=meeting)
        form = CompleteItemForm(request.POST, prefix=f"item{item.pk}")
        if form.is_valid():
            try:
                complete_action_item(item, request.user, form.cleaned_data["outcome"])
                messages.success(request, _("The action item was marked done."))
                return redirect("workbench:meeting", meeting_id=meeting.pk)
            except WorkflowError as exc:
                form.add_error(None, str(exc))
        messages.error(request, _("The action item was not marked done; see the form below."))
        return self.get(request, meeting_id, bound={item.pk: form})
