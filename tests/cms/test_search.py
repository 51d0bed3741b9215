"""Site search (cms/search): every kind of public content, Chinese bigrams, exact
identifiers, highlighting, pagination, privacy and bad input. Runs on SQLite and, with
DATABASE_URL, on PostgreSQL."""

import re
from html import unescape

import pytest

from cases.models import Case, Photo
from cases.workbench.services import set_publicity
from cms.bigrams import index_text, tokens
from cms.models import NewsPage, StandardPage, TypicalCasePage
from cms.search import site_search
from cms.search.highlight import excerpt
from cms.search.query import MAX_QUERY, parse
from tests.cms.conftest import publish
from tests.cms.helpers import FINDINGS, REPORTER, batch, close_case, referral, task
from tests.cms.search_counts import check_search, expected_counts, sample_queries, shown_counts

pytestmark = pytest.mark.django_db


def test_tokens_are_bigrams_of_cjk_runs_and_ascii_words():
    assert tokens("某化工厂夜间偷排污水") == ["某化", "化工", "工厂", "厂夜", "夜间", "间偷", "偷排", "排污", "污水"]
    assert tokens("PM2.5 超标，油烟") == ["pm2", "5", "超标", "油烟"]
    assert tokens("水") == ["水"]
    assert index_text("污水 污水") == "污水"
    assert tokens("ＡＢＣ１２３") == ["abc123"]  # full-width forms are normalised


def test_query_is_cleaned_and_identifiers_recognised():
    q = parse("  hb2026-000123\x00 D3SX202505280018，污水 ")
    assert q.identifiers == ("HB2026-000123", "D3SX202505280018")
    assert "\x00" not in q.text and len(parse("污" * 10_000).text) == MAX_QUERY
    assert parse("污水").identifiers == () and not parse("  ") and not parse("\x00\x00")
    assert parse("ABCDEF").identifiers == () and parse("2026").identifiers == ()  # a code has letters and digits
    assert parse("HB2026-000123").only_identifiers and not parse("HB2026-000123 污水").only_identifiers


def test_excerpt_marks_every_match_and_escapes_the_rest():
    html = excerpt("<b>某化工厂</b>夜间偷排污水" + "。" * 300, ["偷排", "排污", "污水"])
    assert "<mark>偷排污水</mark>" in html and "&lt;b&gt;" in html and "<b>" not in html
    assert len(unescape(re.sub("<[^>]+>", "", html))) <= 162  # cut around the match
    assert excerpt("ABC abc", ["abc"]) == "<mark>ABC</mark> <mark>abc</mark>"


@pytest.fixture
def site(tree, city):
    """One item of every kind, and private twins of them that must never be found."""
    central = batch(number=3)
    central.title = "中央第三生态环境保护督察组第3批交办信访件"
    central.save()
    hit = close_case(referral(city, central, sequence=1), city, summary="矿区化工厂偷排污水问题已整改到位。")
    hidden = close_case(referral(city, central, sequence=2), city, summary="另一家化工厂偷排污水。", public=False)
    task(7, city.env).__class__.objects.filter(number=7).update(title="矿山生态修复", problem="废弃矿山植被破坏")
    news = NewsPage(title="化工厂偷排污水整改完成", slug="news-hit", intro="市生态环境局通报矿山整治")
    draft = NewsPage(title="化工厂草稿", slug="draft", live=False)
    story = TypicalCasePage(title="一起偷排案件的整改", slug="story", linked_case=hit, intro="办结回访")
    about = StandardPage(title="如何举报", slug="how", body="<p>举报化工厂偷排请拨打12369</p>")
    for parent, page in ((tree.news, news), (tree.typical, story), (tree.home, about)):
        parent.add_child(instance=page)
        publish(page)
    tree.news.add_child(instance=draft)
    draft.save_revision()
    return {"tree": tree, "hit": hit, "hidden": hidden, "batch": central, "story": story}


def found(query, kind="", page=1, root=None, tree=None):
    outcome = site_search(query, root=root or tree.home, kind=kind, page=page)
    return outcome, {g.kind: [str(r.title) for r in g.results] for g in outcome.groups}


def plain(items):
    return [re.sub("<[^>]+>", "", t) for t in items]


@pytest.mark.parametrize(("query", "kind", "expected"), [
    ("偷排污水", "news", "化工厂偷排污水整改完成"),
    ("偷排", "typical", "一起偷排案件的整改"),
    ("矿山生态修复", "tasks", "7. 矿山生态修复"),
    ("植被破坏", "tasks", "7. 矿山生态修复"),
    ("矿区化工厂", "cases", None),
    ("第3批", "batches", "中央第三生态环境保护督察组第3批交办信访件"),
    ("如何举报", "pages", "如何举报"),
])
def test_each_kind_is_found(site, query, kind, expected):
    outcome, groups = found(query, tree=site["tree"])
    assert outcome.counts[kind] == len(groups[kind]) >= 1
    titles = plain(groups[kind])
    assert (expected in titles) if expected else any(site["hit"].reference in t for t in titles)


def test_exact_reference_and_original_code(site):
    hit = site["hit"]
    for query in (hit.reference, hit.reference.lower(), f" {hit.original_code} "):
        outcome, groups = found(query, tree=site["tree"])
        assert any(hit.reference in t for t in plain(groups["cases"])), query
    _, groups = found(site["hidden"].original_code, tree=site["tree"])
    assert "cases" not in groups  # the case is not public ...
    assert plain(groups["batches"]) == ["中央第三生态环境保护督察组第3批交办信访件"]  # ... its batch table is
    _, groups = found(site["hidden"].reference, tree=site["tree"])
    assert groups == {}


def test_a_typical_case_is_found_by_its_case(site):
    site["story"].save_revision().publish()  # indexed again with its case's identifiers
    _, groups = found(site["hit"].reference, tree=site["tree"])
    assert plain(groups["typical"]) == ["一起偷排案件的整改"]


def test_matches_are_highlighted(site):
    _, groups = found("矿山生态修复", tree=site["tree"])
    assert groups["tasks"] == ["7. <mark>矿山生态修复</mark>"]
    html = site_client_get(site, {"q": "偷排污水"})
    assert "<mark>偷排污水</mark>" in html


def site_client_get(site, params, path="/search/", status=200):
    from django.test import Client

    response = Client().get(path, params)
    assert response.status_code == status
    return response.content.decode()


PRIVATE_WORDS = {
    "reporter's description": "来信反映",   # Case.description of the referrals
    "internal findings": "执法人员王五",
    "reporter identity": "举报人赵六",
    "reporter phone": "13912345678",
    "unpublished page": "草稿",
}


@pytest.mark.parametrize("rule", PRIVATE_WORDS)
def test_nothing_private_is_found(site, rule):
    # the words are in the stored data, so finding nothing means something
    assert PRIVATE_WORDS["internal findings"] in FINDINGS and PRIVATE_WORDS["reporter identity"] == REPORTER.name
    outcome, groups = found(PRIVATE_WORDS[rule], tree=site["tree"])
    assert outcome.total == 0, (rule, groups)
    html = site_client_get(site, {"q": PRIVATE_WORDS[rule]})
    assert 'class="search-result"' not in html and "<mark>" not in html


def test_a_case_made_private_leaves_the_results(site, city):
    assert found("化工厂偷排", tree=site["tree"])[0].counts["cases"] == 1
    set_publicity(site["hit"], city.intake, is_public=False, is_sensitive=False, public_summary="")
    assert found("化工厂偷排", tree=site["tree"])[0].counts["cases"] == 0


def test_restricted_and_other_site_pages_are_not_found(site):
    from wagtail.models import PageViewRestriction

    tree = site["tree"]
    secret = StandardPage(title="内部通讯录", slug="secret", body="<p>通讯录</p>")
    tree.home.add_child(instance=secret)
    publish(secret)
    PageViewRestriction.objects.create(page=secret, restriction_type="password", password="x")
    assert found("通讯录", tree=tree)[0].total == 0


def test_evidence_not_marked_public_is_not_found(site, city):
    from cases.models import Milestone

    Milestone.objects.filter(task__number=7).update(evidence="验收报告原件存档")
    Photo.objects.filter(case=site["hit"]).update(is_public=False)
    assert found("验收报告", tree=site["tree"])[0].total == 0


def test_one_list_grouped_by_kind_with_pagination(site, city):
    for n in range(25):
        close_case(referral(city, site["batch"], sequence=10 + n), city, summary=f"化工厂偷排第{n}号")
    outcome, groups = found("化工厂", tree=site["tree"])
    assert outcome.counts["cases"] == 26 and outcome.total == sum(outcome.counts.values()) > 26
    assert list(groups)[:2] == ["news", "cases"] and sum(map(len, groups.values())) == 10
    pages = [found("化工厂", page=p, tree=site["tree"])[1] for p in range(1, outcome.page_obj.paginator.num_pages + 1)]
    every = [(kind, title) for groups in pages for kind, titles in groups.items() for title in titles]
    assert len(every) == len(set(every)) == outcome.total  # every result once, in kind order
    assert [k for k, _ in every] == sorted((k for k, _ in every), key=list(outcome.counts).index)
    only, groups = found("化工厂", kind="cases", page=3, tree=site["tree"])
    assert list(groups) == ["cases"] and len(groups["cases"]) == 6 and only.page_obj.number == 3
    html = site_client_get(site, {"q": "化工厂", "kind": "cases", "page": "2"})
    assert 'data-kind="cases"' in html and "kind=cases&amp;page=3" in html


@pytest.mark.parametrize("query", [
    "", "   ", "污" * 10_000, "化工\x00厂", "\x00", "' OR 1=1 --", "\"; DROP TABLE cases_case; --",
    "<script>alert(1)</script>", "污水 AND NOT (x OR y) NEAR/2 * ^", "%_\\", "%", "*", "&lt;", "a" * 200,
])
@pytest.mark.parametrize("path", ["/search/", "/en/search/"])
def test_bad_input_gets_a_normal_page(site, query, path):
    if "\x00" in query:  # the request guard refuses NUL bytes in any parameter, on every URL
        html = site_client_get(site, {"q": query}, path=path, status=400)
        assert "\x00" not in html and "Traceback" not in html
    else:
        html = site_client_get(site, {"q": query, "page": "x", "kind": "<b>"}, path=path)
        assert "search-q" in html and ("Search" in html or "搜索" in html)
    assert "<script>alert(1)</script>" not in html
    assert Case.objects.filter(pk=site["hit"].pk).exists()


def test_out_of_range_page_shows_the_last_page(site):
    outcome, groups = found("化工厂", page=999, tree=site["tree"])
    assert outcome.page_obj.number == outcome.page_obj.paginator.num_pages and groups


def test_english_search_finds_the_same(site):
    html = site_client_get(site, {"q": "矿山生态修复"}, path="/en/search/")
    assert "<mark>矿山生态修复</mark>" in html and 'lang="en"' in html


def test_source_labels_of_batches_are_searchable(site):
    assert found("中央", tree=site["tree"])[0].counts["batches"] == 1


def test_search_counts_per_kind_agree_with_the_rows(site, city, client):
    """The same check the cross-page figure test runs on the demo city, on this site:
    each kind's count on the page equals the rows counted without the index."""
    for n in range(12):
        close_case(referral(city, site["batch"], sequence=40 + n), city, summary=f"化工厂夜间偷排第{n}号",
                   public=n % 3 != 0)
    assert check_search(client) >= 6 * len(sample_queries())
    for query in ("化工厂", "偷排污水", site["hit"].reference, site["hidden"].original_code, "中央"):
        assert shown_counts(client, query) == expected_counts(query), query
    assert shown_counts(client, "化工厂")["cases"] == 1 + 8  # the public ones only


def results(html: str) -> str:
    """The results block (the fragment): the rest of the page echoes the query as typed."""
    return html[html.index('<nav class="search-kinds"'):html.index("</main>")]


def search_page(client, params):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/search/", params)
    assert response.status_code == 200
    return response.content.decode(), [q["sql"] for q in ctx.captured_queries]


def test_a_repeated_search_is_read_back_as_html(site, client):
    """The results block is a fragment (cms/fragments.py): asked again, no search query
    runs; another page, kind or query is searched afresh."""
    first, first_sql = search_page(client, {"q": "偷排污水"})
    again, again_sql = search_page(client, {"q": " 偷排污水 "})  # the same cleaned query
    assert results(again) == results(first) and "<mark>偷排污水</mark>" in results(again)
    assert any("searchentry" in sql for sql in first_sql)
    assert not any("searchentry" in sql for sql in again_sql) and len(again_sql) < len(first_sql)
    for params in ({"q": "偷排污水", "kind": "news"}, {"q": "偷排污水", "page": "2"}, {"q": "矿山"}):
        assert any("searchentry" in sql for sql in search_page(client, params)[1]), params


def test_a_long_query_is_keyed_by_its_cleaned_text(site, client):
    long_query = "偷排污水" + "水" * 10_000
    first, _ = search_page(client, {"q": long_query})
    again, again_sql = search_page(client, {"q": long_query[:MAX_QUERY]})  # what clean() keeps of it
    assert results(again) == results(first) and not any("searchentry" in sql for sql in again_sql)


def test_a_case_made_public_is_found_on_the_next_search(site, client, city):
    html, _ = search_page(client, {"q": "另一家化工厂"})
    assert site["hidden"].reference not in html
    set_publicity(site["hidden"], city.intake, is_public=True, is_sensitive=False, public_summary="另一家化工厂偷排污水。")
    html, _ = search_page(client, {"q": "另一家化工厂"})
    assert site["hidden"].reference in html


def test_a_published_news_page_is_found_on_the_next_search(site, client):
    assert "/news/fumes/" not in search_page(client, {"q": "油烟扰民"})[0]
    news = NewsPage(title="夜间油烟扰民整治", slug="fumes")
    site["tree"].news.add_child(instance=news)
    publish(news)
    assert "/news/fumes/" in search_page(client, {"q": "油烟扰民"})[0]
