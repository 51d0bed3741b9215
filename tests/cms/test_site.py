"""RSS feed, sitemap, the editorial workflow setup and the demo content."""

import re
import xml.etree.ElementTree as ET

import pytest
from django.contrib.auth.models import Group
from wagtail.models import GroupPagePermission, Workflow, WorkflowPage

from cases import roles
from cms.demo_content import seed_cms_demo
from cms.models import NewsPage, TypicalCasePage
from cms.setup import MODERATOR, WORKFLOW_NAME, ensure_editorial_workflow
from tests.cms.conftest import publish
from tests.cms.helpers import batch, close_case, referral, task


@pytest.mark.django_db
def test_rss_feed_lists_published_news(client, tree):
    for slug, title in (("a", "污水处理厂提标改造"), ("b", "油烟治理")):
        page = NewsPage(title=title, slug=slug, intro="摘要")
        page.tags.add("水")
        tree.news.add_child(instance=page)
        publish(page)
    draft = NewsPage(title="草稿", slug="draft", live=False)
    tree.news.add_child(instance=draft)
    response = client.get("/news/feed/")
    assert response["Content-Type"].startswith("application/rss+xml")
    items = ET.fromstring(response.content).findall("./channel/item")
    assert {i.findtext("title") for i in items} == {"污水处理厂提标改造", "油烟治理"}
    assert all(i.findtext("link").startswith("http://testserver/news/") for i in items)
    assert '<link rel="alternate" type="application/rss+xml"' in client.get("/news/").content.decode()


@pytest.mark.django_db
def test_sitemap_lists_pages_tasks_and_batches(client, tree, city):
    task(7, city.env)
    batch(number=2)
    body = client.get("/sitemap.xml").content.decode()
    for path in ("/news/", "/tasks/", "/tasks/task/7/", "/batches/central/2/", "/cases/", "/progress/"):
        assert f"http://localhost{path}" in body or f"http://testserver{path}" in body, path


@pytest.mark.django_db
def test_editorial_workflow_is_idempotent(tree):
    assert ensure_editorial_workflow() == ensure_editorial_workflow()
    workflow = Workflow.objects.get(name=WORKFLOW_NAME)
    assert WorkflowPage.objects.get(page=tree.home).workflow == workflow
    task = workflow.tasks.get().specific
    assert list(task.groups.values_list("name", flat=True)) == [MODERATOR]
    editors = set(GroupPagePermission.objects.filter(group__name=roles.EDITOR, page=tree.home)
                  .values_list("permission__codename", flat=True))
    assert {"add_page", "change_page"} <= editors
    moderators = set(GroupPagePermission.objects.filter(group__name=MODERATOR, page=tree.home)
                     .values_list("permission__codename", flat=True))
    assert "publish_page" in moderators
    assert Group.objects.get(name=MODERATOR).permissions.filter(codename="access_admin").exists()
    assert tree.home.get_workflow() == workflow
    assert tree.news.get_workflow() == workflow


@pytest.mark.django_db
def test_demo_content_is_idempotent(client, home, city):
    central = batch()
    for _ in range(3):
        close_case(referral(city, central), city, summary="某化工厂偷排污水已整改")
    first = seed_cms_demo()
    assert first["news_created"] == 6 and first["typical_created"] == 1  # one category among the cases
    second = seed_cms_demo()
    assert second["news_created"] == 0 and second["typical_created"] == 0
    assert TypicalCasePage.objects.live().count() == 1
    for path in ("/", "/news/", "/typical-cases/", "/tasks/", "/progress/", "/batches/", "/cases/"):
        assert client.get(path).status_code == 200, path
    found = re.sub(r"</?mark>", "", client.get("/search/", {"q": "化工厂"}).content.decode())  # matches highlighted
    assert "某化工厂夜间偷排污水整改完成" in found



@pytest.mark.django_db
def test_cms_caching_falls_back_to_the_database_when_the_cache_fails(tree, city):
    """(Wagtail's own site-root cache still needs a working cache to serve pages.)"""
    from cms.caching import bump_content_version, content_version
    from cms.counters import live_counters
    from cms.dashboard import dashboard_charts
    from tests.resilience.test_redis_down import redis_down

    task(1, city.env, verified=True)
    with redis_down():
        assert content_version() == "no-cache"
        bump_content_version()  # a publish during the outage does not fail
        assert live_counters()["tasks"].completed == 1
        assert len(dashboard_charts()) == 5
