"""The demo city (manage.py seed_demo) as the public sees it: the home page reads the
numbers of PRODUCT §1 from the data, and every section page is there."""

import io

import pytest
from django.core.management import call_command

from cms.demo_content import seed_cms_demo
from cms.models import NewsPage, TypicalCasePage
from tests.figures_oracle import shown_figures

NOW = "2026-11-29T10:00:00+08:00"


@pytest.mark.slow
@pytest.mark.django_db
def test_demo_home_page_reads_the_situation(client, time_machine):
    time_machine.move_to(NOW, tick=False)
    call_command("seed_demo", now=NOW, citizen_cases=10, stdout=io.StringIO())
    html = client.get("/").content.decode()
    shown = dict(shown_figures(html))
    assert (shown["tasks.completed"], shown["tasks.total"]) == ("12", "18")
    assert (shown["central.closed"], shown["central.received"], shown["central.in_progress"]) == ("152", "153", "1")
    assert (shown["provincial.closed"], shown["provincial.received"]) == ("15", "15")
    assert NewsPage.objects.live().count() == 6
    assert TypicalCasePage.objects.live().count() == 4
    for path in ("/news/", "/typical-cases/", "/tasks/", "/progress/", "/batches/", "/batches/central/8/",
                 "/cases/", "/how-to-report/", "/privacy/", "/about/"):
        assert client.get(path).status_code == 200, path
    again = seed_cms_demo()
    assert (again["news_created"], again["typical_created"]) == (0, 0)
