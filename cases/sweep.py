"""The deadline sweep: warning, overdue and escalation crossings (docs/product.md §6).

Each pass selects only clocks whose threshold has passed and is not yet marked,
through partial indexes, so its cost follows the number of crossings, not the
number of cases. Marking is a compare-and-set inside one transaction, events and
notifications carry unique keys, so running it twice or concurrently (or after a
worker died half-way) still gives one event and one notification per crossing.

The event and notification rows are built by INSERT … SELECT in the database from
the claimed clock ids: at 10,000 crossings, building them in Python (ORM objects or
bound row values) cost several times more than the inserts themselves.
"""

from dataclasses import dataclass
from datetime import datetime

from django.apps import apps
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cases import refcache
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


def _candidates(threshold: Threshold, now: datetime, batch_size: int) -> list[tuple[int, int | None]]:
    qs = Clock.objects.filter(stopped_at__isnull=True, **{f"{threshold.mark_field}__isnull": True,
                                                          f"{threshold.at_field}__lte": now})
    if connection.features.has_select_for_update_skip_locked:
        # A concurrent sweep skips what this one holds instead of waiting for it.
        qs = qs.select_for_update(skip_locked=True)
    return list(qs.order_by(threshold.at_field).values_list("pk", "case_id")[:batch_size])


def _sweep_batch(threshold: Threshold, now: datetime, batch_size: int) -> int:
    with transaction.atomic():
        rows = _candidates(threshold, now, batch_size)
        if not rows:
            return 0
        ids = [pk for pk, _case in rows]
        Clock.objects.filter(pk__in=ids, **{f"{threshold.mark_field}__isnull": True}).update(
            **{threshold.mark_field: now})
        _write_rows(threshold, ids, now)
        case_ids = {case for _pk, case in rows if case}
        transaction.on_commit(refcache.public_data_changed, robust=True)
        if threshold.name == "overdue":
            Case.objects.filter(pk__in=case_ids).update(is_overdue=True, updated_at=now)
        elif threshold.name == "escalation":
            Case.objects.filter(pk__in=case_ids).update(is_supervised=True, updated_at=now)
    return len(rows)


def _texts() -> dict[str, str]:
    # Translated once per batch; `{clock}` and `{due}` are filled in by SQL.
    return {
        "warning": _("Deadline approaching: %(clock)s due %(due)s."),
        "overdue": _("Overdue: %(clock)s was due %(due)s."),
        "escalation": _("Escalated for supervision: %(clock)s was due %(due)s."),
    }


class _Sql:
    """The few expressions that differ between SQLite and PostgreSQL."""

    def __init__(self):
        pg = connection.vendor == "postgresql"
        self.local_due = ("to_char(c.due_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI')" if pg
                          else "strftime('%%Y-%%m-%%d %%H:%%M', c.due_at, '+8 hours')")
        self.json = "json_build_object" if pg else "json_object"


def _text_sql(threshold: Threshold, sql: _Sql) -> tuple[str, list]:
    template = _texts()[threshold.name] % {"clock": "{clock}", "due": "{due}"}
    labels = list(ClockKind.choices)
    case = "CASE c.kind " + " ".join("WHEN %s THEN %s" for _ in labels) + " ELSE c.kind END"
    expr = f"replace(replace(%s, '{{clock}}', {case}), '{{due}}', {sql.local_due})"
    return expr, [template, *[str(v) for pair in labels for v in pair]]


def _write_rows(threshold: Threshold, ids: list[int], now: datetime) -> None:
    sql = _Sql()
    text, text_params = _text_sql(threshold, sql)
    at = connection.ops.adapt_datetimefield_value(now)
    marks = ", ".join(["%s"] * len(ids))
    # A warning for a clock that is already past due would only be noise.
    live = " AND c.due_at > %s" if threshold.name == "warning" else ""
    live_params = [at] if live else []
    event, clock = _table(CaseEvent), _table(Clock)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {event} (case_id, kind, created_at, from_state, to_state, is_public, public_text,"
            f" internal_text, data, dedupe_key)"
            f" SELECT c.case_id, %s, %s, '', '', false, '', {text},"
            f" {sql.json}('clock', c.id, 'clock_kind', c.kind), 'clock:' || c.id || ':{threshold.name}'"
            f" FROM {clock} c WHERE c.case_id IS NOT NULL AND c.id IN ({marks}){live} ON CONFLICT DO NOTHING",
            [threshold.event_kind, at, *text_params, *ids, *live_params])
        cursor.execute(*_notification_sql(threshold, text, text_params, at, marks, ids, live, live_params))


def _notification_sql(threshold, text, text_params, at, marks, ids, live, live_params) -> tuple[str, list]:
    """One e-mail per crossing to the responsible department (assignment or meeting
    action item), or to the intake desk for case-level clocks (dispatch, reply)."""
    notification, clock = _table(Notification), _table(Clock)
    assignment, item, dept = _table("cases.Assignment"), _table("cases.ActionItem"), _table(Department)
    return (
        f"INSERT INTO {notification} (case_id, channel, recipient, audience, template, language, subject, body,"
        f" idempotency_key, state, attempts, next_attempt_at, last_error, created_at)"
        f" SELECT c.case_id, 'email', d.email, 'department:' || d.id, %s, 'zh-hans', {text}, {text},"
        f" 'clock:' || c.id || ':{threshold.name}:' || d.id, 'pending', 0, %s, '', %s"
        f" FROM {clock} c LEFT JOIN {assignment} a ON a.id = c.assignment_id"
        f" LEFT JOIN {item} ai ON ai.id = c.action_item_id"
        f" JOIN {dept} d ON (d.id = COALESCE(a.department_id, ai.department_id)) OR"
        f" (a.department_id IS NULL AND ai.department_id IS NULL AND d.kind = %s)"
        f" WHERE d.email <> '' AND c.id IN ({marks}){live} ON CONFLICT DO NOTHING",
        [threshold.event_kind, *text_params, *text_params, at, at, Department.Kind.OFFICE.value, *ids,
         *live_params],
    )


def _table(model) -> str:
    if isinstance(model, str):
        model = apps.get_model(model)
    return connection.ops.quote_name(model._meta.db_table)
