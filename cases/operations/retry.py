"""Failed work, seen and run again by an administrator (the "Failed tasks" operator screen).

Two kinds: django-q2 tasks that raised (their Failure rows), and outbox messages that ran
out of attempts (Notification state "failed"). A task is queued again with the same
function and arguments (tasks take ids and are idempotent, docs/architecture.md rule 6) and
its Failure row is removed, as django-q2's own admin does; a message gets a fresh set of
attempts and is sent at once, so the operator sees the answer of the mail or SMS server.
Every retry writes an OperatorAction row with its outcome.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django_q.conf import Conf
from django_q.models import Failure, Task
from django_q.tasks import async_task

from cases import notifications
from cases.models import Notification, OperatorAction

Kind = OperatorAction.Kind
#: At most this many rows per "retry all", so one click cannot hold a web thread for long.
BULK_LIMIT = 100


def failed_tasks() -> QuerySet:
    return Failure.objects.order_by("-stopped").only("id", "name", "func", "args", "stopped", "attempt_count",
                                                     "result", "group")


def failed_messages() -> QuerySet:
    return (Notification.objects.filter(state=Notification.State.FAILED).select_related("case")
            .only("pk", "channel", "audience", "template", "attempts", "last_error", "created_at", "recipient",
                  "case__reference").order_by("-created_at", "-pk"))


def error_summary(text: str) -> str:
    """The last line of a traceback: the exception and its message."""
    lines = [line for line in (text or "").strip().splitlines() if line.strip()]
    return lines[-1][:300] if lines else ""


def message_error(row: Notification) -> str:
    """The error without the recipient's address (a reporter's contact is for intake only)."""
    text = row.last_error or ""
    if row.recipient:
        text = text.replace(row.recipient, "…")
    return text[:300]


@dataclass
class Retried:
    subject: str
    outcome: str
    ok: bool


def _task_outcome(task_id) -> tuple[str, bool]:
    # With a synchronous cluster the new run is already stored; otherwise it is queued.
    done = Task.objects.filter(id=task_id).only("success", "result").first()
    if done is None:
        return _("queued again as task %(id)s") % {"id": task_id}, True
    if done.success:
        return _("ran again and succeeded"), True
    return _("ran again and failed: %(error)s") % {"error": error_summary(str(done.result))}, False


def retry_task(actor, failure_id: str, *, now: datetime | None = None) -> Retried | None:
    failure = Failure.objects.filter(id=failure_id).first()
    if failure is None:
        return None  # already retried by someone else
    subject = f"{failure.func} ({failure.name})"[:200]
    failure.delete()  # first: a run that fails again writes a new Failure row under a new id
    new_id = ""
    try:
        new_id = async_task(failure.func, *(failure.args or ()), hook=failure.hook, group=failure.group,
                            **(failure.kwargs or {}))
        outcome, ok = _task_outcome(new_id)
    except Exception as exc:  # noqa: BLE001 - reported to the operator; the task stays listed as failed
        failure.save(force_insert=True)
        if Conf.SYNC:  # tasks run inline (single-process setups, tests): the task itself failed again
            outcome = _("ran again and failed: %(error)s") % {"error": f"{type(exc).__name__}: {exc}"[:250]}
        else:  # the broker is unreachable
            outcome = _("could not be queued: %(error)s") % {"error": type(exc).__name__}
        ok = False
    OperatorAction.objects.create(at=now or timezone.now(), actor=actor, kind=Kind.RETRY_TASK, subject=subject,
                                  outcome=outcome[:300], task_id=new_id or "")
    return Retried(subject, outcome, ok)


@dataclass
class RecentRetry:
    action: OperatorAction
    state: str  # "succeeded", "failed" or "waiting"


def recent_task_retries(limit: int = 20) -> list[RecentRetry]:
    """The last retried tasks and how their new run ended (two queries): with a real
    cluster the retry only queues the task, so its result shows here once it ran."""
    actions = list(OperatorAction.objects.filter(kind=Kind.RETRY_TASK).exclude(task_id="")
                   .select_related("actor")[:limit])
    runs = dict(Task.objects.filter(id__in=[a.task_id for a in actions]).values_list("id", "success"))
    return [RecentRetry(a, "waiting" if a.task_id not in runs else ("succeeded" if runs[a.task_id] else "failed"))
            for a in actions]


SENT_OUTCOMES = {"sent": True, "retry": False, "failed": False, "not_claimed": False, "missing": False,
                 "already_sent": True}


def retry_message(actor, notification_id: int, *, now: datetime | None = None) -> Retried | None:
    now = now or timezone.now()
    if not notifications.requeue(notification_id, now):
        return None  # not failed (any more)
    result = notifications.send_one(notification_id, now)
    row = Notification.objects.only("last_error", "recipient", "template").get(pk=notification_id)
    if result == "retry":
        outcome = _("failed again, will be tried later: %(error)s") % {"error": message_error(row)}
    elif result == "failed":
        outcome = _("failed again: %(error)s") % {"error": message_error(row)}
    else:
        outcome = pgettext("outbox", "sent") if result == "sent" else result
    subject = _("message %(id)s (%(template)s)") % {"id": notification_id, "template": row.template}
    OperatorAction.objects.create(at=now, actor=actor, kind=Kind.RETRY_MESSAGE, subject=subject[:200],
                                  outcome=outcome[:300])
    return Retried(subject, outcome, SENT_OUTCOMES.get(result, False))


def retry_many(actor, *, task_ids=(), message_ids=()) -> list[Retried]:
    results = []
    for task_id in list(task_ids)[:BULK_LIMIT]:
        results.append(retry_task(actor, task_id))
    for pk in list(message_ids)[:BULK_LIMIT]:
        results.append(retry_message(actor, int(pk)))
    return [r for r in results if r is not None]
