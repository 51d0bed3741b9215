"""The public search index (cases/searchindex, cms/search/index.py): what enters it,
what keeps it in step, and that a search costs the same queries however much it
finds. Runs on SQLite and, with DATABASE_URL, on PostgreSQL."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Page, PageViewRestriction

from cases import actions
from cases.models import Case, SearchEntry
from cases.searchindex import KIND_NUMBERS, entry_id, reconcile_cases
from cases.tasks import reconcile_search_index
from cases.workbench.services import set_publicity
from cms.bigrams import tokens
from cms.models import NewsPage, StandardPage
from cms.search import site_search
from cms.search.index import rebuild_pages
from tests.cms.conftest import publish
from tests.cms.helpers import FINDINGS, batch, close_case, referral

pytestmark = pytest.mark.django_db
CASES = KIND_NUMBERS["cases"]


def entry_words(kind: str, object_id: int) -> set[str]:
    entry = SearchEntry.objects.filter(kind=KIND_NUMBERS[kind], object_id=object_id).first()
    return set(entry.bigrams.split()) if entry else set()


def cases_found(tree, query: str) -> int:
    return site_search(query, root=tree.home).counts["cases"]


@pytest.fixture
def closed(city):
    """A closed referral that is not public yet."""
    return close_case(referral(city, batch()), city, summary="矿区化工厂偷排污水问题已整改到位。", public=False)


def test_the_publicity_service_writes_public_text_only(tree, city, closed):
    assert not SearchEntry.objects.filter(kind=CASES, object_id=closed.pk).exists()
    set_publicity(closed, city.intake, is_public=True, is_sensitive=False, public_summary="河道沿岸排污口已封堵。")
    words = entry_words("cases", closed.pk)
    assert {"河道", "排污", "封堵", "水污", "污染"} <= words  # summary and category (水污染)
    public = set(tokens("\n".join(["河道沿岸排污口已封堵。", closed.category.name, closed.category.name_en,
                                    closed.township.name if closed.township else ""])))
    private = set(tokens("\n".join([closed.description, FINDINGS, closed.reply_text, closed.address,
                                     "矿区化工厂偷排污水问题已整改到位。"])))  # the summary it had before
    assert "来信" in private and words == public and not words & (private - public)
    assert cases_found(tree, "沿岸排污口") == 1 and cases_found(tree, "偷排") == 0


def test_making_a_case_private_or_merging_it_removes_its_entry(tree, city, closed, new_case):
    set_publicity(closed, city.intake, is_public=True, is_sensitive=False, public_summary="河道排污口已封堵。")
    assert cases_found(tree, "排污口") == 1
    set_publicity(closed, city.intake, is_public=False, is_sensitive=False, public_summary="河道排污口已封堵。")
    assert cases_found(tree, "排污口") == 0 and not entry_words("cases", closed.pk)
    duplicate, survivor = new_case(), new_case()
    set_publicity(duplicate, city.intake, is_public=True, is_sensitive=False, public_summary="养殖场异味扰民。")
    assert cases_found(tree, "养殖场异味") == 1
    actions.merge(duplicate, city.intake, survivor)
    assert cases_found(tree, "养殖场异味") == 0 and not entry_words("cases", duplicate.pk)


def test_a_new_result_summary_is_found_after_reopening_and_closing(tree, city, closed):
    set_publicity(closed, city.intake, is_public=True, is_sensitive=False, public_summary="第一次整改完成。")
    assert cases_found(tree, "第一次整改") == 1
    set_publicity(closed, city.intake, is_public=True, is_sensitive=False, public_summary="复查后再次整改完成。")
    assert cases_found(tree, "第一次整改") == 0 and cases_found(tree, "复查后再次") == 1


def test_the_reconcile_repairs_writes_that_bypassed_the_services(tree, city, closed):
    Case.objects.filter(pk=closed.pk).update(is_public=True)  # no service, no hook
    assert cases_found(tree, "矿区化工厂") == 0
    assert reconcile_search_index() == {"added": 1, "removed": 0, "rewritten": 0}
    assert cases_found(tree, "矿区化工厂") == 1
    Case.objects.filter(pk=closed.pk).update(public_summary="河道清淤完成。", updated_at=timezone.now())
    assert reconcile_cases()["rewritten"] == 1 and cases_found(tree, "河道清淤") == 1
    long_ago = timezone.now() - timedelta(hours=2)
    Case.objects.filter(pk=closed.pk).update(is_public=False, updated_at=long_ago)
    assert reconcile_cases()["removed"] == 1 and cases_found(tree, "河道清淤") == 0


def test_the_rebuild_command_writes_cases_and_pages(tree, city, closed):
    Case.objects.filter(pk=closed.pk).update(is_public=True)
    SearchEntry.objects.all().delete()
    out = io.StringIO()
    call_command("search_index", rebuild=True, stdout=out)
    assert "1 cases" in out.getvalue() and cases_found(tree, "矿区化工厂") == 1
    assert site_search("关于本平台", root=tree.home).counts["pages"] == 1
    call_command("search_index", stdout=out)
    assert "reconciled" in out.getvalue()


def test_pages_enter_and_leave_with_publishing_restrictions_moves_and_deletion(tree):
    def news_found(query="夜间施工噪声"):
        return site_search(query, root=tree.home).counts["news"]

    page = NewsPage(title="夜间施工噪声整治", slug="noise", intro="工地夜间施工")
    tree.news.add_child(instance=page)
    page.save_revision()
    assert news_found() == 0  # a draft is not public
    page = publish(page)
    assert news_found() == 1
    page.unpublish()
    assert news_found() == 0
    page = publish(NewsPage.objects.get(pk=page.pk))
    restriction = PageViewRestriction.objects.create(page=tree.news, restriction_type="password", password="x")
    assert news_found() == 0  # restricted above it
    restriction.delete()
    assert news_found() == 1
    secret = StandardPage(title="内部", slug="internal", body="<p>内部</p>")
    tree.home.add_child(instance=secret)
    publish(secret)
    PageViewRestriction.objects.create(page=secret, restriction_type="password", password="x")
    NewsPage.objects.get(pk=page.pk).move(Page.objects.get(pk=secret.pk), pos="last-child")
    assert news_found() == 0  # moved under a restricted page
    NewsPage.objects.get(pk=page.pk).move(Page.objects.get(pk=tree.news.pk), pos="last-child")
    assert news_found() == 1
    NewsPage.objects.get(pk=page.pk).delete()
    assert news_found() == 0 and not SearchEntry.objects.filter(object_id=page.pk, kind=KIND_NUMBERS["news"])
    assert rebuild_pages() == SearchEntry.objects.exclude(kind=CASES).count()


def test_entry_ids_list_each_kind_newest_first():
    now = timezone.now()
    older, newer = entry_id("cases", now - timedelta(seconds=1), 99), entry_id("cases", now, 7)
    assert newer > older and entry_id("news", now, 1) < older < entry_id("batches", None, 1)
    assert entry_id("pages", None, 1) > entry_id("cases", now, 2 ** 40)  # the kind comes first


def test_a_search_costs_the_same_queries_for_one_match_or_thirty(tree, city):
    def queries(query):
        site_search(query, root=tree.home)  # section URLs cached
        with CaptureQueriesContext(connection) as ctx:
            site_search(query, root=tree.home)
        return len(ctx.captured_queries)

    central = batch()
    close_case(referral(city, central, sequence=1), city, summary="唯一的一件油烟问题。")
    for n in range(30):
        close_case(referral(city, central, sequence=10 + n), city, summary=f"餐饮扬尘第{n}号")
    one, thirty = queries("油烟问题"), queries("餐饮扬尘")
    assert site_search("餐饮扬尘", root=tree.home).counts["cases"] == 30
    assert one == thirty <= 10
