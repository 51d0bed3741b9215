"""Department scorecards for the assessment meetings (PRODUCT §4.3, 督查考核).

Every number is an aggregate computed in the database, grouped by department, and
every number has a drill-down filter (`metric_filter`) built from the same
conditions, so the list behind a number shows exactly the cases it counts.

Definitions (the period is [from 00:00, to + 1 day 00:00) in Asia/Shanghai):

* received — assignments (lead or co) given to the department in the period;
* accepted / accepted on time — assignments the department accepted in the period /
  of those, accepted no later than the due time of their acceptance clock;
* closed / closed on time — cases led by the department and closed in the period /
  of those, the ones whose last handling clock of the lead department stopped (the
  result was submitted) no later than its due time. An approved extension moves
  that due time, so an extended case is judged against its new due time;
* overdue now — open cases led by the department that are overdue today;
* returned / transferred — the department's assignments that ended in the period
  by return to the dispatch desk / by transfer to another lead department;
* reopened — reopen events in the period on cases the department leads;
* satisfaction — average rating (3 satisfied, 2 basically, 1 unsatisfied) of
  feedback given in the period on cases the department leads;
* supervision orders received — orders addressed to the department issued in the
  period; replied on time — replies the department gave in the period before the
  order's first reply deadline passed;
* spot-checked / relapses — re-inspections recorded in the period on cases the
  department leads, and of those the ones that found the problem again.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Avg, Count, Exists, F, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.calendar import SHANGHAI, local_date
from cases.models import (
    OPEN_STATES,
    Assignment,
    Case,
    CaseEvent,
    CaseState,
    Clock,
    ClockKind,
    Department,
    Feedback,
    SpotCheck,
    SupervisionOrder,
)

METRICS = {
    "received": _("Received"),
    "accepted": _("Accepted"),
    "accepted_on_time": _("Accepted on time"),
    "closed": _("Closed"),
    "closed_on_time": _("Closed on time"),
    "overdue_now": _("Overdue now"),
    "returned": _("Returned"),
    "transferred": _("Transferred away"),
    "reopened": _("Reopened"),
    "satisfaction": _("Rated by reporters"),
    "orders_received": _("Supervision orders received"),
    "orders_replied_on_time": _("Orders replied on time"),
    "spot_checked": _("Spot-checked"),
    "spot_relapsed": _("Relapses found by spot checks"),
}
METRIC_CHOICES = list(METRICS.items())
ASSIGNMENT_METRICS = ("received", "accepted", "accepted_on_time", "returned", "transferred")
SUPERVISION_METRICS = ("orders_received", "orders_replied_on_time", "spot_checked", "spot_relapsed")


@dataclass(frozen=True)
class Period:
    start: datetime  # inclusive
    end: datetime  # exclusive
    first_day: date
    last_day: date

    @classmethod
    def from_dates(cls, first: date | None, last: date | None, today: date | None = None) -> "Period":
        today = today or local_date(timezone.now())
        first = first or today.replace(day=1)
        last = last if last and last >= first else max(first, today)
        return cls(datetime.combine(first, datetime.min.time(), SHANGHAI),
                   datetime.combine(last + timedelta(days=1), datetime.min.time(), SHANGHAI), first, last)

    def q(self, field_name: str) -> Q:
        return Q(**{f"{field_name}__gte": self.start, f"{field_name}__lt": self.end})


@dataclass
class ScoreRow:
    department: Department
    counts: dict = field(default_factory=dict)
    average_rating: float | None = None  # not `satisfaction`: templates look up row["satisfaction"] first

    def __getitem__(self, name):
        if name not in METRICS:
            raise KeyError(name)  # templates then fall back to attributes (row.department)
        return self.counts.get(name, 0)

    @property
    def on_time_rate(self) -> float | None:
        closed = self["closed"]
        return round(100 * self["closed_on_time"] / closed, 1) if closed else None


# --- conditions shared by the counts and the drill-down ------------------------------

def _accepted_on_time() -> Exists:
    return Exists(Clock.objects.filter(assignment=OuterRef("pk"), kind=ClockKind.ACCEPT,
                                       stopped_at__isnull=False, stopped_at__lte=F("due_at")))


def _assignment_conditions(period: Period) -> dict[str, Q]:
    return {
        "received": period.q("assigned_at"),
        "accepted": period.q("accepted_at"),
        "accepted_on_time": period.q("accepted_at") & Q(accept_on_time=True),
        "returned": period.q("finished_at") & Q(state=Assignment.State.RETURNED),
        "transferred": period.q("finished_at") & Q(state=Assignment.State.TRANSFERRED),
    }


def _last_lead_handling(column: str) -> Subquery:
    clocks = Clock.objects.filter(case=OuterRef("pk"), kind=ClockKind.HANDLING, assignment__role=Assignment.Role.LEAD,
                                  assignment__department=OuterRef("lead_department"))
    return Subquery(clocks.order_by("-started_at", "-pk").values(column)[:1])


def _case_conditions(period: Period) -> dict[str, Q]:
    closed = Q(state=CaseState.CLOSED) & period.q("closed_at")
    return {
        "closed": closed,
        "closed_on_time": closed & Q(last_stop__isnull=False, last_stop__lte=F("last_due")),
        "overdue_now": Q(state__in=OPEN_STATES, is_overdue=True),
    }


def _cases_with_timing():
    return Case.objects.filter(lead_department__isnull=False).annotate(
        last_stop=_last_lead_handling("stopped_at"), last_due=_last_lead_handling("due_at"))


# --- the table ------------------------------------------------------------------------

def scorecard(period: Period) -> list[ScoreRow]:
    """One row per department, sorted as the league table: on-time rate, then volume."""
    rows: dict[int, ScoreRow] = {}

    def row(dept_id: int) -> ScoreRow:
        return rows.setdefault(dept_id, ScoreRow(department=None))

    conds = _assignment_conditions(period)
    touched = period.q("assigned_at") | period.q("accepted_at") | period.q("finished_at")
    for r in (Assignment.objects.filter(touched).annotate(accept_on_time=_accepted_on_time())
              .values("department").annotate(**{k: Count("pk", filter=q) for k, q in conds.items()})):
        row(r["department"]).counts.update({k: r[k] for k in conds})
    cconds = _case_conditions(period)
    for r in (_cases_with_timing().filter(cconds["closed"] | cconds["overdue_now"]).values("lead_department")
              .annotate(**{k: Count("pk", filter=q) for k, q in cconds.items()})):
        row(r["lead_department"]).counts.update({k: r[k] for k in cconds})
    for r in (CaseEvent.objects.filter(period.q("created_at"), kind="reopened", case__lead_department__isnull=False)
              .values("case__lead_department").annotate(n=Count("pk"))):
        row(r["case__lead_department"]).counts["reopened"] = r["n"]
    for r in (Feedback.objects.filter(period.q("created_at"), case__lead_department__isnull=False)
              .values("case__lead_department").annotate(n=Count("pk"), avg=Avg("rating"))):
        target = row(r["case__lead_department"])
        target.counts["satisfaction"], target.average_rating = r["n"], round(float(r["avg"]), 2)
    _supervision_counts(period, row)
    return _with_departments(rows)


def _supervision_counts(period: Period, row) -> None:
    addressed = SupervisionOrder.departments.through.objects.filter(
        supervisionorder__issued_at__gte=period.start, supervisionorder__issued_at__lt=period.end)
    for r in addressed.values("department").annotate(n=Count("pk")):
        row(r["department"]).counts["orders_received"] = r["n"]
    on_time = SupervisionOrder.objects.filter(period.q("replied_at"), replied_on_time=True,
                                              replying_department__isnull=False)
    for r in on_time.values("replying_department").annotate(n=Count("pk")):
        row(r["replying_department"]).counts["orders_replied_on_time"] = r["n"]
    checks = SpotCheck.objects.filter(period.q("checked_at"), case__lead_department__isnull=False)
    for r in checks.values("case__lead_department").annotate(
            n=Count("pk"), relapsed=Count("pk", filter=Q(outcome=SpotCheck.Outcome.RELAPSE))):
        target = row(r["case__lead_department"])
        target.counts["spot_checked"], target.counts["spot_relapsed"] = r["n"], r["relapsed"]


def _with_departments(rows: dict[int, ScoreRow]) -> list[ScoreRow]:
    depts = Department.objects.filter(Q(pk__in=rows) | Q(is_active=True) & ~Q(kind=Department.Kind.OFFICE))
    result = []
    for dept in depts:
        item = rows.get(dept.pk) or ScoreRow(department=dept)
        item.department = dept
        result.append(item)
    return sorted(result, key=lambda r: (r.on_time_rate is None, -(r.on_time_rate or 0), -r["closed"],
                                         -r["received"], r.department.sort_order, r.department.name))


def metric_filter(metric: str, department_id: int, period: Period, now: datetime | None = None) -> Q:
    """The cases behind one number of the table (for the drill-down list)."""
    if metric in ASSIGNMENT_METRICS:
        assignments = (Assignment.objects.filter(case=OuterRef("pk"), department_id=department_id)
                       .annotate(accept_on_time=_accepted_on_time())
                       .filter(_assignment_conditions(period)[metric]))
        return Q(Exists(assignments))
    lead = Q(lead_department_id=department_id)
    if metric in ("closed", "closed_on_time", "overdue_now"):
        ids = _cases_with_timing().filter(lead, _case_conditions(period)[metric]).values("pk")
        return Q(pk__in=ids)
    if metric == "reopened":
        return lead & Q(Exists(CaseEvent.objects.filter(period.q("created_at"), case=OuterRef("pk"), kind="reopened")))
    if metric in SUPERVISION_METRICS:
        return _supervision_filter(metric, department_id, period)
    if metric == "satisfaction":
        return lead & Q(Exists(Feedback.objects.filter(period.q("created_at"), case=OuterRef("pk"))))
    return Q(pk__in=[])


def _supervision_filter(metric: str, department_id: int, period: Period) -> Q:
    """The cases behind the supervision columns (orders on tasks are on the order list)."""
    if metric == "orders_received":
        orders = SupervisionOrder.objects.filter(period.q("issued_at"), departments=department_id)
    elif metric == "orders_replied_on_time":
        orders = SupervisionOrder.objects.filter(period.q("replied_at"), replied_on_time=True,
                                                 replying_department=department_id)
    else:
        checks = SpotCheck.objects.filter(period.q("checked_at"), case=OuterRef("pk"))
        if metric == "spot_relapsed":
            checks = checks.filter(outcome=SpotCheck.Outcome.RELAPSE)
        return Q(lead_department_id=department_id) & Q(Exists(checks))
    return Q(Exists(orders.filter(case=OuterRef("pk"))))
