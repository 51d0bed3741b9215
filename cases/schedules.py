"""django-q2 schedules, created idempotently by name with catch_up off.

Duplicate Schedule rows are a known django-q2 trap (docs/architecture.md, "Stack notes"): we look them up
by name, update in place, and delete any extra rows with the same name.
"""

from django_q.models import Schedule

SCHEDULES = [
    # name, function, schedule type, minutes
    ("portal-heartbeat", "cases.tasks.heartbeat", Schedule.MINUTES, 1),
    ("portal-deadline-sweep", "cases.tasks.sweep_deadlines", Schedule.MINUTES, 5),
    ("portal-send-outbox", "cases.tasks.send_due_notifications", Schedule.MINUTES, 1),
    ("portal-finish-intake", "cases.tasks.finish_pending_intake", Schedule.MINUTES, 1),
    # Reads cases changed in the last 15 minutes (cases.searchindex.reconcile_cases).
    ("portal-search-reconcile", "cases.tasks.reconcile_search_index", Schedule.MINUTES, 10),
    ("portal-purge-contacts", "cases.tasks.purge_expired_contacts", Schedule.DAILY, None),
    ("portal-monthly-spot-check", "cases.tasks.monthly_spot_check", Schedule.MONTHLY, None),
]


def ensure_schedules() -> list[tuple[str, bool]]:
    results = []
    for name, func, kind, minutes in SCHEDULES:
        rows = list(Schedule.objects.filter(name=name).order_by("pk"))
        for extra in rows[1:]:
            extra.delete()
        fields = {"func": func, "schedule_type": kind, "minutes": minutes, "repeats": -1}
        if rows:
            schedule = rows[0]
            for key, value in fields.items():
                setattr(schedule, key, value)
            schedule.save()
            results.append((name, False))
        else:
            Schedule.objects.create(name=name, **fields)
            results.append((name, True))
    return results
