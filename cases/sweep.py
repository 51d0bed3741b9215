"""The deadline sweep: warning, overdue and escalation crossings (PRODUCT §6).

Each pass selects only clocks whose threshold has passed and is not yet marked,
through partial indexes, so its cost follows the number of crossings, not the
number of cases. Marking is a compare-and-set inside one transaction, events and
notifications carry unique keys, so running it twice or concurrently (or after a
worker died half-way) still gives one event and one notification per crossing.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

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
        _write_events(threshold, live, now)
        _write_notifications(threshold, live, now)
        case_ids = {r["case_id"] for r in live if r["case_id"]}
        if threshold.name == "overdue":
            Case.objects.filter(pk__in=case_ids).update(is_overdue=True)
        elif threshold.name == "escalation":
            Case.objects.filter(pk__in=case_ids).update(is_supervised=True)
    return len(rows)


def _text(threshold: Threshold, row: dict) -> str:
    due = date_format(timezone.localtime(row["due_at"]), "DATETIME_FORMAT")
    clock = ClockKind(row["kind"]).label
    texts = {
        "warning": _("Deadline approaching: %(clock)s due %(due)s."),
        "overdue": _("Overdue: %(clock)s was due %(due)s."),
        "escalation": _("Escalated for supervision: %(clock)s was due %(due)s."),
    }
    return texts[threshold.name] % {"clock": clock, "due": due}


def _write_events(threshold: Threshold, rows: list[dict], now: datetime) -> None:
    CaseEvent.objects.bulk_create([
        CaseEvent(case_id=r["case_id"], kind=threshold.event_kind, created_at=now, internal_text=_text(threshold, r),
                  data={"clock": r["pk"], "clock_kind": r["kind"], "due": r["due_at"].isoformat()},
                  dedupe_key=f"clock:{r['pk']}:{threshold.name}")
        for r in rows if r["case_id"]
    ], ignore_conflicts=True)


def _recipients() -> tuple[dict[int, str], list[tuple[int, str]]]:
    emails = dict(Department.objects.exclude(email="").values_list("pk", "email"))
    desk = [(pk, email) for pk, email in Department.objects.filter(kind=Department.Kind.OFFICE)
            .exclude(email="").values_list("pk", "email")]
    return emails, desk


def _write_notifications(threshold: Threshold, rows: list[dict], now: datetime) -> None:
    emails, desk = _recipients()
    batch = []
    for r in rows:
        dept = r["assignment__department_id"] or r["action_item__department_id"]
        targets = [(dept, emails[dept])] if dept in emails else ([] if dept else desk)
        for dept_id, address in targets:
            text = _text(threshold, r)
            batch.append(Notification(
                case_id=r["case_id"], channel=Notification.Channel.EMAIL, recipient=address,
                audience=f"department:{dept_id}", template=threshold.event_kind, subject=text, body=text,
                idempotency_key=f"clock:{r['pk']}:{threshold.name}:{dept_id}", next_attempt_at=now))
    Notification.objects.bulk_create(batch, ignore_conflicts=True)
