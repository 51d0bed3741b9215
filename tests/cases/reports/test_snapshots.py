"""Progress snapshots: frozen figures, bad dates, the Word and Excel reports, the export
log (PRODUCT §4.8)."""

import io
from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from docx import Document
from openpyxl import load_workbook

from cases import actions, results
from cases.lifecycle import NotPermitted
from cases.models import CaseSource, ProgressSnapshot, ReferralBatch
from cases.reports import documents, sentences
from cases.reports.snapshots import freeze_snapshot, log_export, previous, write_texts
from tests import factories as f
from tests.cases.conftest import T0

pytestmark = pytest.mark.django_db
AFTER = T0 + timedelta(days=20)


@pytest.fixture
def office(city):
    return f.user("office", "rectification_office")


def close(case, city, at):
    actions.accept(case, city.env_handler, now=at)
    results.submit_result(case, city.env_handler, findings="属实", reply="已整改", now=at)
    return results.close(case, city.intake, now=at)


@pytest.fixture
def central(city, new_case):
    batch = ReferralBatch.objects.create(source=CaseSource.CENTRAL, number=1, title="中央第三督察组第1批",
                                         received_at=T0, due_at=T0 + timedelta(days=10))
    return batch, [new_case(source=CaseSource.CENTRAL, batch=batch, batch_sequence=n, original_code=f"D3SX{n:04d}")
                   for n in range(1, 4)]


def test_freeze_stores_every_figure_with_who_and_when(city, office, central):
    batch, cases = central
    close(cases[0], city, T0)
    with time_machine.travel(AFTER):
        snap = freeze_snapshot(office, date(2026, 3, 20))
    assert snap.created_by == office and snap.as_of == date(2026, 3, 20)
    ref = snap.figures["referrals"]["central"]
    assert (ref["received"], ref["closed"], ref["in_progress"]) == (3, 1, 2)
    assert snap.figures["batches"][0]["received"] == 3
    assert {"tasks", "citizen", "supervision", "accountability", "spot_checks"} <= set(snap.figures)
    close(cases[1], city, AFTER)  # later changes do not touch the frozen figures
    snap.refresh_from_db()
    assert snap.figures["referrals"]["central"]["closed"] == 1


@pytest.mark.parametrize("as_of, message", [
    (date(2026, 4, 1), "不能晚于今天"),
    (date(2026, 2, 1), "首个案件"),
])
def test_bad_dates_are_refused(city, office, central, as_of, message):
    with time_machine.travel(AFTER), pytest.raises(ValidationError, match=message):
        freeze_snapshot(office, as_of)
    assert ProgressSnapshot.objects.count() == 0


def test_a_second_snapshot_for_the_same_date_is_refused_not_overwritten(city, office, central):
    with time_machine.travel(AFTER):
        first = freeze_snapshot(office, date(2026, 3, 20))
        close(central[1][0], city, AFTER)
        with pytest.raises(ValidationError, match="不会被覆盖"):
            freeze_snapshot(office, date(2026, 3, 20))
    first.refresh_from_db()
    assert ProgressSnapshot.objects.count() == 1 and first.figures["referrals"]["central"]["closed"] == 0


def test_only_the_office_freezes_and_writes(city, office, central):
    with time_machine.travel(AFTER):
        for user in (city.supervisor, city.intake, city.env_head):
            with pytest.raises(NotPermitted):
                freeze_snapshot(user, date(2026, 3, 20))
        snap = freeze_snapshot(office, date(2026, 3, 20))
    with pytest.raises(NotPermitted):
        write_texts(snap, city.supervisor, problems="x", next_steps="y")
    write_texts(snap, office, problems="个别乡镇整改进度滞后。", next_steps="加强督查督办。")
    assert snap.problems == "个别乡镇整改进度滞后。"


def test_word_report_has_the_layout_sentences_tables_and_change(city, office, central):
    batch, cases = central
    close(cases[0], city, T0)
    with time_machine.travel(T0 + timedelta(days=5)):
        first = freeze_snapshot(office, date(2026, 3, 7))
    close(cases[1], city, AFTER - timedelta(days=1))
    with time_machine.travel(AFTER):
        second = freeze_snapshot(office, date(2026, 3, 22))
    write_texts(second, office, problems="个别点位存在反弹风险。", next_steps="持续开展回头看。")
    assert previous(second) == first and previous(first) is None
    doc = Document(io.BytesIO(documents.build_docx(second, first)))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert headings == list(documents.HEADINGS)
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "截至2026年3月22日" in text
    assert "中央生态环境保护督察交办信访件3件，已办结2件，1件正在按序时推进。" in text
    assert "较上期新增办结1件" in text
    assert "个别点位存在反弹风险。" in text and "持续开展回头看。" in text
    batch_table = doc.tables[1]
    assert [c.text for c in batch_table.rows[0].cells] == sentences.BATCH_HEADINGS
    assert [c.text for c in batch_table.rows[1].cells] == ["中央第三督察组第1批", "3", "2", "0", "1", "0"]
    assert "张三" not in text and "13800138000" not in text  # the reporter never appears


def test_excel_tables_are_formula_safe(city, office, central):
    with time_machine.travel(AFTER):
        snap = freeze_snapshot(office, date(2026, 3, 20))
    write_texts(snap, office, problems='=HYPERLINK("http://evil")', next_steps="")
    book = load_workbook(io.BytesIO(documents.build_xlsx(snap, None)))
    assert book.sheetnames == ["总体进展", "交办信访件", "督查督办和问责", "通报正文"]
    assert [c.value for c in book["交办信访件"][1]] == sentences.BATCH_HEADINGS
    cells = [c for row in book["通报正文"].iter_rows() for c in row if c.value]
    evil = next(c for c in cells if "HYPERLINK" in str(c.value))
    assert evil.data_type == "s" and evil.quotePrefix


def test_sentence_wording_for_all_closed_and_overdue():
    row = {"received": 15, "closed": 15, "stage_closed": 0, "rejected": 0, "in_progress": 0, "overdue": 0}
    assert sentences.referral_sentence("provincial", row) == "省生态环境保护督察交办信访件15件，已全部办结。"
    row = {"received": 10, "closed": 7, "stage_closed": 1, "rejected": 0, "in_progress": 2, "overdue": 1}
    assert sentences.referral_sentence("central", row) == (
        "中央生态环境保护督察交办信访件10件，已办结8件，2件正在办理（其中逾期1件）（办结件中阶段性办结1件）。")
    before = {**row, "received": 8, "closed": 5}
    assert sentences.change_sentence("中央", row, before) == "中央较上期新增交办2件，新增办结2件。"


def test_export_log_records_who_what_when(city):
    entry = log_export(city.supervisor, "progress_report_docx", "progress-report-20260320.docx")
    assert entry.user == city.supervisor and entry.at is not None and entry.what.endswith(".docx")
