"""django-q2 entry points. They take ids, are idempotent, and call services."""

import time

from django.utils import timezone

from cases import notifications
from cases.models import TaskHeartbeat
from cases.pipeline import jobs
from cases.pipeline import photos as pipeline_photos
from cases.programme.clocks import sweep_programme
from cases.referrals import run_import_job
from cases.retention import purge_expired_contacts as purge
from cases.searchindex import reconcile_cases
from cases.supervision.orders import escalate_overdue
from cases.supervision.spotchecks import draw_monthly_round
from cases.sweep import sweep


def heartbeat() -> None:
    TaskHeartbeat.objects.update_or_create(name="worker", defaults={"beat_at": timezone.now()})


def reconcile_search_index() -> dict[str, int]:
    """Scheduled ("portal-search-reconcile"): the case entries of the public search index
    brought back in step with the cases (cases/searchindex)."""
    return reconcile_cases()


def send_due_notifications() -> dict[str, int]:
    """Scheduled ("portal-send-outbox"): sends every due outbox row, retries included."""
    return notifications.send_due()


def send_notifications(notification_ids: list[int]) -> list[str]:
    """Enqueued once after a case change commits, for all the rows it created. Stops
    within the outbox's time budget (well inside the task timeout); what is left stays
    due for the 1-minute outbox schedule."""
    started, results = time.monotonic(), []
    for pk in notification_ids:
        if time.monotonic() - started > notifications.SEND_BUDGET_SECONDS:
            results.append("left_for_the_outbox_schedule")
            continue
        results.append(notifications.send_one(pk))
    return results


def sweep_deadlines() -> dict:
    """Case clocks, the programme's clocks, then supervision orders whose reply is
    overdue (one sweep, one schedule)."""
    counts = sweep()
    counts["programme"] = sweep_programme()
    counts["orders_escalated"] = escalate_overdue()
    return counts


def monthly_spot_check() -> int | None:
    """Scheduled ("portal-monthly-spot-check"): draws this month's look-back round once."""
    rnd = draw_monthly_round()
    return rnd.pk if rnd else None


def import_referral_batch(job_id: int, path: str, filename: str, source: str, number: int,
                          received_at_iso: str, due_at_iso: str, actor_id: int | None) -> dict:
    """Enqueued by referral_jobs.queue_import: imports the stored upload into the job's batch."""
    return run_import_job(job_id, path, filename, source, number, received_at_iso, due_at_iso, actor_id)


def purge_expired_contacts() -> int:
    return purge()


def finish_intake(case_id: int, notification_ids: list[int]) -> dict:
    """Enqueued once after a report from the web form or Open311 commits (cases.pipeline):
    clocks and routing (a database transaction), the receipt (an SMTP outage only delays
    it: the outbox schedule retries), then the photos' copies. Idempotent."""
    finished = jobs.finish_case(case_id)
    sent = send_notifications(notification_ids)
    made = pipeline_photos.process_case(case_id)
    return {"sent": sent, "finished": finished, "photos": made}


def finish_pending_intake() -> dict:
    """Scheduled ("portal-finish-intake"): reports and photos whose task was lost or killed."""
    return jobs.finish_pending()
