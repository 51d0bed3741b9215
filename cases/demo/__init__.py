"""The demo city (`manage.py seed_demo`): reference data, staff, the rectification
programme, referral batches and citizen reports, all created through the services.

Deterministic (one seeded generator per section) and idempotent: reference rows are
updated in place, cases are keyed by idempotency keys and skipped when present.
"""

import random
from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from cases.calendar import load_calendar
from cases.models import CaseSource, Notification

from . import catalogue, geography, head_review, inspection, people, planner, programme, runner, supervision
from .driver import World
from .timeline import Timeline

SEED = 20260101


def rng_for(section: str) -> random.Random:
    return random.Random(f"{SEED}:{section}")


def city_name() -> str:
    return getattr(settings, "PORTAL_CITY_NAME", "清河市")


def seed_reference(log: Callable[[str], None]) -> dict:
    with transaction.atomic():
        depts = geography.seed_departments()
        towns = geography.seed_townships(rng_for("geography"), depts)
        cats = catalogue.seed_categories()
        rules = catalogue.seed_rules(cats, towns, depts)
        policies = catalogue.seed_policies(cats)
    log(f"{city_name()}: {len(towns)} townships, {len(depts)} departments, {len(cats)} categories, "
        f"{rules} routing rules, {policies} deadline policies")
    for line in catalogue.seed_calendar():
        log(f"calendar {line}")
    return {"depts": depts, "towns": towns, "cats": cats}


def seed_people(depts: dict, log) -> dict:
    with transaction.atomic():
        groups = people.seed_groups()
        users = people.seed_users(groups, depts)
    log(f"users: {len(people.DEMO_USERS)} demo accounts, {len(users['handlers'])} department handlers")
    return {"groups": groups, "users": users}


def _run_all(label: str, items: list, run: Callable, log) -> int:
    created = 0
    for done, item in enumerate(items, start=1):
        created += bool(run(item))
        if done % 20 == 0 or done == len(items):
            log(f"{label} {done}/{len(items)}")
    return created


def seed_cases(world: World, intake, log, citizen_cases: int) -> dict:
    batches = inspection.seed_batches(intake)
    referrals = inspection.referral_plans(rng_for("referrals"))
    last_central = len(inspection.CENTRAL_BATCHES)
    earlier = [p for p in referrals if p.source == CaseSource.CENTRAL and p.batch_number < last_central]
    later = [p for p in referrals if p not in earlier]
    made = 0
    for part in (earlier, later):
        made += _run_all("referral cases", part,
                         lambda p: runner.run_referral(world, p, batches[p.source, p.batch_number]), log)
        if part is earlier:  # the previous progress report, before the last central batch arrived
            supervision.freeze_first_report(log)
    pins = rng_for("pins")
    citizens = planner.citizen_plans(rng_for("citizens"), world.now, citizen_cases)
    made_citizen = _run_all("cases", citizens, lambda p: runner.run_citizen(world, p, pins), log)
    return {"referrals_created": made, "citizen_created": made_citizen}


def _sweep(now: datetime, log) -> None:
    """Overdue flags and escalations as the scheduled sweep would have set them by now."""
    from cases.programme.clocks import sweep_programme
    from cases.supervision.orders import escalate_overdue
    from cases.sweep import sweep

    counts = sweep(now)
    counts["orders_escalated"] = escalate_overdue(now)
    log("deadline sweep: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    counts = sweep_programme(now)
    log("programme sweep: " + ", ".join(f"{k} {v}" for k, v in counts.items()))


def seed(now: datetime | None = None, log: Callable[[str], None] = print,
         citizen_cases: int = planner.CITIZEN_CASES) -> dict:
    now = now or timezone.now()
    outbox_before = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    ref = seed_reference(log)
    staff = seed_people(ref["depts"], log)
    users = staff["users"]
    tasks = programme.seed_tasks(ref["depts"], users["demo_office"], users["handlers"], now)
    log(f"rectification tasks: {len(tasks)}")
    world = World(now=now, cats=ref["cats"], depts=ref["depts"], towns=ref["towns"], intake=users["demo_intake"],
                  head_env=users["demo_head_env"], supervisor=users["demo_supervisor"],
                  handlers=users["handlers"], tasks=tasks, timeline=Timeline(load_calendar(), now))
    made = seed_cases(world, users["demo_intake"], log, citizen_cases)
    head_review.seed_head_review(ref["depts"]["env"], users["demo_handler_env"], now, log)
    _sweep(now, log)
    supervision.seed_supervision(world, users, ref["depts"], now, log)
    # The demo's outbox is history: nothing in it is for a real person to receive.
    quiet = Notification.objects.filter(pk__gt=outbox_before, state=Notification.State.PENDING).update(
        state=Notification.State.SENT, sent_at=F("next_attempt_at"))
    log(f"notifications marked as already sent: {quiet}")
    return {**made, "groups": staff["groups"], "users": users, "tasks": tasks}
