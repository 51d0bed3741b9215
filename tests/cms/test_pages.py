"""Page tree rules (where each page type may be created) and that every type renders."""

import pytest
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase

from cms.models import (
    BatchDisclosureIndexPage,
    HomePage,
    NewsIndexPage,
    NewsPage,
    ProgressDashboardPage,
    PublicCaseIndexPage,
    StandardPage,
    TaskLedgerPage,
    TypicalCaseIndexPage,
    TypicalCasePage,
)
from tests.cms.conftest import publish

SECTIONS = [NewsIndexPage, TypicalCaseIndexPage, TaskLedgerPage, ProgressDashboardPage, BatchDisclosureIndexPage,
            PublicCaseIndexPage, StandardPage]
ALL = [HomePage, *SECTIONS, NewsPage, TypicalCasePage]


class TreeRulesTests(WagtailPageTestCase):
    def test_home_page_only_under_the_root(self):
        self.assertCanCreateAt(Page, HomePage)
        for model in ALL:
            if model is not HomePage:
                self.assertCanNotCreateAt(Page, model)
            self.assertCanNotCreateAt(model, HomePage)

    def test_sections_only_under_the_home_page(self):
        self.assertAllowedSubpageTypes(HomePage, set(SECTIONS))
        for model in SECTIONS:
            self.assertAllowedParentPageTypes(
                model, {HomePage, StandardPage} if model is StandardPage else {HomePage})

    def test_news_pages_only_in_the_news_index(self):
        self.assertCanCreateAt(NewsIndexPage, NewsPage)
        self.assertAllowedParentPageTypes(NewsPage, {NewsIndexPage})
        self.assertAllowedSubpageTypes(NewsIndexPage, {NewsPage})
        self.assertAllowedSubpageTypes(NewsPage, set())
        self.assertCanNotCreateAt(HomePage, NewsPage)
        self.assertCanNotCreateAt(TypicalCaseIndexPage, NewsPage)

    def test_typical_cases_only_in_their_index(self):
        self.assertCanCreateAt(TypicalCaseIndexPage, TypicalCasePage)
        self.assertAllowedParentPageTypes(TypicalCasePage, {TypicalCaseIndexPage})
        self.assertCanNotCreateAt(HomePage, TypicalCasePage)
        self.assertCanNotCreateAt(NewsIndexPage, TypicalCasePage)

    def test_leaf_pages_have_no_children(self):
        for model in (TaskLedgerPage, ProgressDashboardPage, BatchDisclosureIndexPage, PublicCaseIndexPage,
                      NewsPage, TypicalCasePage):
            self.assertAllowedSubpageTypes(model, set())

    def test_standard_pages_nest(self):
        self.assertCanCreateAt(StandardPage, StandardPage)
        self.assertCanNotCreateAt(NewsIndexPage, StandardPage)


@pytest.mark.django_db
def test_single_instance_sections_cannot_be_added_twice(tree):
    for model in (NewsIndexPage, TypicalCaseIndexPage, TaskLedgerPage, ProgressDashboardPage,
                  BatchDisclosureIndexPage, PublicCaseIndexPage):
        assert not model.can_create_at(tree.home), model


@pytest.mark.django_db
def test_every_page_type_renders(client, tree):
    news = NewsPage(title="某化工厂夜间偷排污水整改完成", slug="n1",
                    body=[{"type": "paragraph", "value": "<p>正文</p>"}, {"type": "heading", "value": "小标题"},
                          {"type": "quote", "value": {"text": "引文", "source": "来源"}}])
    tree.news.add_child(instance=news)
    news = publish(news)
    story = TypicalCasePage(title="典型案例一", slug="t1", intro="摘要")
    tree.typical.add_child(instance=story)
    story = publish(story)
    pages = [tree.home, tree.news, news, tree.typical, story, tree.ledger, tree.dashboard, tree.batches,
             tree.cases, tree.about]
    for page in pages:
        response = client.get(page.url)
        assert response.status_code == 200, page.url
        assert page.title in response.content.decode()
    assert "某化工厂夜间偷排污水整改完成" in client.get(tree.home.url).content.decode()
    assert "典型案例一" in client.get(tree.home.url).content.decode()


@pytest.mark.django_db
def test_open_graph_tags(client, tree):
    news = NewsPage(title="油烟治理", slug="fumes", search_description="城区油烟治理见成效")
    tree.news.add_child(instance=news)
    publish(news)
    html = client.get("/news/fumes/").content.decode()
    assert '<meta property="og:title" content="油烟治理">' in html
    assert '<meta property="og:description" content="城区油烟治理见成效">' in html
    assert '<meta property="og:type" content="article">' in html
    assert '<meta property="og:url" content="http://testserver/news/fumes/">' in html
    assert '<meta property="og:type" content="website">' in client.get("/").content.decode()


@pytest.mark.django_db
def test_english_is_served_under_en(client, tree):
    response = client.get("/en/tasks/")
    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()
    assert '<html lang="zh-hans">' in client.get("/tasks/").content.decode()
