"""Supervision, accountability and spot-check counts (one definition each), for the
progress report and the public counters."""

from django.db.models import Count, Q

from cases.models import AccountabilityRecord, OrderLevel, OrderState, SpotCheck, SupervisionOrder
from cases.supervision.accountability import counts, wording


def supervision_counts() -> dict:
    """Orders issued (withdrawn ones excepted), per level; replied, replied on time,
    accepted, waiting for the reply, overdue now."""
    orders = SupervisionOrder.objects.exclude(state=OrderState.WITHDRAWN)
    agg = orders.aggregate(
        issued=Count("pk"),
        replied=Count("pk", filter=Q(replied_at__isnull=False)),
        replied_on_time=Count("pk", filter=Q(replied_on_time=True)),
        accepted=Count("pk", filter=Q(state=OrderState.ACCEPTED)),
        waiting=Count("pk", filter=Q(state=OrderState.ISSUED)),
        overdue=Count("pk", filter=Q(state=OrderState.ISSUED, overdue_at__isnull=False)),
        **{f"level_{level}": Count("pk", filter=Q(level=level)) for level in OrderLevel.values},
    )
    return agg


def accountability_counts() -> dict:
    records = list(AccountabilityRecord.objects.all())
    return {**counts(records), "wording": wording(records)}


def spot_check_counts() -> dict:
    return SpotCheck.objects.aggregate(
        sampled=Count("pk"),
        checked=Count("pk", filter=~Q(outcome=SpotCheck.Outcome.PENDING)),
        confirmed=Count("pk", filter=Q(outcome=SpotCheck.Outcome.CONFIRMED)),
        relapsed=Count("pk", filter=Q(outcome=SpotCheck.Outcome.RELAPSE)),
        not_verifiable=Count("pk", filter=Q(outcome=SpotCheck.Outcome.NOT_VERIFIABLE)),
        cases=Count("pk", filter=Q(case__isnull=False)),
        tasks=Count("pk", filter=Q(task__isnull=False)),
    )
