"""Referral batch import: whole files or nothing, errors by row and column, progress."""

import csv
import io
from datetime import date, datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command

from cases import referral_jobs
from cases.calendar import end_of_day
from cases.models import Case, CaseEvent, ImportJob, ReferralBatch
from cases.referral_jobs import job_progress, queue_import
from cases.referrals import RowError, import_batch, parse_batch_file, validate_rows
from cases.tasks import import_referral_batch
from tests import factories as f

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
RECEIVED = datetime(2026, 11, 27, 9, 0, tzinfo=SH)  # a Friday
NOW = datetime(2026, 11, 29, 10, 0, tzinfo=SH)
DUE = date(2026, 12, 7)
HEADER = ["序号", "受理编号", "重点件", "乡镇街道", "问题类型", "举报内容", "行政区域"]
GOOD = [
    ["1", "D3SX202611270001", "是", "东湖街道", "大气污染", "某化工厂夜间排放刺鼻废气", "东湖街道建设路18号"],
    ["2", "D3SX202611270002", "否", "west", "异味", "垃圾中转站异味扰民", ""],
    ["3", "D3SX202611270003", "", "河西街道", "水污染", "河道出现黑臭水体", "河西街道滨河路"],
]


@pytest.fixture(autouse=True)
def _english(settings):
    """These assertions read the English messages (the catalogue makes them Chinese)."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def ref(db):
    f.calendar((2025, 2026))
    f.provisional_year(2027)
    f.default_policies()
    env = f.department("市生态环境局")
    air = f.category("大气污染", code="air")
    data = SimpleNamespace(
        env=env, air=air, odour=f.category("异味", parent=air, code="odour"),
        water=f.category("水污染", code="water"),
        east=f.township("东湖街道", code="east"), west=f.township("河西街道", code="west"),
    )
    f.rule(env, category=air)  # air and its sub-types are routed; water waits for dispatch
    return data


@pytest.fixture
def job(db):
    made = ImportJob.objects.create(kind="referral_batch")
    cache.delete(referral_jobs.cache_key(made.pk))  # a shared Redis may hold an older run's entry
    yield made
    cache.delete(referral_jobs.cache_key(made.pk))


def csv_bytes(rows, header=HEADER, encoding="utf-8-sig") -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows([header, *rows])
    return out.getvalue().encode(encoding)


def xlsx_bytes(rows, header=HEADER, title=None) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    if title:
        sheet.append([title])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def run(data: bytes, filename="第1批.csv", **kw):
    options = {"source": "central", "number": 1, "received_at": RECEIVED, "due_at": DUE, "now": NOW, **kw}
    return import_batch(io.BytesIO(data), filename, **options)


def assert_good_import(result, ref):
    assert result.ok, result.errors
    batch = ReferralBatch.objects.get()
    assert (batch.source, batch.number, batch.received_at, batch.due_at) == ("central", 1, RECEIVED, end_of_day(DUE))
    cases = {c.original_code: c for c in Case.objects.all()}
    assert sorted(cases) == [row[1] for row in GOOD]
    first, second, third = (cases[row[1]] for row in GOOD)
    assert all(c.source == "central" and c.batch == batch and c.location_source == "import" for c in cases.values())
    assert [c.batch_sequence for c in (first, second, third)] == [1, 2, 3]
    assert [c.is_key_case for c in (first, second, third)] == [True, False, False]
    assert [c.township for c in (first, second, third)] == [ref.east, ref.west, ref.west]
    assert (second.category, second.subcategory) == (ref.air, ref.odour)
    assert [c.state for c in (first, second, third)] == ["assigned", "assigned", "submitted"]
    assert first.lead_department == ref.env and third.lead_department is None
    assert first.address == "东湖街道建设路18号" and first.received_at == RECEIVED
    assert set(result.case_ids) == {c.pk for c in cases.values()}
    assert first.clocks.filter(kind="batch_reply", due_at=end_of_day(DUE)).exists()


def test_good_csv_imports_routed_cases_with_progress(ref, job, monkeypatch):
    monkeypatch.setattr(referral_jobs, "PROGRESS_EVERY", 1)
    seen = []
    result = run(csv_bytes(GOOD), job=job,
                 on_progress=lambda done, total: seen.append((done, total, job_progress(job.pk))))
    assert_good_import(result, ref)
    assert [(done, total) for done, total, _p in seen] == [(0, 3), (1, 3), (2, 3), (3, 3)]
    # Other processes read the cache while the import transaction is still open.
    assert [(p["state"], p["processed"], p["total"]) for _d, _t, p in seen[1:]] == [
        ("running", 1, 3), ("running", 2, 3), ("running", 3, 3)]
    job.refresh_from_db()
    assert (job.state, job.processed, job.total, job.errors) == ("done", 3, 3, [])
    assert job.result["cases"] == 3 and job.result["batch"] == result.batch.pk
    assert job_progress(job.pk) == {"state": "done", "processed": 3, "total": 3, "errors": []}


def test_good_xlsx_with_title_row_imports(ref, job):
    rows = [[1, "D3SX202611270001", "是", "东湖街道", "air", "某化工厂夜间排放刺鼻废气", "东湖街道建设路18号"],
            [2, "D3SX202611270002", "N", "west", "大气污染 / 异味", "垃圾中转站异味扰民", None],
            [3, "D3SX202611270003", False, "河西街道", "水污染", "河道出现黑臭水体", "河西街道滨河路"]]
    data = xlsx_bytes(rows, title="中央第三生态环境保护督察组第1批交办信访件")
    result = run(data, filename="batch-1.XLSX", job=job)
    assert_good_import(result, ref)
    assert job_progress(job.pk)["state"] == "done"


def test_english_headers_and_gb18030_csv(ref):
    header = ["sequence", "Original Code", "key_case", "Township", "category", "content", "address"]
    result = run(csv_bytes(GOOD, header=header, encoding="gb18030"))
    assert_good_import(result, ref)


def test_one_bad_row_imports_nothing_and_names_row_and_column(ref, job):
    before = Case.objects.count()
    rows = [GOOD[0], [*GOOD[1][:3], "不存在街道", *GOOD[1][4:]], GOOD[2]]
    result = run(csv_bytes(rows), job=job)
    assert [(e.row, e.column) for e in result.errors] == [(3, "乡镇街道")]
    assert "不存在街道" in result.errors[0].message
    assert Case.objects.count() == before and not ReferralBatch.objects.exists()
    assert not CaseEvent.objects.exists()
    job.refresh_from_db()
    assert job.state == "failed" and [(e["row"], e["column"]) for e in job.errors] == [(3, "乡镇街道")]
    progress = job_progress(job.pk)
    assert progress["state"] == "failed" and progress["errors"][0]["row"] == 3


def test_columns_are_reported_as_written_in_the_file(ref):
    header = ["序号", "受理编号", "重点件", "乡镇（街道）", "问题类型", "举报内容", "行政区域"]
    rows = [GOOD[0], [*GOOD[1][:3], "nowhere", *GOOD[1][4:]]]
    assert [(e.row, e.column) for e in run(csv_bytes(rows, header=header)).errors] == [(3, "乡镇（街道）")]


def test_duplicate_codes_and_sequences_in_the_file_are_reported(ref):
    rows = [GOOD[0], GOOD[1], [GOOD[2][0], GOOD[0][1].lower(), *GOOD[2][2:]], ["1", *GOOD[2][1:]]]
    errors = run(csv_bytes(rows)).errors
    assert [(e.row, e.column) for e in errors] == [(4, "受理编号"), (5, "序号")]
    assert "row 2" in errors[0].message
    assert not Case.objects.exists()


def test_missing_required_column_is_reported_on_the_header_row(ref):
    header = [h for h in HEADER if h != "乡镇街道"]
    rows = [[v for i, v in enumerate(row) if i != 3] for row in GOOD]
    errors = run(csv_bytes(rows, header=header)).errors
    assert [(e.row, e.column) for e in errors] == [(1, "乡镇街道")]
    assert not Case.objects.exists()


@pytest.mark.parametrize(("column", "value"), [
    ("序号", "一"), ("受理编号", "D3-SX-1"), ("受理编号", "ABC12"), ("受理编号", ""), ("重点件", "也许"),
    ("乡镇街道", ""), ("问题类型", "光污染"), ("举报内容", ""), ("行政区域", "路" * 301),
])
def test_each_bad_value_is_reported_in_its_column(ref, column, value):
    row = list(GOOD[0])
    row[HEADER.index(column)] = value
    rows = parse_batch_file(io.BytesIO(csv_bytes([GOOD[1], row])), "x.csv")
    errors = validate_rows(rows)
    assert [(e.row, e.column) for e in errors] == [(3, column)]
    assert all(e.message for e in errors)


def test_ambiguous_category_name_asks_for_code(ref):
    f.category("其他", parent=ref.air, code="air-other")
    f.category("其他", parent=ref.water, code="water-other")
    rows = parse_batch_file(io.BytesIO(csv_bytes([[*GOOD[0][:4], "其他", *GOOD[0][5:]]])), "x.csv")
    assert [(e.row, e.column) for e in validate_rows(rows)] == [(2, "问题类型")]
    rows = parse_batch_file(io.BytesIO(csv_bytes([[*GOOD[0][:4], "水污染/其他", *GOOD[0][5:]]])), "x.csv")
    assert validate_rows(rows) == []


def test_batch_already_imported_and_codes_already_imported_are_refused(ref):
    assert run(csv_bytes(GOOD)).ok
    again = run(csv_bytes(GOOD))
    assert [(e.row, e.column) for e in again.errors][:1] == [(None, "number")]
    other_batch = run(csv_bytes(GOOD), number=2).errors
    assert [(e.row, e.column) for e in other_batch] == [(2, "受理编号"), (3, "受理编号"), (4, "受理编号")]
    assert Case.objects.count() == 3 and ReferralBatch.objects.count() == 1
    assert run(csv_bytes(GOOD), source="provincial").ok  # another inspection's codes are its own


def test_an_empty_batch_created_ahead_is_reused(ref):
    ahead = ReferralBatch.objects.create(source="central", number=1, received_at=NOW, due_at=NOW, title="第1批")
    result = run(csv_bytes(GOOD))
    assert result.ok and result.batch.pk == ahead.pk
    ahead.refresh_from_db()
    assert (ahead.received_at, ahead.title) == (RECEIVED, "第1批")


def test_bad_batch_arguments_are_reported(ref):
    errors = run(csv_bytes(GOOD), source="web", number=0, received_at=date(2026, 12, 1), due_at=date(2026, 11, 1))
    assert {e.column for e in errors.errors} == {"source", "number", "received", "due"}
    assert not Case.objects.exists()


def test_failure_while_writing_rolls_everything_back(ref, job, monkeypatch):
    from cases import referrals

    real, calls = referrals.submit_case, []

    def flaky(*args, **kw):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("database went away")
        return real(*args, **kw)

    monkeypatch.setattr(referrals, "submit_case", flaky)
    with pytest.raises(RuntimeError):
        run(csv_bytes(GOOD), job=job)
    assert not Case.objects.exists() and not ReferralBatch.objects.exists()
    job.refresh_from_db()
    assert job.state == "failed" and job.errors


@pytest.mark.parametrize(("filename", "data"), [
    ("a.xlsx", b"not a zip file"), ("a.xls", b"\xd0\xcf\x11\xe0"), ("a.txt", b"x"), ("a.csv", b""),
    ("a.csv", "标题\n只有一行\n".encode()), ("a.csv", ",".join(HEADER).encode()),
])
def test_unreadable_files_are_reported_not_raised(ref, filename, data):
    result = run(data, filename=filename)
    assert len(result.errors) == 1 and result.errors[0].row is None and result.errors[0].message
    assert not Case.objects.exists()


def test_note_lines_under_the_table_are_not_cases(ref):
    rows = parse_batch_file(io.BytesIO(csv_bytes([*GOOD, [], ["合计：3件", "", "", "", "", "", "注"]])), "x.csv")
    assert [r.row for r in rows] == [2, 3, 4] and validate_rows(rows) == []


def test_too_many_rows_are_refused(ref, monkeypatch):
    monkeypatch.setattr("cases.referral_sheet.MAX_ROWS", 2)
    errors = run(csv_bytes(GOOD)).errors
    assert len(errors) == 1 and "2" in errors[0].message and not Case.objects.exists()


def test_command_imports_with_progress_lines(ref, tmp_path):
    path = tmp_path / "第1批.xlsx"
    path.write_bytes(xlsx_bytes(GOOD))
    out = io.StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("import_batch", str(path), "--source", "central", "--number", "1", "--received",
                     "2026-11-27", "--due-days", "10", stdout=out)
    assert "Imported 3 of 3" in out.getvalue()
    batch = ReferralBatch.objects.get()
    assert batch.due_at == end_of_day(DUE) and batch.cases.count() == 3
    assert Case.objects.get(original_code=GOOD[0][1]).state == "assigned"


def test_command_reports_errors_and_exits_non_zero(ref, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_bytes([GOOD[0], [*GOOD[1][:3], "不存在街道", *GOOD[1][4:]]]))
    err = io.StringIO()
    with time_machine.travel(NOW, tick=False), pytest.raises(CommandError):
        call_command("import_batch", str(path), "--source", "central", "--number", "1", "--received",
                     "2026-11-27", "--due", "2026-12-07", stderr=err)
    assert "3\t乡镇街道\t" in err.getvalue()
    assert not Case.objects.exists() and not ReferralBatch.objects.exists()


def test_queued_import_runs_in_the_worker_once(ref, django_capture_on_commit_callbacks):
    user = f.user("intake1")
    with django_capture_on_commit_callbacks(execute=True):
        job = queue_import(ContentFile(csv_bytes(GOOD)), "第1批.csv", source="central", number=1,
                           received_at=RECEIVED, due_at=end_of_day(DUE), actor=user)
    cache.delete(referral_jobs.cache_key(job.pk))
    job.refresh_from_db()
    assert (job.state, job.processed, job.total) == ("done", 3, 3)
    assert ReferralBatch.objects.get().imported_by == user
    # The broker may deliver the task again: the finished job is left alone.
    args = (job.pk, "gone.csv", "第1批.csv", "central", 1, RECEIVED.isoformat(), RECEIVED.isoformat(), None)
    assert import_referral_batch(*args) == {"skipped": True}
    assert Case.objects.count() == 3 and ImportJob.objects.get(pk=job.pk).state == "done"


def test_row_error_as_dict():
    assert RowError(3, "乡镇街道", "x").as_dict() == {"row": 3, "column": "乡镇街道", "message": "x"}
