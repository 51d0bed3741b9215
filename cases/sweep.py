"""The deadline sweep: warning, overdue and escalation crossings (PRODUCT §6).

Each pass selects only clocks whose threshold has passed and is not yet marked,
through partial indexes, so its cost follows the number of crossings, not the
number of cases. Marking is a compare-and-set inside one transaction, events and
notifications carry unique keys, so running it twice or concurrently (or after a
worker died half-way) still gives one event and one notification per crossing.
"""

import json
from dataclasses import dataclass
from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cases.calendar import SHANGHAI
from cases.models import Case, CaseEvent, Clock, ClockKind, Department, Notification


@dataclass(frozen=True)
class Threshold:
    name: str
    at_field: str
    mark_field: str
    event_kind: str


THRESHOLDS = (
    Threshold("warning", "warn_at", "warned_at", "deadline_warning"),
    Threshold("overdue", "due_at", "overdue_at", "deadline_overdue"),
    Threshold("escalation", "escalate_at", "escalated_at", "escalated"),
)
FIELDS = ("pk", "case_id", "kind", "due_at", "assignment__department_id", "action_item__department_id")


def sweep(now: datetime | None = None, batch_size: int = 5000, _max_batches: int | None = None) -> dict[str, int]:
    """Mark every crossing up to `now`. `_max_batches` lets a test stop half-way."""
    now = now or timezone.now()
    counts = {}
    batches = 0
    with translation.override("zh-hans"):
        for threshold in THRESHOLDS:
            counts[threshold.name] = 0
            while _max_batches is None or batches < _max_batches:
                done = _sweep_batch(threshold, now, batch_size)
                batches += 1
                counts[threshold.name] += done
                if done < batch_size:
                    break
    return counts


def _candidates(threshold: Threshold, now: datetime, batch_size: int) -> list[dict]:
    qs = Clock.objects.filter(stopped_at__isnull=True, **{f"{threshold.mark_field}__isnull": True,
                                                          f"{threshold.at_field}__lte": now})
    if connection.features.has_select_for_update_skip_locked:
        # A concurrent sweep skips what this one holds instead of waiting for it.
        qs = qs.select_for_update(skip_locked=True, of=("self",))
    return list(qs.order_by(threshold.at_field).values(*FIELDS)[:batch_size])


def _sweep_batch(threshold: Threshold, now: datetime, batch_size: int) -> int:
    with transaction.atomic():
        rows = _candidates(threshold, now, batch_size)
        if not rows:
            return 0
        Clock.objects.filter(pk__in=[r["pk"] for r in rows], **{f"{threshold.mark_field}__isnull": True}).update(
            **{threshold.mark_field: now})
        # A warning for a clock that is already past due would only be noise.
        live = [r for r in rows if threshold.name != "warning" or r["due_at"] > now]
        texts = _texts()
        _write_events(threshold, live, now, texts)
        _write_notifications(threshold, live, now, texts)
        case_ids = {r["case_id"] for r in live if r["case_id"]}
        if threshold.name == "overdue":
            Case.objects.filter(pk__in=case_ids).update(is_overdue=True)
        elif threshold.name == "escalation":
            Case.objects.filter(pk__in=case_ids).update(is_supervised=True)
    return len(rows)


def _texts() -> dict[str, str]:
    # Translated once per batch: gettext per row costs more than the insert itself.
    return {
        "warning": _("Deadline approaching: %(clock)s due %(due)s."),
        "overdue": _("Overdue: %(clock)s was due %(due)s."),
        "escalation": _("Escalated for supervision: %(clock)s was due %(due)s."),
        **{f"clock:{value}": str(label) for value, label in ClockKind.choices},
    }


def _text(texts: dict[str, str], threshold: Threshold, row: dict) -> str:
    if "text" not in row:  # shared by the event and the notification of this row
        due = row["due_at"].astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
        row["text"] = texts[threshold.name] % {"clock": texts[f"clock:{row['kind']}"], "due": due}
    return row["text"]


def _insert_ignoring_duplicates(model, columns: list[str], rows: list[tuple]) -> None:
    """INSERT ... ON CONFLICT DO NOTHING (SQLite and PostgreSQL), without the ORM's
    per-field compilation, which costs more than the insert on a 10,000-row sweep."""
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    cols = ", ".join(connection.ops.quote_name(c) for c in columns)
    marks = ", ".join(["%s"] * len(columns))
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks}) ON CONFLICT DO NOTHING", rows)


def _write_events(threshold: Threshold, rows: list[dict], now: datetime, texts: dict[str, str]) -> None:
    at = connection.ops.adapt_datetimefield_value(now)
    _insert_ignoring_duplicates(CaseEvent, EVENT_COLUMNS, [
        (r["case_id"], threshold.event_kind, at, "", "", False, "", _text(texts, threshold, r),
         json.dumps({"clock": r["pk"], "clock_kind": r["kind"], "due": r["due_at"].isoformat()}),
         f"clock:{r['pk']}:{threshold.name}")
        for r in rows if r["case_id"]
    ])


EVENT_COLUMNS = ["case_id", "kind", "created_at", "from_state", "to_state", "is_public", "public_text",
                 "internal_text", "data", "dedupe_key"]
NOTIFICATION_COLUMNS = ["case_id", "channel", "recipient", "audience", "template", "language", "subject", "body",
                        "idempotency_key", "state", "attempts", "next_attempt_at", "last_error", "created_at"]


def _recipients() -> tuple[dict[int, str], list[tuple[int, str]]]:
    emails = dict(Department.objects.exclude(email="").values_list("pk", "email"))
    desk = [(pk, email) for pk, email in Department.objects.filter(kind=Department.Kind.OFFICE)
            .exclude(email="").values_list("pk", "email")]
    return emails, desk


def _write_notifications(threshold: Threshold, rows: list[dict], now: datetime, texts: dict[str, str]) -> None:
    emails, desk = _recipients()
    at = connection.ops.adapt_datetimefield_value(now)
    batch = []
    for r in rows:
        dept = r["assignment__department_id"] or r["action_item__department_id"]
        targets = [(dept, emails[dept])] if dept in emails else ([] if dept else desk)
        for dept_id, address in targets:
            text = _text(texts, threshold, r)
            batch.append((r["case_id"], Notification.Channel.EMAIL.value, address, f"department:{dept_id}",
                          threshold.event_kind, "zh-hans", text, text,
                          f"clock:{r['pk']}:{threshold.name}:{dept_id}", Notification.State.PENDING.value, 0, at,
                          "", at))
    _insert_ignoring_duplicates(Notification, NOTIFICATION_COLUMNS, batch)
