"""Rendered public pages route from memory (cms/routecache.py): no site, page or view
restriction queries on a repeat render, and every publishing change shows at once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from cms.models import NewsPage
from tests.cms.conftest import publish

pytestmark = pytest.mark.django_db


def render(client, path, n):
    """A query parameter the page cache never stores: every request renders."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(f"{path}?_r={n}")
    tables = [q["sql"] for q in ctx.captured_queries if "wagtailcore_" in q["sql"]]
    return response, tables


def test_a_repeat_render_does_not_route_through_the_database(client, tree):
    news = NewsPage(title="城区油烟治理见成效", slug="fumes")
    tree.news.add_child(instance=news)
    publish(news)
    first, first_tables = render(client, "/news/fumes/", 1)
    second, second_tables = render(client, "/news/fumes/", 2)
    assert first.status_code == second.status_code == 200
    assert len(first_tables) >= 5  # site, three levels of pages, view restrictions
    assert second_tables == []
    assert "城区油烟治理见成效" in second.content.decode()


def test_an_unpublished_page_is_gone_on_the_next_render(client, tree):
    render(client, "/about/", 1)
    assert render(client, "/about/", 2)[0].status_code == 200
    tree.about.unpublish()
    assert render(client, "/about/", 3)[0].status_code == 404


def test_a_page_made_private_asks_for_sign_in_on_the_next_render(client, tree):
    render(client, "/about/", 1)
    render(client, "/about/", 2)
    PageViewRestriction.objects.create(page=tree.about, restriction_type=PageViewRestriction.LOGIN)
    assert render(client, "/about/", 3)[0].status_code == 302


def test_private_pages_are_never_remembered(client, tree):
    PageViewRestriction.objects.create(page=tree.about, restriction_type=PageViewRestriction.LOGIN)
    render(client, "/about/", 1)
    response, tables = render(client, "/about/", 2)
    assert response.status_code == 302 and tables  # routed and checked again
