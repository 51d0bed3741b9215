"""The draft news page (整改进展通报) made from a progress snapshot."""

from datetime import date, timedelta

import pytest
import time_machine

from cases.models import ProgressSnapshot
from cases.reports.news import draft_news
from cases.reports.snapshots import freeze_snapshot
from cms.models import NewsPage
from tests import factories as f
from tests.cases.conftest import T0
from tests.cms.helpers import batch, close_case, referral

pytestmark = pytest.mark.django_db


def test_draft_news_page_holds_the_figures_as_text_and_links_the_snapshot(city, tree):
    b = batch(number=1)
    close_case(referral(city, b, sequence=1), city)
    referral(city, b, sequence=2)
    office = f.user("office", "rectification_office")
    with time_machine.travel(T0 + timedelta(days=10)):
        snapshot = freeze_snapshot(office, date(2026, 3, 10))
    page = draft_news(snapshot, office)
    assert isinstance(page, NewsPage) and not page.live and page.get_parent().specific == tree.news
    assert page.get_latest_revision() is not None  # editors continue from a revision, through review
    body = str(page.body)
    assert "中央生态环境保护督察交办信访件2件，已办结1件，1件正在按序时推进。" in body
    assert f"/admin/cases/reports/{snapshot.pk}/" in body
    assert "举报人赵六" not in body and "13912345678" not in body
    assert draft_news(snapshot, office).pk == page.pk  # asked again: the same draft
    assert ProgressSnapshot.objects.get().news_page_id == page.pk
