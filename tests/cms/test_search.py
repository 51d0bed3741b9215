"""Chinese search: bigram indexing finds words inside titles and bodies (docs/architecture.md, "Stack notes").
Runs on SQLite and, with DATABASE_URL, on PostgreSQL."""

import pytest

from cases.models import Case
from cms.bigrams import index_text, tokens
from cms.models import NewsPage, StandardPage
from cms.search import search_cases, search_pages
from tests.cms.conftest import publish
from tests.cms.helpers import close_case

WORDS = ["污水", "化工厂", "偷排污水", "油烟"]


def test_tokens_are_bigrams_of_cjk_runs_and_ascii_words():
    assert tokens("某化工厂夜间偷排污水") == ["某化", "化工", "工厂", "厂夜", "夜间", "间偷", "偷排", "排污", "污水"]
    assert tokens("PM2.5 超标，油烟") == ["pm2", "5", "超标", "油烟"]
    assert tokens("水") == ["水"]
    assert index_text("污水 污水") == "污水"
    assert tokens("ＡＢＣ１２３") == ["abc123"]  # full-width forms are normalised


@pytest.fixture
def pages(tree):
    title_page = NewsPage(title="某化工厂夜间偷排污水、餐馆油烟扰民整改完成", slug="title-hit")
    body_page = NewsPage(title="整改通报", slug="body-hit", body=[
        {"type": "paragraph", "value": "<p>城区<b>餐饮油烟</b>扰民问题已解决；另有一家化工厂偷排污水被查处。</p>"}])
    other = NewsPage(title="建筑工地扬尘管控", slug="other", body=[{"type": "paragraph", "value": "<p>围挡覆盖</p>"}])
    rich = StandardPage(title="关于我们", slug="rich", body="<p>举报污水直排</p>")
    for parent, page in ((tree.news, title_page), (tree.news, body_page), (tree.news, other), (tree.home, rich)):
        parent.add_child(instance=page)
        publish(page)
    return tree


def _slugs(query, root=None):
    return {p.slug for p in search_pages(query, root)}


@pytest.mark.django_db
@pytest.mark.parametrize("word", WORDS)
def test_search_finds_words_inside_titles_and_bodies(pages, word):
    found = _slugs(word)
    assert "title-hit" in found  # the word is in its title only
    assert "body-hit" in found  # the word is in its body only
    assert "other" not in found


@pytest.mark.django_db
def test_search_requires_every_bigram(pages):
    assert _slugs("污水") >= {"title-hit", "body-hit", "rich"}
    assert _slugs("偷排污水") == {"title-hit", "body-hit"}
    assert "rich" in _slugs("污水直排")
    assert _slugs("污水扬尘") == set()
    assert _slugs("") == set()


@pytest.mark.django_db
def test_unpublished_pages_are_not_found(pages):
    draft = NewsPage(title="油烟草稿", slug="draft", live=False)
    pages.news.add_child(instance=draft)
    draft.save_revision()
    assert "draft" not in _slugs("油烟")


@pytest.mark.django_db
def test_search_view_lists_pages_and_public_cases(client, pages, city, new_case):
    public = close_case(new_case(description="化工厂偷排"), city, summary="某化工厂偷排污水问题已整改。")
    hidden = close_case(new_case(), city, summary="另一家化工厂偷排污水。", public=False)
    html = client.get("/search/", {"q": "偷排污水"}).content.decode()
    assert "某化工厂夜间偷排污水、餐馆油烟扰民整改完成" in html
    assert public.reference in html
    assert hidden.reference not in html
    assert "内部核查" not in html  # internal findings never appear


@pytest.mark.django_db
def test_case_search_uses_only_public_fields(city, new_case):
    case = close_case(new_case(description="夜间偷排污水"), city, summary="油烟扰民问题已解决。")
    assert [r["reference"] for r in search_cases("油烟")] == [case.reference]
    assert search_cases("偷排") == []  # the reporter's description is not searched
    assert search_cases("内部核查") == []  # nor the internal findings
    Case.objects.filter(pk=case.pk).update(is_public=False)
    assert search_cases("油烟") == []
    assert [r["reference"] for r in search_cases("大气")] == []  # public again below
    Case.objects.filter(pk=case.pk).update(is_public=True)
    assert [r["reference"] for r in search_cases("大气污染")] == [case.reference]  # category name


@pytest.mark.django_db
def test_results_come_newest_first(pages):
    assert [p.slug for p in search_pages("偷排污水")] == ["body-hit", "title-hit"]  # published in that order
