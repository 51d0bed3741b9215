"""The progress dashboard: chart data from the database, a JSON block for the
charting library (no inline script), and a data table per chart."""

import json
import re

import pytest

from cases.models import CaseState
from cms.dashboard import dashboard_charts
from tests.cms.helpers import close_case


@pytest.fixture
def cases(city, new_case):
    a = close_case(new_case(), city)
    b = close_case(new_case(category=city.water_cat), city, late=True)
    c = new_case(category=city.water_cat)
    return a, b, c


@pytest.mark.django_db
def test_chart_data_counts_the_cases(cases, city):
    charts = {c["id"]: c for c in dashboard_charts()}
    assert set(charts) == {"by-month", "by-category", "by-township", "by-state", "on-time"}
    assert sum(charts["by-month"]["values"]) == 3
    assert dict(zip(charts["by-category"]["labels"], charts["by-category"]["values"], strict=True)) == {
        "大气污染": 1, "水污染": 2}
    assert dict(zip(charts["by-township"]["labels"], charts["by-township"]["values"], strict=True)) == {
        "东湖街道": 3}
    states = dict(zip(charts["by-state"]["labels"], charts["by-state"]["values"], strict=True))
    assert states[str(CaseState.CLOSED.label)] == 2
    on_time = dict(zip(charts["on-time"]["labels"], charts["on-time"]["values"], strict=True))
    assert on_time == {city.env.name: 100.0, city.water.name: 0.0}
    counts = dict(zip(charts["on-time"]["labels"], charts["on-time"]["counts"], strict=True))
    assert counts == {city.env.name: [1, 1], city.water.name: [0, 1]}


@pytest.mark.django_db
def test_dashboard_page_has_json_block_scripts_and_tables(client, tree, cases):
    html = client.get("/progress/").content.decode()
    block = re.search(r'<script id="dashboard-data" type="application/json">(.*?)</script>', html, re.S)
    assert block and len(json.loads(block.group(1))) == 5
    assert '/static/vendor/chartjs/chart.umd.min.js' in html and '/static/js/charts.js' in html
    main = html.split('id="main"')[1]
    assert re.search(r"<script(?![^>]*(src=|application/json))", main) is None  # no inline JS
    assert main.count("<table") == 5 and main.count("<canvas") == 5
    assert "水污染" in main
    data = client.get("/progress/data/").json()
    assert len(data["charts"]) == 5
