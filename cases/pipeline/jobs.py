"""Clocks and routing of a received report: in its own transaction (staff forms, imports)
or in the worker after the report committed (web form, Open311)."""

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django_q import tasks as q_tasks
from django_q.conf import Conf

from cases.actions import auto_route
from cases.calendar import CalendarNotCovered, load_calendar
from cases.deadlines import Policy, refresh_case_flags, start_clock
from cases.event_texts import stored_text
from cases.models import Case, ClockKind, IntakeJob, Photo, PhotoState
from cases.pipeline import photos
from cases.workflow import WorkflowError, record_event

log = logging.getLogger("portal.intake")

# The task normally finishes a report within seconds; the schedule takes over after this.
GRACE = timedelta(seconds=30)
SWEEP_BATCH = 200


def start_intake_clocks(case: Case, now: datetime, refresh_flags: bool = True) -> None:
    try:
        calendar = load_calendar()
        start_clock(calendar, case, ClockKind.DISPATCH, now, fresh=True)
        start_clock(calendar, case, ClockKind.ACKNOWLEDGE, now, fresh=True)
        if case.batch is not None:
            start_clock(calendar, case, ClockKind.BATCH_REPLY, case.batch.received_at,
                        policy=Policy(0, "calendar"), due_override=case.batch.due_at, fresh=True)
    except CalendarNotCovered as exc:
        # The report is never lost for an administrator's missing calendar year:
        # it is recorded, and /healthz and the workbench show the problem.
        log.error("calendar not covered for case %s: %s", case.reference, exc)
        data = {"year": exc.year}
        record_event(case, "calendar_missing", None, now, internal_text=stored_text("calendar_missing", data),
                     data=data)
    if refresh_flags:  # otherwise routing, which follows in the same transaction, does it once
        refresh_case_flags([case.pk])


def route_quietly(case: Case, now: datetime) -> Case:
    try:
        with transaction.atomic():  # a savepoint: a failed routing leaves nothing behind
            routed = auto_route(case, now=now)
    except Exception as exc:  # noqa: BLE001 - the savepoint is rolled back; the report must survive
        if isinstance(exc, (WorkflowError, CalendarNotCovered)):
            log.warning("auto-routing of %s left for the dispatch desk: %s", case.reference, exc)
        else:
            log.exception("auto-routing of %s failed; left for the dispatch desk", case.reference)
        data = {"reason": "error"}
        record_event(case, "routing_needed", None, now, internal_text=stored_text("routing_needed", data), data=data)
        routed = case
    if routed is case:  # not routed: clocks and flags changed in the database only
        refresh_case_flags([case.pk])
        case.refresh_from_db()
    return routed


# --- The request's side ---------------------------------------------------------------------


def enqueue_on_commit(case: Case, notification_ids: list[int]) -> None:
    """One task for the receipt and the rest of intake, visible to the worker once the
    report commits."""
    ids = [pk for pk in notification_ids if pk is not None]
    if Conf.ORM == "default" and not Conf.SYNC:
        # The ORM broker's queue is a table of this database: the task row commits with the
        # report or not at all, in the report's transaction — on SQLite one write
        # transaction per report instead of two (the worker reads committed rows only). In a
        # savepoint: a failed queue insert must not fail the report (the schedule covers it).
        with transaction.atomic():
            _enqueue(case.pk, ids)
    else:
        transaction.on_commit(lambda: _enqueue(case.pk, ids), robust=True)


def _enqueue(case_id: int, notification_ids: list[int]) -> None:
    try:
        q_tasks.async_task("cases.tasks.finish_intake", case_id, notification_ids)
    except Exception as exc:  # noqa: BLE001 - the job is in the database: the schedule does it
        log.warning("could not enqueue intake of case %s (%s); the intake schedule will finish it",
                    case_id, type(exc).__name__)


# --- The worker's side ----------------------------------------------------------------------


def finish_case(case_id: int, now: datetime | None = None) -> bool:
    """Clocks and routing of one received report, once: the job is claimed and cleared in the
    transaction that does the work, so a second run (a redelivered task, the schedule) finds
    nothing to do and a killed run leaves the job for the next."""
    now = now or timezone.now()
    with transaction.atomic():
        case = (Case.objects.select_for_update(of=("self",)).select_related("batch", "category", "subcategory",
                                                                           "township")
                .filter(pk=case_id).exclude(intake_job=IntakeJob.NONE).first())
        if case is None:
            return False
        job = case.intake_job
        if Case.objects.filter(pk=case_id, intake_job=job).update(intake_job=IntakeJob.NONE) != 1:
            return False  # claimed by a concurrent run (SQLite: no row lock)
        case.intake_job = IntakeJob.NONE
        # The clocks run from the moment the report was received, not from the worker's turn.
        start_intake_clocks(case, case.received_at, refresh_flags=job != IntakeJob.ROUTE)
        if job == IntakeJob.ROUTE:
            route_quietly(case, max(now, case.received_at))
    return True


def finish_pending(now: datetime | None = None) -> dict[str, int]:
    """The schedule's pass: every report and photo whose task is overdue (lost, worker killed)."""
    now = now or timezone.now()
    before = now - GRACE
    case_ids = list(Case.objects.exclude(intake_job=IntakeJob.NONE).filter(received_at__lte=before)
                    .order_by("received_at").values_list("pk", flat=True)[:SWEEP_BATCH])
    finished = sum(finish_case(pk) for pk in case_ids)
    photo_ids = list(Photo.objects.filter(state=PhotoState.PENDING, received_at__lte=before)
                     .order_by("received_at").values_list("pk", flat=True)[:SWEEP_BATCH])
    made = [photos.process(pk) for pk in photo_ids]
    return {"cases": finished, "photos": sum(1 for r in made if r == PhotoState.READY),
            "photos_failed": sum(1 for r in made if r == PhotoState.FAILED)}
