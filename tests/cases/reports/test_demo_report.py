"""The demo city's progress report: the sentences of PRODUCT §1 come out of the demo
data, two snapshots show the change since the last report, and accountability
records fill the disclosure column. Seeds the demo once (slow)."""

import io
from datetime import date

import pytest
from django.core.management import call_command
from docx import Document

from cases.models import AccountabilityRecord, ProgressSnapshot, SupervisionOrder
from cases.reports import documents
from cases.reports.snapshots import previous
from cases.routing import invalidate_township_index
from cms.disclosure import batch_accountability

NOW = "2026-11-29T10:00:00+08:00"


@pytest.fixture(autouse=True)
def _forget_demo_townships():
    yield
    invalidate_township_index()


@pytest.mark.django_db
def test_demo_report_says_153_152_1_and_the_change_since_the_last_report():
    call_command("seed_demo", now=NOW, citizen_cases=12, stdout=io.StringIO())
    snapshots = list(ProgressSnapshot.objects.order_by("as_of"))
    assert [s.as_of for s in snapshots] == [date(2025, 6, 18), date(2026, 11, 29)]
    latest = snapshots[-1]
    assert latest.created_by.username == "demo_office" and previous(latest) == snapshots[0]
    central = latest.figures["referrals"]["central"]
    assert (central["received"], central["closed"], central["in_progress"]) == (153, 152, 1)
    assert latest.figures["tasks"]["total"] == 18 and latest.figures["tasks"]["completed"] == 12

    doc = Document(io.BytesIO(documents.build_docx(latest, previous(latest))))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert headings == list(documents.HEADINGS)
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "中央生态环境保护督察交办信访件153件，已办结152件，1件正在按序时推进。" in text
    assert "省生态环境保护督察交办信访件15件，已全部办结。" in text
    assert "督察反馈问题整改任务共18项，已完成12项" in text
    before = snapshots[0].figures["referrals"]["central"]
    added, closed = 153 - before["received"], 152 - before["closed"] - before["stage_closed"]
    assert added == 18 and f"较上期新增交办{added}件，新增办结{closed}件" in text
    batch_table = doc.tables[1]
    assert len(batch_table.rows) == 1 + 10  # 8 central + 2 provincial batches
    assert "挂牌督办" in text and "问责" in text
    assert "河道非法采砂问题出现反弹" in text  # section 四, written by the office

    assert SupervisionOrder.objects.count() >= 3
    batch = AccountabilityRecord.objects.filter(batches__number=2).first().batches.get()
    assert batch_accountability(batch) == "约谈1家单位，问责1人"
