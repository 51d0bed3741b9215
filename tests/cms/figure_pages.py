"""Render every public page and export and read back every figure it shows.

`check_all(client, oracle)` visits the whole public site (every live page, every task,
every batch table and CSV, the open data files, the dashboard data, the feed, the
English pages, Open311 and the site search's counts per kind) and compares each figure
with the oracle (tests/figures_oracle.py; the search counts: tests/cms/search_counts.py). Besides the marked-up figures it checks what is counted
by rows on the page itself: ledger badges against task pages, batch table rows and
CSV status columns against the batch figures, open data rows against the public count.
"""

import csv
import io
import json
import re
from collections import Counter
from datetime import timedelta

from django.conf import settings
from django.utils import timezone, translation
from wagtail.models import Page

from cases.models import Case, RectificationTask, ReferralBatch
from cms.disclosure import source_slug, state_label
from cms.models import (
    BatchDisclosureIndexPage,
    NewsIndexPage,
    ProgressDashboardPage,
    PublicCaseIndexPage,
    TaskLedgerPage,
)
from tests.cms.search_counts import check_search
from tests.figures_oracle import Oracle, ledger_statuses, shown_figures

LEDGER_ROW = re.compile(r'task/(\d+)/">.*?<td>(\d+)%</td>\s*<td><span class="badge status-(\w+)">', re.S)
DETAIL = re.compile(r'<span class="badge status-(\w+)">[^<]*</span> [^<]*?(\d+)%')
JSON_SCRIPT = re.compile(r'<script id="dashboard-data" type="application/json">(.*?)</script>', re.S)
UNMARKED_REGIONS = (re.compile(r'<section class="counters".*?</section>', re.S),
                    re.compile(r'<ul class="status-summary".*?</ul>', re.S))


def get(client, url: str, expect: str = "text/html"):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith(expect), (url, response["Content-Type"])
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return body.decode("utf-8-sig")


def assert_no_unmarked_numbers(url: str, html: str) -> None:
    """In the figure regions every number is a marked-up figure (none typed or computed aside)."""
    for region in UNMARKED_REGIONS:
        for block in region.findall(html):
            rest = re.sub(r"<data [^>]*>[^<]*</data>", "", block)
            rest = re.sub(r'<[^>]+>', "", rest)
            assert not re.search(r"\d", rest), f"{url}: a number outside a figure: {rest.strip()[:200]}"


def check_html(client, oracle: Oracle, url: str) -> str:
    html = get(client, url)
    oracle.check(url, shown_figures(html))
    assert_no_unmarked_numbers(url, html)
    return html


def page_urls() -> list[str]:
    # In the default language: a page's URL carries the active language's prefix, and a
    # test that ran before may have left English active in this thread (/en/ requests).
    with translation.override(settings.LANGUAGE_CODE):
        return [p.url for p in Page.objects.live().public().specific() if p.url and p.depth > 1]


def check_ledger(client, oracle: Oracle, ledger_url: str) -> None:
    rows = {int(n): (pct, status) for n, pct, status in LEDGER_ROW.findall(get(client, ledger_url))}
    assert sorted(rows) == sorted(RectificationTask.objects.values_list("number", flat=True))
    for number, (pct, status) in rows.items():
        html = check_html(client, oracle, f"{ledger_url}task/{number}/")
        assert DETAIL.search(html).groups() == (status, pct), f"task {number}: ledger and task page disagree"
    for status in ("done", "on_track", "at_risk", "late"):
        filtered = get(client, f"{ledger_url}?status={status}")
        assert sum(ledger_statuses(filtered).values()) == int(oracle.values[f"tasks.status.{status}"])


def _status_counts(statuses) -> dict[str, int]:
    counts = Counter(statuses)
    return {"closed": counts[state_label("closed")], "stage_closed": counts[state_label("stage_closed")],
            "rejected": counts[state_label("rejected")], "in_progress": counts[state_label("in_progress")]}


def check_batches(client, oracle: Oracle, index_url: str) -> None:
    check_html(client, oracle, index_url)
    for batch in ReferralBatch.objects.all():
        key = f"batch.{source_slug(batch)}.{batch.number}"
        url = f"{index_url}{source_slug(batch)}/{batch.number}/"
        body = check_html(client, oracle, url).split("<tbody>")[1].split("</tbody>")[0]
        table = [re.findall(r"<td>([^<]*)</td>", row)[-1] for row in body.split("</tr>")[:-1]]
        rows = list(csv.reader(io.StringIO(get(client, url + "csv/", "text/csv"))))[1:]
        for statuses in (table, [r[-1] for r in rows]):
            assert len(statuses) == int(oracle.values.get(f"{key}.received", "0")), key
            for name, n in _status_counts(statuses).items():
                assert n == int(oracle.values.get(f"{key}.{name}", "0")), (url, name)


def check_open_data(client, oracle: Oracle, cases_url: str) -> None:
    check_html(client, oracle, cases_url)
    rows = list(csv.reader(io.StringIO(get(client, cases_url + "csv/", "text/csv"))))[1:]
    assert len(rows) == int(oracle.values["public_cases"])
    features = json.loads(get(client, cases_url + "geojson/", "application/geo+json"))["features"]
    located = Case.objects.public().filter(latitude__isnull=False, longitude__isnull=False).count()
    assert len(features) == located


def check_dashboard(client, oracle: Oracle, url: str) -> None:
    html = check_html(client, oracle, url)
    embedded = json.loads(JSON_SCRIPT.search(html).group(1))
    charts = {c["id"]: c for c in json.loads(get(client, url + "data/", "application/json"))["charts"]}
    assert [c["id"] for c in embedded] == list(charts)
    for chart_id, expected in oracle.charts().items():
        chart = charts[chart_id]
        shown = {label: value for label, value in zip(chart["labels"], chart["values"], strict=True) if value}
        assert shown == expected, chart_id
    on_time = [c for c in charts["on-time"]["counts"]]
    assert [sum(c[0] for c in on_time), sum(c[1] for c in on_time)] == oracle.on_time_counts()


def check_open311(client, oracle: Oracle) -> None:
    """Open311 says open for exactly the cases the figures count as in progress."""
    first = Case.objects.order_by("received_at").values_list("received_at", flat=True).first()
    start, end, statuses = first - timedelta(seconds=1), timezone.now(), Counter()
    while start < end:
        stop = min(start + timedelta(days=90), end)
        query = {"start_date": start.isoformat(), "end_date": stop.isoformat(), "page_size": 1000}
        statuses.update(r["status"] for r in client.get("/open311/v2/requests.json", query).json())
        start = stop + timedelta(microseconds=1)
    in_progress = sum(int(oracle.values[f"{k}.in_progress"]) for k in ("central", "provincial", "citizen"))
    assert statuses["open"] == in_progress


def check_all(client) -> Oracle:
    """Every public page and export; returns the oracle (`checked`: how many figures were read)."""
    ledger_url = TaskLedgerPage.objects.live().get().url
    oracle = Oracle(ledger_statuses(get(client, ledger_url)))
    for url in page_urls():
        check_html(client, oracle, url)
        check_html(client, oracle, "/en" + url)
    check_ledger(client, oracle, ledger_url)
    check_batches(client, oracle, BatchDisclosureIndexPage.objects.live().get().url)
    check_open_data(client, oracle, PublicCaseIndexPage.objects.live().get().url)
    check_dashboard(client, oracle, ProgressDashboardPage.objects.live().get().url)
    get(client, NewsIndexPage.objects.live().get().url + "feed/", "application/rss+xml")
    check_open311(client, oracle)
    oracle.checked += check_search(client)
    return oracle
