"""Anonymous public pages from the page cache (cms/pagecache.py): a repeat visit
asks the database nothing, and every change a reader could notice shows on the next
request."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases import casedata, roles
from cases.models import Case, RectificationTask, SearchEntry
from cases.programme.writeoff import write_off
from cms.models import NewsPage
from cms.pagecache import HIT_HEADER
from tests import factories as f
from tests.cms.conftest import publish
from tests.cms.helpers import batch, close_case, referral, task
from tests.figures_oracle import shown_figures

pytestmark = pytest.mark.django_db
SECURITY_HEADERS = ("Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options", "Permissions-Policy",
                    "Referrer-Policy", "Content-Language")


def visit(client, path="/"):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200
    return response, len(ctx.captured_queries)


def shown(response) -> dict[str, str]:
    return dict(shown_figures(response.content.decode()))


def test_a_repeat_visit_is_served_from_the_cache_with_its_headers(client, tree, django_assert_num_queries):
    first, first_queries = visit(client)
    with django_assert_num_queries(0):  # not even the case-data fingerprint (cases/casedata.py)
        second = client.get("/")
    assert (first[HIT_HEADER], second[HIT_HEADER]) == ("miss", "hit")
    assert second.content == first.content and first_queries > 0
    for name in SECURITY_HEADERS:
        assert second[name] == first[name], name
    assert not second.cookies


def test_a_case_change_shows_on_the_next_request(client, tree, city):
    central = batch()
    cases = [referral(city, central) for _ in range(2)]
    assert shown(visit(client)[0])["central.closed"] == "0"
    assert visit(client)[0][HIT_HEADER] == "hit"
    close_case(cases[0], city)
    response, _ = visit(client)
    assert response[HIT_HEADER] == "miss" and shown(response)["central.closed"] == "1"


def test_a_task_written_off_shows_on_the_next_request(client, tree, city, django_capture_on_commit_callbacks):
    done = task(1, city.env, milestones=((("方案", "2025-06-30"), True),))
    task(2, city.env)
    visit(client)
    assert visit(client, "/tasks/")[0][HIT_HEADER] == "miss" and visit(client, "/tasks/")[0][HIT_HEADER] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        # The notice period ended; the write-off is a bulk update inside: no model signal.
        RectificationTask.objects.filter(pk=done.pk).update(state="notice", notice_ends_on="2026-01-05")
        write_off(done, f.user("office", roles.OFFICE))
    home, _ = visit(client)
    assert home[HIT_HEADER] == "miss"
    assert shown(home)["tasks.completed"] == "1"
    assert visit(client, "/tasks/")[0][HIT_HEADER] == "miss"


def test_a_published_page_shows_on_the_next_request(client, tree):
    visit(client, "/news/")
    assert visit(client, "/news/")[0][HIT_HEADER] == "hit"
    news = NewsPage(title="城区油烟治理见成效", slug="fumes")
    tree.news.add_child(instance=news)
    publish(news)
    response, _ = visit(client, "/news/")
    assert response[HIT_HEADER] == "miss" and "城区油烟治理见成效" in response.content.decode()


def test_signed_in_visitors_and_forms_never_come_from_the_cache(client, tree, city):
    for _ in range(2):
        assert HIT_HEADER not in client.get("/report/")  # not a CMS page
    client.force_login(city.editor)
    for _ in range(2):
        response = client.get("/")
        assert response.status_code == 200 and HIT_HEADER not in response


def test_unknown_or_long_query_parameters_are_served_but_not_stored(client, tree):
    for path in ("/news/?utm_source=x", "/news/?page=" + "9" * 41):
        for _ in range(2):
            response = client.get(path)
            assert response.status_code in (200, 404) and HIT_HEADER not in response, path
    for _ in range(2):
        response = client.get("/news/?page=1")
    assert response[HIT_HEADER] == "hit"


def test_making_a_page_private_shows_at_once(client, tree):
    from wagtail.models import PageViewRestriction

    visit(client, "/about/")
    assert visit(client, "/about/")[0][HIT_HEADER] == "hit"
    PageViewRestriction.objects.create(page=tree.about, restriction_type=PageViewRestriction.LOGIN)
    response = client.get("/about/")
    assert response.status_code == 302 and HIT_HEADER not in response  # to the sign-in page


def test_a_hit_uses_no_database_connection_at_all(client, tree, monkeypatch):
    """Not even the health check of a kept connection (CONN_HEALTH_CHECKS), which runs
    when a request first reaches for a cursor: a hit never does."""
    visit(client, "/news/")
    reached = []
    real = connection.ensure_connection
    monkeypatch.setattr(connection, "ensure_connection", lambda: reached.append(1) or real())
    response = client.get("/news/")
    assert response[HIT_HEADER] == "hit" and reached == []
    visit(client, "/about/")  # a render does reach for it: the probe works
    assert reached


@pytest.mark.parametrize("committed", [False, True])
def test_a_bulk_update_of_cases_shows_on_the_next_request(client, tree, city, committed,
                                                          django_capture_on_commit_callbacks):
    """queryset.update() sends no model signal and here leaves updated_at alone: the
    case-data token is renewed by the write itself (cases/casedata.py)."""
    central = batch()
    cases = [referral(city, central) for _ in range(2)]
    close_case(cases[0], city)
    assert shown(visit(client, "/cases/")[0])["public_cases"] == "1"
    assert visit(client, "/cases/")[0][HIT_HEADER] == "hit"
    with django_capture_on_commit_callbacks(execute=committed):
        Case.objects.filter(pk=cases[0].pk).update(is_public=False)
    response, _ = visit(client, "/cases/")
    assert response[HIT_HEADER] == "miss" and shown(response)["public_cases"] == "0"


def test_the_token_is_renewed_again_after_commit(db, django_capture_on_commit_callbacks):
    """The renewal after commit is what other processes rely on (the immediate one
    serves this connection, which sees the uncommitted rows); one per run of writes."""
    with django_capture_on_commit_callbacks() as callbacks:
        before = casedata.token()
        Case.objects.filter(pk=0).update(is_public=False)
        Case.objects.filter(pk=0).update(is_overdue=True)
    assert callbacks == [casedata.renew] and casedata.token() != before
    token = casedata.token()
    callbacks[0]()
    assert casedata.token() != token


def test_a_write_in_autocommit_renews_the_token(transactional_db):
    before = casedata.token()
    Case.objects.filter(pk=0).update(is_public=False)
    assert casedata.token() != before


@pytest.mark.parametrize("sql, writes", [
    ('UPDATE "cases_case" SET "is_public" = false WHERE "id" = 1', True),
    ('INSERT INTO "cases_case" ("reference") VALUES (%s)', True),
    ('DELETE FROM "cases_case" WHERE "id" IN (1, 2)', True),
    ("update cases_case set is_overdue = 1", True),
    ('TRUNCATE "cases_event", "cases_case", "auth_user";', True),
    ('SELECT MAX("updated_at") FROM "cases_case"', False),
    ('UPDATE "cases_case_tasks" SET "x" = 1', False),
    ('INSERT INTO "cases_caseevent" ("case_id") VALUES (1)', False),
    ('DELETE FROM "cases_searchentry" WHERE "kind" = 4', True),
    ("INSERT INTO cases_searchentry_fts (rowid, bigrams) VALUES (1, 'x')", False),
    ('DELETE FROM "cases_reporteridentity" WHERE "case_id" IN (SELECT "id" FROM "cases_case")', False),
])
def test_writes_to_the_case_table_are_recognised(sql, writes):
    assert casedata.writes_cases(sql) is writes


def test_the_token_watches_the_case_table_and_the_search_index():
    assert casedata.TABLES == (Case._meta.db_table, SearchEntry._meta.db_table)


def test_a_renewal_lost_to_a_cache_outage_is_made_when_the_cache_is_back(db, monkeypatch):
    down = [True]
    monkeypatch.setattr(casedata, "_cache_down", lambda: down[0])
    monkeypatch.setattr(casedata, "_lost", False)
    with monkeypatch.context() as outage:
        outage.setattr(casedata.cache, "set", lambda *args, **kwargs: None)  # dropped, as by the fail-soft cache
        before = casedata.token()
        Case.objects.filter(pk=0).update(is_public=False)
    assert casedata.token() == before and casedata._lost
    Case.objects.count()  # the cache is still down: nothing to do yet
    assert casedata.token() == before
    down[0] = False
    Case.objects.count()  # the next statement of this process, once the cache answers
    assert casedata.token() != before and not casedata._lost


def test_a_process_serves_its_own_copy_while_the_freshness_keys_stand(client, tree, city, monkeypatch):
    """The second level (LocalPages): a repeat hit is one cache round trip (the three
    freshness keys), not two; a change to any key is never answered from it; and a copy
    lives LOCAL_TIMEOUT seconds at most."""
    from django.core.cache import cache

    from cms import pagecache

    first, _ = visit(client, "/news/")
    reads = []
    real_get = cache.get
    monkeypatch.setattr(cache, "get", lambda *a, **kw: reads.append(a[0]) or real_get(*a, **kw))
    second = client.get("/news/")
    assert (first[HIT_HEADER], second[HIT_HEADER], second.content) == ("miss", "hit", first.content)
    assert not [key for key in reads if key.startswith("cms:page:")]  # the page came from this process

    news = NewsPage(title="二级缓存之后发布的新闻", slug="after-local")
    tree.news.add_child(instance=news)
    publish(news)
    third = client.get("/news/")
    assert third[HIT_HEADER] == "miss" and "二级缓存之后发布的新闻" in third.content.decode()

    now = pagecache.time.monotonic()
    monkeypatch.setattr(pagecache.time, "monotonic", lambda: now + pagecache.LOCAL_TIMEOUT + 1)
    fourth = client.get("/news/")
    assert fourth[HIT_HEADER] == "hit"  # from the shared cache again, the local copy expired
    assert [key for key in reads if key.startswith("cms:page:")]


def test_local_pages_stay_within_their_size():
    from cms.pagecache import LocalPages

    pages = LocalPages(max_bytes=1000, timeout=60)
    for n in range(10):
        pages.set(f"k{n}", (200, [], b"x" * 100))
    pages.get("k5")  # recently used: kept
    pages.set("big", (200, [], b"y" * 300))
    assert pages.get("big") is None  # over an eighth of the budget: never kept locally
    pages.set("k10", (200, [], b"z" * 100))
    assert pages.get("k0") is None and pages.get("k5") is not None and pages.get("k10") is not None
    assert pages._bytes <= 1000
