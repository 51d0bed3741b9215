"""Cached fragments of rendered pages (cms/fragments.py): a URL the page cache does not
store (``?_r=n``, as the benchmark's "render" figures use) still renders the page, but
its expensive computed block comes from the fragment cache; every write a reader could
notice shows in the fragment on the next request."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases import roles
from cases.models import RectificationTask
from cases.programme.writeoff import write_off
from cms import caching, fragments
from cms.caching import UNAVAILABLE
from cms.models import NewsPage
from cms.pagecache import HIT_HEADER
from tests import factories as f
from tests.cms.conftest import publish
from tests.cms.helpers import batch, close_case, referral, task
from tests.figures_oracle import shown_figures

pytestmark = pytest.mark.django_db
_renders = iter(range(1, 10_000))


def render(client, path):
    """The page rendered (never a page cache hit): a parameter the page cache ignores."""
    url = f"{path}{'&' if '?' in path else '?'}_r={next(_renders)}"
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200 and response.get(HIT_HEADER) != "hit"
    return response, len(ctx.captured_queries)


def shown(response) -> dict[str, str]:
    return dict(shown_figures(response.content.decode()))


@pytest.mark.parametrize("path", ["/", "/news/", "/typical-cases/", "/tasks/", "/progress/", "/batches/",
                                  "/cases/", "/cases/?state=closed&page=1"])
def test_a_second_render_reads_the_expensive_block_from_its_fragment(client, tree, city, path):
    central = batch()
    close_case(referral(city, central), city)
    task(1, city.env)
    render(client, "/about/")  # per-process routing and the section menu
    first, first_queries = render(client, path)
    second, second_queries = render(client, path)
    assert re.sub(r"_r=\d+", "", second.content.decode()) == re.sub(r"_r=\d+", "", first.content.decode())
    assert second_queries < first_queries, (first_queries, second_queries)
    assert second_queries <= 2, second_queries  # the case fingerprint; at most one page lookup


def test_a_batch_table_renders_around_its_fragment(client, tree, city):
    central = batch()
    cases = [referral(city, central) for _ in range(2)]
    first, first_queries = render(client, "/batches/central/1/")
    second, second_queries = render(client, "/batches/central/1/")
    assert second_queries < first_queries
    assert "第1批" in second.content.decode()  # the title block is outside the fragment
    assert shown(second)["batch.central.1.closed"] == "0"
    close_case(cases[0], city)
    assert shown(render(client, "/batches/central/1/")[0])["batch.central.1.closed"] == "1"


def test_a_case_change_shows_in_the_fragment_on_the_next_render(client, tree, city):
    central = batch()
    cases = [referral(city, central) for _ in range(2)]
    assert shown(render(client, "/batches/")[0])["batch.central.1.closed"] == "0"
    render(client, "/batches/")
    close_case(cases[0], city)
    assert shown(render(client, "/batches/")[0])["batch.central.1.closed"] == "1"
    assert shown(render(client, "/cases/")[0])["public_cases"] == "1"


def test_a_task_written_off_shows_in_the_fragments_on_the_next_render(client, tree, city,
                                                                      django_capture_on_commit_callbacks):
    done = task(1, city.env, milestones=((("方案", "2025-06-30"), True),))
    task(2, city.env)
    for path in ("/", "/tasks/", "/tasks/"):
        render(client, path)
    with django_capture_on_commit_callbacks(execute=True):
        RectificationTask.objects.filter(pk=done.pk).update(state="notice", notice_ends_on="2026-01-05")
        write_off(done, f.user("office", roles.OFFICE))
    assert shown(render(client, "/")[0])["tasks.completed"] == "1"
    assert shown(render(client, "/tasks/")[0])["tasks.status.done"] == "1"


def test_a_published_news_page_shows_in_the_list_fragment_on_the_next_render(client, tree):
    render(client, "/news/")
    render(client, "/news/")
    news = NewsPage(title="城区油烟治理见成效", slug="fumes")
    tree.news.add_child(instance=news)
    publish(news)
    assert "城区油烟治理见成效" in render(client, "/news/")[0].content.decode()


def test_filters_and_page_numbers_have_their_own_fragments(client, tree, city):
    central = batch()
    close_case(referral(city, central), city)
    all_cases = render(client, "/cases/")[0].content.decode()
    none_open = render(client, "/cases/?state=open")[0].content.decode()
    assert shown(render(client, "/cases/")[0])["public_cases"] == "1"
    assert all_cases.count('class="case-item"') == 1 and none_open.count('class="case-item"') == 0


def test_without_the_cache_server_every_fragment_is_rendered(client, tree, city, monkeypatch):
    central = batch()
    close_case(referral(city, central), city)
    render(client, "/batches/")
    _, from_fragment = render(client, "/batches/")
    monkeypatch.setattr(fragments, "freshness_keys", lambda: (UNAVAILABLE, 0, UNAVAILABLE))
    monkeypatch.setattr("cms.pagecache.freshness_keys", lambda: (UNAVAILABLE, 0, UNAVAILABLE))
    rendered, queries = render(client, "/batches/")
    assert shown(rendered)["batch.central.1.closed"] == "1"
    assert queries > from_fragment


class Busy:
    """The cache as seen while another request holds every fragment's render lock."""

    def __init__(self, real):
        self.real = real

    def add(self, key, *args, **kwargs):
        if key.startswith("cms:fragment:") and key.endswith(":computing"):
            return False
        return self.real.add(key, *args, **kwargs)

    def __getattr__(self, name):
        return getattr(self.real, name)


def test_while_one_request_renders_a_fragment_the_others_get_the_pages_previous_html(client, tree, city,
                                                                                      monkeypatch):
    """A fragment expires after DATA_TIMEOUT or changes with the data; on the benchmark
    8 connections then all recomputed the dashboard at once (docs/performance.md)."""
    central = batch()
    cases = [referral(city, central) for _ in range(2)]
    assert shown(render(client, "/batches/")[0])["batch.central.1.closed"] == "0"
    close_case(cases[0], city)
    busy = Busy(caching.cache)  # another request is rendering the new fragment
    monkeypatch.setattr(caching, "cache", busy)
    assert shown(render(client, "/batches/")[0])["batch.central.1.closed"] == "0"
    monkeypatch.setattr(caching, "cache", busy.real)
    assert shown(render(client, "/batches/")[0])["batch.central.1.closed"] == "1"
