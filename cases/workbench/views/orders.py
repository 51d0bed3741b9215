"""Supervision order screens (督办单): list, issue, the order page with reply / accept /
send back / withdraw, and the evidence files behind a permission check."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases import roles
from cases.lifecycle import WorkflowError
from cases.models import Milestone, OrderState, RectificationTask, SupervisionOrder
from cases.supervision import orders as svc
from cases.workbench.base import HOME_CRUMB, WorkbenchView, get_case_or_404
from cases.workbench.forms_supervision import DecisionForm, OrderForm, ReasonForm, ReplyForm

ORDERS_CRUMB = {"url": reverse_lazy("workbench:orders"), "label": gettext_lazy("Supervision orders")}
ORDER_RELATED = ("case", "task", "milestone__task", "issued_by", "replied_by", "replying_department", "decided_by")
FILTERS = {
    "open": lambda qs, user: qs.open(),
    "waiting_reply": lambda qs, user: qs.filter(state=OrderState.ISSUED),
    "waiting_review": lambda qs, user: qs.filter(state=OrderState.REPLIED),
    "overdue": lambda qs, user: qs.filter(state=OrderState.ISSUED, overdue_at__isnull=False),
    "mine": lambda qs, user: qs.filter(issued_by=user),
    "all": lambda qs, user: qs,
}


def visible_orders(user):
    return SupervisionOrder.objects.visible_to(user).select_related(*ORDER_RELATED).prefetch_related("departments")


class OrderListView(WorkbenchView):
    template_name = "workbench/orders.html"
    page_title = gettext_lazy("Supervision orders")
    header_icon = "warning"

    def get(self, request):
        chosen = request.GET.get("show", "open")
        qs = FILTERS.get(chosen, FILTERS["open"])(visible_orders(request.user), request.user)
        return self.render({"orders": qs[:200], "show": chosen, "filters": list(FILTERS),
                            "can_issue": svc.may_issue(request.user), "now": timezone.now()})


def _subject(request):
    """The case, task or milestone named in the query string, looked up in the user's scope."""
    params = request.GET if request.method == "GET" else request.POST
    if params.get("case"):
        case = get_case_or_404(request.user, params["case"])
        return {"case": case}, case.lead_department, case.reference
    if params.get("task"):
        task = get_object_or_404(RectificationTask.objects.visible_to(request.user), pk=params["task"])
        return {"task": task}, task.lead_department, str(task)
    if params.get("milestone"):
        milestone = get_object_or_404(Milestone.objects.select_related("task__lead_department").filter(
            task__in=RectificationTask.objects.visible_to(request.user)), pk=params["milestone"])
        return {"milestone": milestone}, milestone.task.lead_department, f"{milestone.task} · {milestone}"
    raise Http404


class OrderCreateView(WorkbenchView):
    required_roles = roles.SUPERVISION_ROLES
    template_name = "workbench/order_form.html"
    page_title = gettext_lazy("Issue a supervision order")
    header_icon = "warning"
    breadcrumbs_items = [HOME_CRUMB, ORDERS_CRUMB]

    def get(self, request):
        subject, lead, label = _subject(request)
        form = OrderForm(initial={"departments": [lead] if lead else []})
        return self.render({"form": form, "subject_label": label, "subject": subject})

    def post(self, request):
        subject, _lead, label = _subject(request)
        form = OrderForm(request.POST)
        if form.is_valid():
            cd = form.cleaned_data
            try:
                order = svc.issue_order(request.user, level=cd["level"], required_action=cd["required_action"],
                                        departments=cd["departments"], reply_days=cd["reply_days"], **subject)
                messages.success(request, _("Supervision order %(number)s was issued.") % {"number": order.number})
                return redirect("workbench:order", pk=order.pk)
            except (WorkflowError, ValidationError) as exc:
                form.add_error(None, _messages(exc))
        return self.render({"form": form, "subject_label": label, "subject": subject}, status=400)


def _messages(exc) -> str:
    return " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)


ACTIONS = {
    "reply": (ReplyForm, lambda o, u, cd: svc.reply_to_order(o, u, cd["text"], cd["files"],
                                                             expected_version=cd["version"]),
              gettext_lazy("Your reply was sent to the issuer.")),
    "accept": (DecisionForm, lambda o, u, cd: svc.accept_reply(o, u, cd["note"], expected_version=cd["version"]),
               gettext_lazy("The reply was accepted.")),
    "send_back": (ReasonForm, lambda o, u, cd: svc.send_back_reply(o, u, cd["reason"],
                                                                   expected_version=cd["version"]),
                  gettext_lazy("The reply was sent back to the department.")),
    "withdraw": (ReasonForm, lambda o, u, cd: svc.withdraw_order(o, u, cd["reason"],
                                                                 expected_version=cd["version"]),
                 gettext_lazy("The order was withdrawn.")),
}


def available_actions(user, order) -> list[str]:
    names = svc.ORDER_LIFECYCLE.actions_from(order.state)
    allowed = []
    for name in names:
        if name == "reply" and svc.may_reply(user, order):
            allowed.append(name)
        elif name in ("accept", "send_back", "withdraw") and svc.may_issue(user):
            allowed.append(name)
    return allowed


class OrderDetailView(WorkbenchView):
    template_name = "workbench/order.html"
    header_icon = "warning"
    object_view = True
    breadcrumbs_items = [HOME_CRUMB, ORDERS_CRUMB]

    def get_page_title(self):
        return _("Supervision order %(number)s") % {"number": self.order.number}

    def load(self, request, pk):
        self.order = get_object_or_404(visible_orders(request.user), pk=pk)
        if self.order.case_id:  # the case itself must be in scope too
            get_case_or_404(request.user, self.order.case_id)
        return self.order

    def get(self, request, pk, bound=None):
        order = self.load(request, pk)
        forms = [(name, (bound or {}).get(name) or ACTIONS[name][0](prefix=name, initial={"version": order.version}))
                 for name in available_actions(request.user, order)]
        return self.render({"order": order, "forms": forms, "events": order.events.select_related("actor"),
                            "evidence": order.evidence.all(), "subject_label": svc.subject_label(order),
                            "departments": order.departments.all(), "now": timezone.now()},
                           status=400 if bound else 200)

    def post(self, request, pk):
        order = self.load(request, pk)
        name = request.POST.get("action", "")
        if name not in available_actions(request.user, order):
            messages.error(request, _("That action is not possible on this order now."))
            return redirect("workbench:order", pk=order.pk)
        form_class, perform, done = ACTIONS[name]
        form = form_class(request.POST, request.FILES, prefix=name)
        if form.is_valid():
            try:
                perform(order, request.user, form.cleaned_data)
                messages.success(request, str(done))
                return redirect("workbench:order", pk=order.pk)
            except (WorkflowError, ValidationError) as exc:
                form.add_error(None, _messages(exc))
        return self.get(request, pk, bound={name: form})


class OrderEvidenceView(WorkbenchView):
    object_view = True

    def get(self, request, pk, evidence_id):
        order = get_object_or_404(SupervisionOrder.objects.visible_to(request.user), pk=pk)
        evidence = get_object_or_404(order.evidence, pk=evidence_id)
        try:
            handle = evidence.file.open("rb")
        except (FileNotFoundError, ValueError) as exc:
            raise Http404 from exc
        response = FileResponse(handle, as_attachment=True, filename=f"{order.number}-{evidence.pk}{evidence.extension}")
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response
