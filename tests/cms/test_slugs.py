"""Readable page addresses (cms/slugs.py): a Chinese title or slug becomes pinyin, from the
admin's page editor and from code, unique among siblings; ASCII slugs stay as typed."""

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from cases import roles
from cms.models import NewsPage, StandardPage
from cms.slugs import pinyin_slug
from tests import factories as f
from tests.workbench.conftest import admin_access, login  # noqa: F401


def test_pinyin_slug_is_short_ascii_and_cut_between_syllables():
    assert pinyin_slug("关于我们") == "guan-yu-wo-men"
    assert pinyin_slug("2026年第一季度整改进展") == "2026-nian-di-yi-ji-du-zheng-gai-jin-zhan"
    long = pinyin_slug("某化工厂夜间偷排污水整改完成" * 3)
    assert long.isascii() and len(long) <= 48 and long.startswith("mou-hua-gong-chang") and not long.endswith("-")
    assert pinyin_slug("重庆") == "chong-qing"


@pytest.mark.django_db
def test_a_chinese_title_gives_a_pinyin_slug_unique_among_siblings(tree):
    first = NewsPage(title="某化工厂夜间偷排污水整改完成", slug="")
    tree.news.add_child(instance=first)
    second = NewsPage(title="某化工厂夜间偷排污水整改完成", slug="某化工厂夜间偷排污水整改完成")
    tree.news.add_child(instance=second)
    kept = NewsPage(title="中文标题", slug="ascii-by-editor")
    tree.news.add_child(instance=kept)
    assert first.slug == "mou-hua-gong-chang-ye-jian-tou-pai-wu-shui-zheng"
    assert second.slug == "mou-hua-gong-chang-ye-jian-tou-pai-wu-shui-zheng-2"
    assert kept.slug == "ascii-by-editor"
    assert first.url.endswith("/news/mou-hua-gong-chang-ye-jian-tou-pai-wu-shui-zheng/") and "%" not in first.url


@pytest.mark.django_db
def test_the_page_editor_turns_a_chinese_slug_into_pinyin(city, tree, login):  # noqa: F811
    chief = f.user("chief", roles.ADMINISTRATOR, is_superuser=True)
    client = login(chief)
    url = reverse("wagtailadmin_pages:add", args=["cms", "standardpage", tree.about.pk])
    # What Wagtail's slug field fills in from a Chinese title (WAGTAIL_ALLOW_UNICODE_SLUGS).
    response = client.post(url, nested_form_data({
        "title": "办事指南", "slug": "办事指南", "body": rich_text("<p>指南</p>"),
        "comments": inline_formset([])}))
    assert response.status_code == 302, response.content.decode()[:3000]
    page = StandardPage.objects.get(title="办事指南")
    assert page.slug == "ban-shi-zhi-nan"
