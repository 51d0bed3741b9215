"""Progress report and spot-check screens: freezing with bad dates, the Word download
and its export log, the news draft, drawing and recording a spot check."""

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document

from cases import actions, results
from cases.models import ExportLog, ProgressSnapshot, SpotCheck, SpotCheckRound
from tests import factories as f
from tests.workbench.helpers import body_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(city):
    return f.user("office", "rectification_office")


def test_office_freezes_downloads_and_the_export_is_logged(city, new_case, office, login):
    new_case(now=timezone.now() - timedelta(days=3))
    client = login(office)
    today = timezone.localdate()
    bad = client.post(reverse("workbench:snapshots"), {"as_of": (today + timedelta(days=1)).isoformat()})
    assert bad.status_code == 400 and ProgressSnapshot.objects.count() == 0
    assert "不能晚于今天" in body_text(bad)
    response = client.post(reverse("workbench:snapshots"), {"as_of": today.isoformat()})
    snapshot = ProgressSnapshot.objects.get()
    assert response.status_code == 302 and snapshot.created_by == office
    again = client.post(reverse("workbench:snapshots"), {"as_of": today.isoformat()})
    assert again.status_code == 400 and "不会被覆盖" in body_text(again)
    page = body_text(client.get(reverse("workbench:snapshot", args=[snapshot.pk])))
    assert "一、总体进展" in page and "五、下一步工作" in page
    assert client.post(reverse("workbench:snapshot", args=[snapshot.pk]),
                       {"problems": "进度不平衡。", "next_steps": "持续督办。"}).status_code == 302
    docx = client.get(reverse("workbench:snapshot_download", args=[snapshot.pk, "docx"]))
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert "进度不平衡。" in text
    entry = ExportLog.objects.get()
    assert entry.user == office and entry.kind == "progress_report_docx" and entry.what.endswith(".docx")
    assert client.get(reverse("workbench:snapshot_download", args=[snapshot.pk, "xlsx"])).status_code == 200
    assert ExportLog.objects.count() == 2
    assert "progress-report-" in body_text(client.get(reverse("workbench:export_log")))


def test_departments_and_editors_do_not_reach_reports(city, new_case, office, login):
    new_case(now=timezone.now() - timedelta(days=3))
    login(office).post(reverse("workbench:snapshots"), {"as_of": timezone.localdate().isoformat()})
    snapshot = ProgressSnapshot.objects.get()
    for user in (city.env_handler, city.editor, city.intake):
        client = login(user)
        assert client.get(reverse("workbench:snapshots")).status_code == 403
        assert client.get(reverse("workbench:snapshot_download", args=[snapshot.pk, "docx"])).status_code == 404
    supervisor = login(city.supervisor)
    assert supervisor.get(reverse("workbench:snapshot", args=[snapshot.pk])).status_code == 200
    assert supervisor.post(reverse("workbench:snapshots"), {"as_of": "2026-01-01"}).status_code == 400
    assert ProgressSnapshot.objects.count() == 1


def test_spot_check_screen_draws_reproducibly_and_records_a_relapse(city, new_case, login):
    for _ in range(3):
        case = new_case()
        actions.accept(case, city.env_handler)
        results.submit_result(case, city.env_handler, findings="属实", reply="已整改")
        results.close(case, city.intake)
    client = login(city.supervisor)
    bad = client.post(reverse("workbench:spot_checks"), {"name": "第一轮", "population": "cases",
                                                         "share_percent": "120"})
    assert bad.status_code == 400 and SpotCheckRound.objects.count() == 0
    too_many = client.post(reverse("workbench:spot_checks"), {"name": "第一轮", "population": "cases",
                                                              "sample_size": "4"})
    assert too_many.status_code == 400 and "超过了总体数量" in body_text(too_many)
    for name in ("第一轮", "复核"):
        assert client.post(reverse("workbench:spot_checks"), {"name": name, "population": "cases",
                                                              "share_percent": "50", "seed": "99"}).status_code == 302
    first, again = (SpotCheckRound.objects.get(name=n) for n in ("第一轮", "复核"))
    assert list(first.items.values_list("case_id", flat=True)) == list(again.items.values_list("case_id", flat=True))
    item = first.items.first()
    url = reverse("workbench:spot_check_round", args=[first.pk])
    assert "99" in body_text(client.get(url))
    response = client.post(url, {"item": item.pk, "do": "outcome", f"o{item.pk}-outcome": "relapse",
                                 f"o{item.pk}-note": "夜间复查仍有异味", f"o{item.pk}-raise_order": "on"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.outcome == SpotCheck.Outcome.RELAPSE and item.case.state == "in_progress"
    assert item.case.supervision_orders.count() == 1
    assert login(city.env_handler).get(url).status_code == 404
