"""Turning plans into cases: submit through intake, then the plan's flow of verbs.

Each case is created and driven in its own transaction, keyed by an idempotency key
(demo-…): a second run finds the key, skips the case and changes nothing.
"""

from datetime import datetime, time, timedelta

from django.db import transaction

from cases.calendar import SHANGHAI
from cases.intake import ReporterInput, ReportInput, submit_case
from cases.models import CaseSource, CaseState, LocationSource, SpotCheck

from .driver import Driver, World
from .geography import point_in, point_outside
from .inspection import ReferralPlan
from .planner import CitizenPlan
from .programme import TASKS

IN_PROGRESS_TASKS = [n for n, spec in TASKS.items() if spec[5] != "done"]
DONE_TASKS = [n for n, spec in TASKS.items() if spec[5] == "done"]


def task_for(world: World, plan, numbers: list[int]):
    """A task on the same problem if there is one, else one picked by the plan number."""
    for number in numbers:
        if TASKS[number][4] in (plan.subtype, plan.root):
            return world.tasks[number]
    return None


# --- citizen reports ----------------------------------------------------------------

def _report(world: World, plan: CitizenPlan, rng) -> ReportInput:
    if plan.town is None:
        lat, lng = point_outside(rng)
    elif plan.merge_into and plan.merge_into in world.cases and world.cases[plan.merge_into].latitude:
        original = world.cases[plan.merge_into]
        lat = float(original.latitude) + rng.uniform(-0.0015, 0.0015)
        lng = float(original.longitude) + rng.uniform(-0.0015, 0.0015)
    else:
        lat, lng = point_in(world.towns[plan.town].boundary, rng)
    return ReportInput(
        category=world.cats[plan.root], subcategory=world.cats[plan.subtype] if plan.subtype else None,
        title=plan.text.title, description=plan.text.description, polluter_name=plan.text.polluter,
        observed_at=plan.received - timedelta(days=plan.observed_days), latitude=lat, longitude=lng,
        location_source=plan.location_source, address=plan.text.place, source=plan.source,
        source_detail=plan.source_detail, extra=plan.extra, idempotency_key=plan.key,
    )


def _flow_open(d: Driver, plan: CitizenPlan) -> None:
    if plan.target == "submitted":
        if plan.variant == "return":
            d.ensure_assigned()
        if d.case.state == CaseState.ASSIGNED:
            d.return_case()
        return
    if plan.target == "rejected":
        if d.case.state == CaseState.ASSIGNED:
            d.return_case()
        d.reject(plan.variant)
        return
    if plan.target == "merged":
        d.merge_into(d.w.cases[plan.merge_into])
        return
    d.ensure_assigned()
    if plan.variant == "return":
        d.return_case()
        d.dispatch_to(d.other_dept())
    if plan.target == "assigned":
        if plan.variant == "transfer":
            d.accept()
            d.transfer()
        return
    _flow_handle(d, plan)


def _flow_handle(d: Driver, plan: CitizenPlan) -> None:
    d.accept()
    if plan.variant == "transfer":
        d.transfer()
        d.accept()
    if plan.variant == "extension":
        d.extend()
    if plan.target == "in_progress" and plan.variant != "reopened":
        return
    d.submit()
    if plan.variant == "sendback":
        d.send_back()
        d.submit("resubmit")
    if plan.target == "pending_review":
        return
    if plan.target == "stage_closed":
        d.stage_close(task_for(d.w, plan, IN_PROGRESS_TASKS) or d.w.tasks[d.pick(IN_PROGRESS_TASKS)])
        d.publish(plan.accountability, plan.sensitive)
        return
    d.close()
    if plan.variant in ("reopen", "reopened"):
        d.feedback(1, d.pick(["问题没有彻底解决，晚上还有味道。", "整改走过场，过几天又恢复原样了。"]))
        d.reopen("unsatisfied", "举报人对办理结果不满意，要求重新核查。")
        if plan.target == "in_progress":
            return
        d.submit("handle2")
        d.close()
    d.publish(plan.accountability, plan.sensitive)
    if plan.feedback:
        d.feedback(*plan.feedback)


def run_citizen(world: World, plan: CitizenPlan, rng) -> bool:
    reporter = ReporterInput(consented=True, **plan.reporter)
    actor = world.intake if plan.source == CaseSource.PHONE else None
    with transaction.atomic():
        result = submit_case(_report(world, plan, rng), reporter, actor=actor, now=plan.received)
        world.cases[plan.key] = result.case
        if not result.created:
            return False
        _flow_open(Driver(world, plan, result.case), plan)
    return True


# --- referral cases -----------------------------------------------------------------

def run_referral(world: World, plan: ReferralPlan, batch) -> bool:
    report = ReportInput(
        category=world.cats[plan.root], subcategory=world.cats[plan.subtype] if plan.subtype else None,
        title=plan.text.title, description=plan.text.description, polluter_name=plan.text.polluter,
        address=plan.text.place, location_source=LocationSource.IMPORT, source=plan.source,
        source_detail=batch.title, batch=batch, batch_sequence=plan.sequence, original_code=plan.original_code,
        is_key_case=plan.is_key_case, township=world.towns[plan.town], idempotency_key=plan.key,
    )
    with transaction.atomic():
        result = submit_case(report, None, actor=world.intake, now=plan.received)
        world.cases[plan.key] = result.case
        if not result.created:
            return False
        d = Driver(world, _ReferralView(plan), result.case)
        d.ensure_assigned()
        d.accept()
        d.submit()
        _finish_referral(d, plan)
    return True


class _ReferralView:
    """What the driver asks of a plan, for a referral plan."""

    def __init__(self, plan: ReferralPlan):
        self.__dict__.update(plan.__dict__)
        self.manual_dept, self.alt_dept = "env", "urban"


def _finish_referral(d: Driver, plan: ReferralPlan) -> None:
    task = task_for(d.w, plan, DONE_TASKS)
    if plan.stage_closed:
        d.stage_close(task or d.w.tasks[d.pick(DONE_TASKS)])
        written_off = (task or d.w.tasks[d.pick(DONE_TASKS)]).verified_at
        d.t = max(d.t, written_off or d.t)
    elif task is not None and d.n % 2 == 0:
        d.link_task(task)
    d.close()
    d.publish(plan.accountability)
    if plan.relapse:
        _relapse(d)


def _relapse(d: Driver) -> None:
    """This autumn's self-check before the look-back found sand dredging again:
    the case is reopened and its handling clock starts afresh."""
    local_now = d.w.now.astimezone(SHANGHAI)
    found = d.w.timeline.office_hours(datetime.combine(local_now.date() - timedelta(days=4), time(9, 30),
                                                      tzinfo=SHANGHAI))
    d.t = min(found, d.w.timeline.limit - timedelta(hours=2))
    SpotCheck.objects.get_or_create(case=d.case, round_name="回头看迎检自查", defaults={
        "sampled_at": d.t, "sampled_by": d.w.supervisor, "outcome": SpotCheck.Outcome.RELAPSE,
        "note": "夜间暗访发现河道内仍有采砂船只作业痕迹，问题出现反弹。", "checked_at": d.t,
        "checked_by": d.w.supervisor,
    })
    d.reopen("relapse", "回头看迎检自查发现问题反弹，重新交办，要求彻底整改。")
