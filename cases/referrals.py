"""Referral batches (docs/product.md §4.2): import the cases a central or provincial
inspection team referred, from an .xlsx or .csv file, with progress (docs/product.md §8).

File format (full description with examples in docs/referral-import.md):

* The batch itself (source ``central``/``provincial``, batch number, received date,
  reply due date or a number of days) is given as arguments of `import_batch`, of the
  ``import_batch`` management command, or in the admin upload form — not in the file.
* The first sheet of an .xlsx, or a CSV in UTF-8 (with or without BOM) or GB18030,
  has one header row (title rows above it are skipped) and one case per row below:

  =========  ==============  ========  ==========================================
  column     also accepted   required  value
  =========  ==============  ========  ==========================================
  序号        sequence        no        whole number, unique in the file
  受理编号    original_code   yes       the inspection's code, 6–40 letters/digits
  重点件      key_case        no        是/否, Y/N, 1/0, true/false (blank = 否)
  乡镇街道    township        yes       name or code of a township
  问题类型    category        yes       name or code of a category or sub-type,
                                       or "category / sub-type"
  举报内容    content         yes       the complaint text
  行政区域    address         no        address or area text
  =========  ==============  ========  ==========================================

All or nothing: every row is checked before anything is written, and errors are
reported by spreadsheet row (header = row 1) and column header as written in the
file. Only a clean file is imported, in one transaction; each case goes through
`intake.submit_case`, which also routes it.
"""

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.core.files.storage import storages
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.calendar import SHANGHAI, end_of_day, local_date
from cases.intake import ReportInput, submit_case
from cases.models import Case, CaseSource, Category, ImportJob, LocationSource, ReferralBatch, Township
from cases.referral_jobs import Progress, State
from cases.referral_sheet import COLUMNS, REQUIRED, BatchFileError, RowData, RowError, parse_batch_file

log = logging.getLogger("portal.referrals")
SOURCES = (CaseSource.CENTRAL, CaseSource.PROVINCIAL)
CODE_RE = re.compile(r"^[A-Za-z0-9]{6,40}$")
TRUE_WORDS = {"是", "y", "yes", "1", "true", "√", "✓", "★", "重点"}
FALSE_WORDS = {"", "否", "n", "no", "0", "false", "×", "非重点"}
ADDRESS_MAX = Case._meta.get_field("address").max_length


@dataclass(frozen=True)
class CleanRow:
    row: int
    sequence: int | None
    original_code: str
    is_key_case: bool
    township: Township
    category: Category
    subcategory: Category | None
    content: str
    address: str


@dataclass
class ImportResult:
    errors: list[RowError]
    batch: ReferralBatch | None = None
    case_ids: list[int] = field(default_factory=list)
    total: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


# --- dates ------------------------------------------------------------------------

def received_moment(value: date | datetime, now: datetime) -> datetime:
    """A received date means now when it is today, else the start of that day."""
    if isinstance(value, datetime):
        return value if timezone.is_aware(value) else value.replace(tzinfo=SHANGHAI)
    return now if value == local_date(now) else datetime.combine(value, time.min, SHANGHAI)


def due_moment(value: date | datetime) -> datetime:
    if isinstance(value, datetime):
        return value if timezone.is_aware(value) else value.replace(tzinfo=SHANGHAI)
    return end_of_day(value)


def due_after_days(received_at: datetime, days: int) -> datetime:
    """Batch reply deadlines are calendar days counted from the day after receipt."""
    return end_of_day(local_date(received_at) + timedelta(days=days))


# --- reading cells ----------------------------------------------------------------

def _key(text: str) -> str:
    return re.sub(r"\s", "", text).replace("／", "/").lower()


@dataclass(frozen=True)
class _Lookups:
    township_names: dict[str, Township]
    township_codes: dict[str, Township]
    category_codes: dict[str, Category]
    category_names: dict[str, list[Category]]


def _lookups() -> _Lookups:
    towns = list(Township.objects.all())
    cats = list(Category.objects.filter(is_active=True).select_related("parent"))
    names: dict[str, list[Category]] = {}
    for cat in cats:
        labels = {cat.name, cat.name_en, f"{cat.parent.name}/{cat.name}" if cat.parent_id else ""} - {""}
        for label in labels:
            names.setdefault(_key(label), []).append(cat)
    return _Lookups({_key(t.name): t for t in towns}, {_key(t.code): t for t in towns},
                    {_key(c.code): c for c in cats}, names)


def _parse_sequence(text: str) -> tuple[int | None, str | None]:
    if not text:
        return None, None
    if not text.isdigit() or int(text) < 1:
        return None, _("The sequence number must be a positive whole number, not “%(value)s”.") % {"value": text}
    return int(text), None


def _parse_code(text: str) -> tuple[str, str | None]:
    if not text:
        return "", _("The case code is missing.")
    if not CODE_RE.match(text):
        return text, _("The case code must be 6 to 40 letters or digits, not “%(value)s”.") % {"value": text}
    return text, None


def _parse_flag(text: str) -> tuple[bool, str | None]:
    word = text.strip().lower()
    if word in TRUE_WORDS or word in FALSE_WORDS:
        return word in TRUE_WORDS, None
    return False, _("Write 是 or 否 (Y/N, 1/0), not “%(value)s”.") % {"value": text}


def _parse_content(text: str) -> tuple[str, str | None]:
    return text, None if text else _("The complaint text is empty.")


def _parse_address(text: str) -> tuple[str, str | None]:
    if len(text) > ADDRESS_MAX:
        return text, _("At most %(max)s characters.") % {"max": ADDRESS_MAX}
    return text, None


def _find_township(text: str, lk: _Lookups) -> tuple[Township | None, str | None]:
    town = lk.township_names.get(_key(text)) or lk.township_codes.get(_key(text))
    if town is None:
        return None, (_("Unknown township “%(value)s”.") % {"value": text} if text
                      else _("The township is missing."))
    return town, None


def _find_category(text: str, lk: _Lookups) -> tuple[Category | None, str | None]:
    if not text:
        return None, _("The category is missing.")
    if _key(text) in lk.category_codes:
        return lk.category_codes[_key(text)], None
    found = lk.category_names.get(_key(text), [])
    top = [c for c in found if not c.parent_id]
    if len(found) == 1 or len(top) == 1:
        return (found[0] if len(found) == 1 else top[0]), None
    if found:
        return None, _("“%(value)s” names several categories; write its code or “category / sub-type”.") % {
            "value": text}
    return None, _("Unknown category “%(value)s”.") % {"value": text}


# --- validation -------------------------------------------------------------------

def _check_row(data: RowData, lk: _Lookups) -> tuple[CleanRow | None, list[RowError]]:
    checks: list[tuple[str, Callable[[str], tuple]]] = [
        ("sequence", _parse_sequence), ("original_code", _parse_code), ("key_case", _parse_flag),
        ("township", lambda t: _find_township(t, lk)), ("category", lambda t: _find_category(t, lk)),
        ("content", _parse_content), ("address", _parse_address),
    ]
    values, errors = {}, []
    for name, parse in checks:
        # An absent optional column reads as blank: no sequence, not a key case, no address.
        values[name], message = parse(data.values.get(name, ""))
        if message:
            errors.append(RowError(data.row, data.columns[name], message))
    if errors:
        return None, errors
    cat = values.pop("category")
    category, subcategory = (cat.parent, cat) if cat.parent_id else (cat, None)
    return CleanRow(row=data.row, sequence=values["sequence"], original_code=values["original_code"],
                    is_key_case=values["key_case"], township=values["township"], category=category,
                    subcategory=subcategory, content=values["content"], address=values["address"]), []


def _duplicates(rows: list[RowData], name: str) -> list[RowError]:
    first_seen: dict[str, int] = {}
    errors = []
    for data in rows:
        value = data.values.get(name, "")
        key = value.upper()
        if not value:
            continue
        if key in first_seen:
            errors.append(RowError(data.row, data.columns[name], _(
                "“%(value)s” appears more than once in the file (first in row %(first)s).")
                % {"value": value, "first": first_seen[key]}))
        else:
            first_seen[key] = data.row
    return errors


def _already_imported(rows: list[RowData], source: str) -> list[RowError]:
    by_code = {d.values["original_code"]: d for d in rows if CODE_RE.match(d.values["original_code"])}
    existing = Case.objects.filter(source=source, original_code__in=list(by_code)).values_list(
        "original_code", "reference")
    return [RowError(by_code[code].row, by_code[code].columns["original_code"],
                     _("Case code %(code)s was already imported (case %(reference)s).")
                     % {"code": code, "reference": reference}) for code, reference in existing]


def check_rows(rows: list[RowData], source: str | None = None) -> tuple[list[RowError], list[CleanRow]]:
    """Every problem of every row, and the clean rows when there is none."""
    if not rows:
        return [RowError(None, "", _("The file has no case rows below the header row."))], []
    head = rows[0]
    missing = [name for name in REQUIRED if name not in head.columns]
    if missing:
        return [RowError(head.header_row, COLUMNS[name][0], _("This required column is missing."))
                for name in missing], []
    lookups = _lookups()
    errors, clean = [], []
    for data in rows:
        row, row_errors = _check_row(data, lookups)
        errors += row_errors
        if row is not None:
            clean.append(row)
    errors += _duplicates(rows, "original_code") + _duplicates(rows, "sequence")
    if source:
        errors += _already_imported(rows, source)
    errors.sort(key=lambda e: e.row or 0)  # stable: a row's errors stay in column order
    return errors, (clean if not errors else [])


def validate_rows(rows: list[RowData], *, source: str | None = None) -> list[RowError]:
    """Row and column of every problem; with `source`, codes already imported from it too."""
    return check_rows(rows, source)[0]


def check_batch(source: str, number: int, received_at: datetime, due_at: datetime,
                now: datetime) -> list[RowError]:
    errors = []
    if source not in SOURCES:
        errors.append(RowError(None, "source", _("The source must be central or provincial inspection.")))
    if not isinstance(number, int) or number < 1:
        errors.append(RowError(None, "number", _("The batch number must be a positive whole number.")))
    if local_date(received_at) > local_date(now):
        errors.append(RowError(None, "received", _("The received date is in the future.")))
    if due_at < received_at:
        errors.append(RowError(None, "due", _("The reply due date is before the received date.")))
    if not errors:
        batch = ReferralBatch.objects.filter(source=source, number=number).first()
        if batch is not None and batch.cases.exists():
            errors.append(RowError(None, "number", _("%(batch)s has already been imported.") % {"batch": batch}))
    return errors


# --- import -----------------------------------------------------------------------

class _BatchTaken(Exception):
    pass


def _claim_batch(source: str, number: int, received_at: datetime, due_at: datetime, title: str,
                 actor) -> ReferralBatch:
    """The batch row, new or an empty one an administrator created ahead; locked."""
    user = actor if actor is not None and actor.is_authenticated else None
    batch = ReferralBatch.objects.select_for_update().filter(source=source, number=number).first()
    if batch is None:
        return ReferralBatch.objects.create(source=source, number=number, title=title, received_at=received_at,
                                            due_at=due_at, imported_by=user)
    if batch.cases.exists():
        raise _BatchTaken
    batch.received_at, batch.due_at, batch.title = received_at, due_at, title or batch.title
    batch.imported_by = user or batch.imported_by
    batch.save(update_fields=["received_at", "due_at", "title", "imported_by"])
    return batch


def _report(row: CleanRow, source: str, batch: ReferralBatch) -> ReportInput:
    return ReportInput(
        category=row.category, subcategory=row.subcategory, description=row.content, address=row.address,
        location_source=LocationSource.IMPORT, source=source, batch=batch, batch_sequence=row.sequence,
        original_code=row.original_code, is_key_case=row.is_key_case, township=row.township,
    )


def _write(clean: list[CleanRow], source: str, number: int, received_at: datetime, due_at: datetime,
           title: str, actor, progress: Progress) -> ImportResult:
    # One transaction: the file is imported whole or not at all. Pollers cannot see
    # rows written inside it, so progress goes through the cache (referral_progress).
    with transaction.atomic():
        batch = _claim_batch(source, number, received_at, due_at, title, actor)
        ids = []
        for done, row in enumerate(clean, start=1):
            ids.append(submit_case(_report(row, source, batch), None, actor=actor, now=received_at).case.pk)
            progress.step(done)
        progress.succeed({"batch": batch.pk, "batch_label": str(batch), "cases": len(ids)})
    return ImportResult(errors=[], batch=batch, case_ids=ids, total=len(ids))


def import_batch(fileobj, filename: str, *, source: str, number: int, received_at: date | datetime,
                 due_at: date | datetime, actor=None, job=None, now: datetime | None = None, title: str = "",
                 on_progress: Callable[[int, int], None] | None = None) -> ImportResult:
    """Check the whole file, then import it in one transaction, or report every error."""
    now = now or timezone.now()
    received_at, due_at = received_moment(received_at, now), due_moment(due_at)
    progress = Progress(job, on_progress, now)
    progress.start()
    try:
        rows = parse_batch_file(fileobj, filename)
    except BatchFileError as exc:
        return ImportResult(errors=progress.fail(exc.errors))
    errors = check_batch(source, number, received_at, due_at, now)
    row_errors, clean = check_rows(rows, source if source in SOURCES else None)
    if errors or row_errors:
        return ImportResult(errors=progress.fail(errors + row_errors), total=len(rows))
    progress.set_total(len(clean))
    try:
        return _write(clean, source, number, received_at, due_at, title, actor, progress)
    except (_BatchTaken, IntegrityError):
        log.warning("referral batch %s/%s imported concurrently", source, number)
        return ImportResult(errors=progress.fail([RowError(None, "number", _(
            "This batch was imported by someone else at the same time; nothing was imported here."))]))
    except Exception:
        progress.fail([RowError(None, "", _("The import stopped on an unexpected error; nothing was imported."))])
        raise


def run_import_job(job_id: int, path: str, filename: str, source: str, number: int | str,
                   received_at_iso: str, due_at_iso: str, actor_id: int | None) -> dict:
    """The worker's side. A job already done is left alone (brokers may deliver twice)."""
    job = ImportJob.objects.filter(pk=job_id).first()
    if job is None or job.state == State.DONE:
        return {"skipped": True}
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    try:
        fileobj = storages["private"].open(path, "rb")
    except FileNotFoundError:
        Progress(job, None, timezone.now()).fail([RowError(None, "", _("The uploaded file is missing."))])
        return {"ok": False, "errors": 1}
    with fileobj:
        result = import_batch(fileobj, filename, source=source, number=int(number),
                              received_at=datetime.fromisoformat(received_at_iso),
                              due_at=datetime.fromisoformat(due_at_iso), actor=actor, job=job)
    return {"ok": result.ok, "cases": len(result.case_ids), "errors": len(result.errors)}
