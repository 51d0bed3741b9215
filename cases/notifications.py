"""Notification outbox: render and store messages in the case's transaction; send later.

Writing a row is part of the case change (same transaction, no network). Sending
happens only in django-q2 tasks (send_one after commit, send_due on a schedule), so a
mail or SMS outage can never roll back a case change (docs/architecture.md rules 6 and 8).

Exactly-once sending rests on the claim: a row is moved pending → sending by one
compare-and-set UPDATE, and only the worker whose UPDATE matched sends it. A row whose
worker died stays "sending" until claimed_until passes and is then claimed again.
"""

import hashlib
import logging
import re
import threading
import time
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template import Context
from django.template.loader import select_template
from django.utils import timezone, translation
from django_q import tasks as q_tasks

from cases.models import Case, Department, Notification, ReporterIdentity
from cases.sms import SmsDisabled, get_sms_backend

logger = logging.getLogger("portal.notifications")

State = Notification.State
Channel = Notification.Channel

# Longer than any single send (EMAIL_TIMEOUT is 10 s per socket operation) and than
# the django-q2 task timeout, so a live worker never loses its claim mid-send.
CLAIM_TIMEOUT = timedelta(minutes=5)
# send_due stops claiming new rows after this long, well inside the q timeout (60 s).
SEND_BUDGET_SECONDS = 45
MAX_BACKOFF_MINUTES = 60
KEY_MAX_LENGTH = 160

# Context keys that would carry reporter identity (docs/product.md §7). Checked for every
# audience except the reporter themselves.
_IDENTITY_KEYS = {"name", "phone", "mobile", "email", "ip", "ip_address", "contact", "identity"}
_IDENTITY_FRAGMENTS = ("reporter", "phone", "mobile", "email", "contact", "identity")


# --- rendering and enqueueing ------------------------------------------------------

def render(template: str, channel: str, context: Mapping[str, Any], language: str) -> tuple[str, str]:
    """Subject and body in ``language``. SMS uses <template>.sms.txt when it exists."""
    ctx = {"site_name": settings.WAGTAIL_SITE_NAME, **context}
    body_names = [f"notifications/{template}.body.txt"]
    if channel == Channel.SMS:
        body_names.insert(0, f"notifications/{template}.sms.txt")
    with translation.override(language), timezone.override(settings.TIME_ZONE):
        subject = _render_text([f"notifications/{template}.subject.txt"], ctx)
        body = _render_text(body_names, ctx)
    # One line: a newline in a subject is a header-injection error in Django's mail.
    subject = " ".join(subject.split())[:200]
    body = re.sub(r"\n{3,}", "\n\n", body.strip())
    return subject, body


def _render_text(names: list[str], ctx: dict) -> str:
    # Plain text: no HTML escaping of "&" or quotes in a reply or a township name.
    return select_template(names).template.render(Context(ctx, autoescape=False))


def enqueue(*, case: Case | None, audience: str, channel: str, recipient: str, template: str,
            context: Mapping[str, Any], idempotency_key: str, language: str = "zh-hans",
            now: datetime | None = None, new_case: bool = False) -> Notification | None:
    """Render and store one message; a repeated idempotency key returns the existing row.

    Returns None when there is no recipient. Safe inside an outer transaction: the
    insert runs in a savepoint, so a duplicate key does not break the caller's work.
    ``new_case``: the case was created in this transaction, so no row can hold the key yet:
    the row is returned unsaved for the caller to insert with the others in one statement,
    and the caller hands it to its own task (no send task of its own).
    """
    recipient = (recipient or "").strip()
    if not recipient:
        return None
    if channel not in Channel.values:
        raise ValueError(f"unknown notification channel {channel!r}")
    if audience != "reporter":
        guard_no_identity(context)
    subject, body = render(template, channel, context, language)
    if audience != "reporter" and case is not None:
        subject, body = _scrub_identity(case, subject, body)
    fields = {
        "case": case, "audience": audience, "channel": channel, "recipient": recipient,
        "template": template, "language": language, "subject": subject, "body": body,
        "next_attempt_at": now or timezone.now(),
    }
    if new_case:
        return Notification(idempotency_key=_fit_key(idempotency_key), **fields)
    row = _insert_once(_fit_key(idempotency_key), fields)
    # Sent promptly after commit; the periodic outbox schedule is the safety net.
    schedule_send_on_commit([row])
    return row


def _insert_once(key: str, fields: dict) -> Notification:
    try:
        with transaction.atomic():
            return Notification.objects.create(idempotency_key=key, **fields)
    except IntegrityError:
        existing = Notification.objects.filter(idempotency_key=key).first()
        if existing is None:  # some other constraint failed: not a duplicate
            raise
        return existing


def _fit_key(key: str) -> str:
    if len(key) <= KEY_MAX_LENGTH:
        return key
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return f"{key[:KEY_MAX_LENGTH - 33]}:{digest}"


def guard_no_identity(context: Mapping[str, Any]) -> None:
    """Refuse context that could put reporter identity into a staff/department message."""
    for key, value in context.items():
        lowered = key.lower()
        if lowered in _IDENTITY_KEYS or any(part in lowered for part in _IDENTITY_FRAGMENTS):
            raise ValueError(f"reporter identity must not reach a department notification ({key!r})")
        if isinstance(value, ReporterIdentity | Case):
            raise ValueError(f"pass plain values, not {type(value).__name__}, to a department notification")


def _scrub_identity(case: Case, *texts: str) -> list[str]:
    """Last line of defence: free text (a note, a reason) might quote the reporter. The
    reporters are read once for all the texts."""
    values = [value for reporter in case.reporters.all()
              for value in ((reporter.name or "").strip(), (reporter.phone or "").strip(),
                            (reporter.email or "").strip()) if len(value) >= 2]
    scrubbed = []
    for text in texts:
        for value in values:
            if value in text:
                text = text.replace(value, "***")
                logger.warning("reporter identity removed from a staff notification for case %s", case.pk)
        scrubbed.append(text)
    return scrubbed


def notify_department(case: Case, department: Department, template: str, context: Mapping[str, Any],
                      key_suffix: str, now: datetime | None = None) -> Notification | None:
    """E-mail the department's notification address, if it has one. No reporter identity."""
    if not department.email:
        return None
    guard_no_identity(context)
    base = {
        "reference": case.reference,
        "category": case.category.name,
        "township": case.township.name if case.township_id else "",
        "department": department.name,
    }
    return enqueue(
        case=case, audience=f"department:{department.pk}", channel=Channel.EMAIL,
        recipient=department.email, template=template, context={**base, **context},
        idempotency_key=f"{template}:case-{case.pk}:department-{department.pk}:email:{key_suffix}",
        now=now,
    )


def notify_reporter(case: Case, template: str, context: Mapping[str, Any], key_suffix: str,
                    now: datetime | None = None, language: str = "zh-hans",
                    new_reporter: ReporterIdentity | None = None) -> list[Notification]:
    """E-mail and/or SMS to every reporter who left contact data that is not yet purged.

    ``new_reporter``: the case and its only reporter were created in this transaction (intake),
    so the reporter is not read back and the rows go to the caller's task (see enqueue()).
    """
    sent_to: set[tuple[str, str]] = set()
    rows = []
    reporters = [new_reporter] if new_reporter is not None else _reachable_reporters(case)
    for reporter in reporters:
        for channel, recipient in ((Channel.EMAIL, reporter.email), (Channel.SMS, reporter.phone)):
            recipient = (recipient or "").strip()
            if not recipient or (channel, recipient) in sent_to:
                continue
            sent_to.add((channel, recipient))
            row = enqueue(
                case=case, audience="reporter", channel=channel, recipient=recipient, template=template,
                context={"reference": case.reference, **context}, language=language, now=now,
                idempotency_key=f"{template}:case-{case.pk}:reporter-{reporter.pk}:{channel}:{key_suffix}",
                new_case=new_reporter is not None,
            )
            if row is not None:
                rows.append(row)
    if new_reporter is not None and rows:
        Notification.objects.bulk_create(rows)  # one INSERT for the receipt's SMS and e-mail
    return rows


def _reachable_reporters(case: Case):
    # Reporters of cases merged into this one follow it (docs/product.md §4.2 duplicates).
    return (ReporterIdentity.objects
            .filter(Q(case=case) | Q(case__merged_into=case), contact_purged_at__isnull=True)
            .order_by("pk"))


def schedule_send_on_commit(notification_ids: Iterable[int | Notification | None]) -> None:
    """After the case's transaction commits, ask the worker to send these rows now.

    A broker outage is logged and swallowed: the rows are in the database and the
    "portal-send-outbox" schedule picks them up (docs/architecture.md rule 6).
    """
    ids = [getattr(item, "pk", item) for item in notification_ids if item is not None]
    if not ids:
        return
    # Rows scheduled anywhere in one transaction (a report and its routing) go to the worker
    # as one task: every call registers a flush, the first flush after the commit takes the
    # whole batch and the others find it empty.
    _pending.ids = [*getattr(_pending, "ids", []), *ids]
    transaction.on_commit(_flush_pending, robust=True)


_pending = threading.local()  # .ids: this thread's rows waiting for their transaction's commit


def _flush_pending() -> None:
    ids, _pending.ids = getattr(_pending, "ids", []), []
    if not ids:
        return
    # Ids left over from a rolled-back transaction (its flush never ran) are gone from the
    # table: drop them here so they never ride along with the next transaction's task.
    existing = sorted(Notification.objects.filter(pk__in=set(ids)).values_list("pk", flat=True))
    if existing:
        _enqueue_send_tasks(existing)


def _enqueue_send_tasks(ids: list[int]) -> None:
    # One task for all the rows of one change: one broker write, not one per message.
    try:
        q_tasks.async_task("cases.tasks.send_notifications", ids)
    except Exception as exc:  # noqa: BLE001 - the periodic sweep covers every failure
        logger.warning("could not enqueue sending of notifications %s (%s); the outbox sweep will send them",
                       ids, type(exc).__name__)


# --- sending ----------------------------------------------------------------------

def max_attempts() -> int:
    return getattr(settings, "PORTAL_NOTIFICATION_MAX_ATTEMPTS", 8)


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, 8 … minutes after the 1st, 2nd, 3rd … failed attempt, capped at an hour."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), MAX_BACKOFF_MINUTES))


def _claimable(now: datetime) -> Q:
    # Pending and due, or "sending" whose worker died (claim expired) with tries left.
    stuck = Q(state=State.SENDING, claimed_until__lt=now, attempts__lt=max_attempts())
    return Q(next_attempt_at__lte=now) & (Q(state=State.PENDING) | stuck)


def claim(notification_id: int, now: datetime | None = None) -> Notification | None:
    """Compare-and-set pending → sending. Exactly one concurrent caller gets the row.

    Call outside a transaction (tasks do): the claim must be visible to other workers
    at once. The attempt is counted here, so a message that kills its worker every
    time still runs out of attempts.
    """
    now = now or timezone.now()
    won = Notification.objects.filter(_claimable(now), pk=notification_id).update(
        state=State.SENDING, claimed_until=now + CLAIM_TIMEOUT, attempts=F("attempts") + 1,
    )
    return Notification.objects.get(pk=notification_id) if won == 1 else None


def send_due(now: datetime | None = None, limit: int = 100) -> dict[str, int]:
    """Send what is due. Returns counts: sent, retry, failed (gave up), skipped (lost a race)."""
    now = now or timezone.now()
    counts = {"sent": 0, "retry": 0, "failed": _fail_exhausted(now), "skipped": 0}
    ids = list(Notification.objects.filter(_claimable(now)).order_by("next_attempt_at", "pk")
               .values_list("pk", flat=True)[:limit])
    started = time.monotonic()
    for pk in ids:
        if time.monotonic() - started > SEND_BUDGET_SECONDS:
            break  # the rest stays due for the next run
        row = claim(pk, now)
        if row is None:
            counts["skipped"] += 1
            continue
        counts[_deliver(row, now)] += 1
    return counts


def _fail_exhausted(now: datetime) -> int:
    """Rows whose worker died during their last allowed attempt: give up on them."""
    return Notification.objects.filter(
        state=State.SENDING, claimed_until__lt=now, attempts__gte=max_attempts(),
    ).update(state=State.FAILED, claimed_until=None, last_error="worker stopped during the last attempt")


def requeue(notification_id: int, now: datetime | None = None) -> bool:
    """failed → pending with a fresh set of attempts (an operator's retry). Compare-and-set
    on the state, so two operators retrying at once requeue it once."""
    now = now or timezone.now()
    return Notification.objects.filter(pk=notification_id, state=State.FAILED).update(
        state=State.PENDING, attempts=0, next_attempt_at=now, claimed_until=None) == 1


def send_one(notification_id: int, now: datetime | None = None) -> str:
    """Send one row if it is due and nobody else holds it. Idempotent: a sent row is a no-op."""
    now = now or timezone.now()
    row = claim(notification_id, now)
    if row is not None:
        return _deliver(row, now)
    state = Notification.objects.filter(pk=notification_id).values_list("state", flat=True).first()
    return {None: "missing", State.SENT: "already_sent"}.get(state, "not_claimed")


def _deliver(row: Notification, now: datetime) -> str:
    # At-least-once window: if the process dies (or the database is unreachable)
    # after the transport accepted the message but before _finish() commits, the
    # claim expires and the row is sent again. The e-mail keeps the same Message-ID
    # and the SMS backend gets the idempotency key, so receivers can drop the copy.
    try:
        _transport(row)
    except SmsDisabled as exc:  # not a failure worth retrying, and never "sent"
        _finish(row, state=State.FAILED, next_attempt_at=now, last_error=str(exc))
        return "failed"
    except Exception as exc:  # noqa: BLE001 - every transport failure means "retry later"
        return _record_failure(row, now, exc)
    _finish(row, state=State.SENT, sent_at=now, last_error="")
    return "sent"


def _transport(row: Notification) -> None:
    if row.channel == Channel.SMS:
        get_sms_backend().send(row.recipient, row.body, reference=row.idempotency_key)
        return
    if row.channel != Channel.EMAIL:
        raise ValueError(f"unknown channel {row.channel!r}")
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "localhost"
    message = EmailMessage(
        subject=row.subject, body=row.body, from_email=settings.DEFAULT_FROM_EMAIL, to=[row.recipient],
        headers={"Message-ID": f"<notification-{row.pk}@{domain}>"},
    )
    if message.send(fail_silently=False) != 1:
        raise RuntimeError("the mail backend accepted no message")


def _record_failure(row: Notification, now: datetime, exc: Exception) -> str:
    final = row.attempts >= max_attempts()
    _finish(
        row, state=State.FAILED if final else State.PENDING,
        next_attempt_at=now if final else now + backoff(row.attempts),
        last_error=f"{type(exc).__name__}: {exc}"[:2000],
    )
    # The exception text may name the recipient: it stays in the row, not in the log.
    log = logger.error if final else logger.warning
    log("notification %s attempt %s failed (%s)%s", row.pk, row.attempts, type(exc).__name__,
        "; giving up" if final else "; will retry")
    return "failed" if final else "retry"


def _finish(row: Notification, **fields) -> None:
    # Only the holder of the current claim may settle the row.
    updated = Notification.objects.filter(
        pk=row.pk, state=State.SENDING, claimed_until=row.claimed_until,
    ).update(claimed_until=None, **fields)
    if updated != 1:
        logger.warning("notification %s: claim expired before the result was recorded", row.pk)
