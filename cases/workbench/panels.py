"""Dashboard panels on the admin home (PRODUCT §4.3): my overdue, due this week,
waiting for my approval, newest escalations. Counts come from
cases.dashboard.dashboard_counts and link to the list filtered the same way."""

from urllib.parse import urlencode

from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.components import Component

from cases import roles
from cases.access import visible_cases
from cases.dashboard import dashboard_counts
from cases.models import OPEN_STATES, CaseEvent, CaseState, HeadReview

ESCALATIONS_SHOWN = 5


def list_url(**params) -> str:
    return f"{reverse('workbench:list')}?{urlencode(params)}"


def my_scope(user) -> dict:
    """dashboard_counts counts a department's "my" cases as those it leads now."""
    if roles.has_role(user, roles.HANDLER, roles.HEAD) and not roles.has_role(user, roles.INTAKE, roles.SUPERVISOR):
        return {"department": roles.department_id_of(user) or 0}
    return {}


def count_items(user, counts: dict) -> list[dict]:
    scope = my_scope(user)
    items = [
        {"label": _("Overdue"), "count": counts["overdue"], "tone": "overdue",
         "url": list_url(state="open", overdue="on", **scope)},
        {"label": _("Due within 7 days"), "count": counts["due_this_week"], "tone": "warning",
         "url": list_url(state="open", due_within=7, **scope)},
        {"label": _("Escalated"), "count": counts["escalated"], "tone": "overdue",
         "url": list_url(state="open", supervised="on", **scope)},
        {"label": _("Open"), "count": counts["open"], "tone": "", "url": list_url(state="open", **scope)},
    ]
    if roles.has_role(user, roles.HEAD):
        waiting = HeadReview.objects.filter(department_id=roles.department_id_of(user) or 0,
                                            state=HeadReview.State.PENDING).count()
        items.append({"label": _("Waiting for my approval"), "count": waiting, "tone": "warning" if waiting else "",
                      "url": list_url(state="open", head_review="on", **scope)})
    if roles.has_role(user, roles.INTAKE):
        items += [
            {"label": _("Waiting for dispatch"), "count": counts["waiting_dispatch"], "tone": "",
             "url": list_url(state=CaseState.SUBMITTED)},
            {"label": _("Results waiting for verification"), "count": counts["waiting_verification"], "tone": "",
             "url": list_url(state=CaseState.PENDING_REVIEW)},
            {"label": _("Extension requests waiting"), "count": counts["waiting_extension"], "tone": "",
             "url": list_url(extension_pending="on")},
        ]
    return items


class CaseCountsPanel(Component):
    name = "workbench_counts"
    order = 10
    template_name = "workbench/panels/counts.html"

    class Media:
        css = {"all": ["css/workbench.css"]}

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context=None):
        return {"items": count_items(self.user, dashboard_counts(self.user)), "list_url": reverse("workbench:list")}


class EscalationsPanel(Component):
    name = "workbench_escalations"
    order = 20
    template_name = "workbench/panels/escalations.html"

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context=None):
        latest = CaseEvent.objects.filter(case=OuterRef("pk"), kind="escalated").order_by("-created_at")
        qs = visible_cases(self.user).filter(is_supervised=True, state__in=OPEN_STATES)
        scope = my_scope(self.user)
        if scope:
            qs = qs.filter(lead_department_id=scope["department"])
        cases = (qs.select_related("lead_department", "category")
                 .annotate(escalated_at=Subquery(latest.values("created_at")[:1]))
                 .order_by("-escalated_at", "-pk")[:ESCALATIONS_SHOWN])
        return {"cases": cases, "now": timezone.now(),
                "all_url": list_url(state="open", supervised="on", **scope)}


ORDERS_SHOWN = 5


def order_panel_rows(user) -> dict:
    """Departments: orders waiting for our reply. Supervisors and the office: my orders
    whose reply is overdue, and replies waiting for my review."""
    from cases.models import OrderState, SupervisionOrder

    qs = SupervisionOrder.objects.visible_to(user).select_related("case", "task", "milestone__task")
    if roles.has_role(user, *roles.SUPERVISION_ROLES):
        mine = qs.filter(issued_by=user)
        return {"overdue": list(mine.filter(state=OrderState.ISSUED, overdue_at__isnull=False)
                                .order_by("reply_due_at")[:ORDERS_SHOWN]),
                "review": list(mine.filter(state=OrderState.REPLIED).order_by("replied_at")[:ORDERS_SHOWN]),
                "waiting": []}
    if roles.has_role(user, roles.HANDLER, roles.HEAD):
        return {"waiting": list(qs.filter(state=OrderState.ISSUED).order_by("reply_due_at")[:ORDERS_SHOWN]),
                "overdue": [], "review": []}
    return {"waiting": [], "overdue": [], "review": []}


class OrdersPanel(Component):
    name = "workbench_orders"
    order = 30
    template_name = "workbench/panels/orders.html"

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context=None):
        return {**order_panel_rows(self.user), "now": timezone.now(),
                "is_supervision": roles.has_role(self.user, *roles.SUPERVISION_ROLES)}
