"""The editorial journey in a real browser: an editor drafts a typical case from a
closed case, submits it for review, a moderator approves and publishes it, and it
appears on the home page. axe-core finds no serious or critical problem on any public
page type, at phone and desktop widths; no request leaves the local server (the
`browser_page` fixture fails the test otherwise)."""


import pytest
from django.conf import settings
from playwright.sync_api import expect
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Collection, Locale, Page

from cases import roles
from cases.models import Photo
from cms.models import NewsPage, TypicalCasePage
from cms.setup import MODERATOR, ensure_editorial_workflow
from tests import factories as f
from tests.browser.conftest import axe_violations
from tests.browser.test_screen_layout import shot_dir
from tests.cases.conftest import city, new_case  # noqa: F401
from tests.cms.conftest import _clear_cache, publish, tree  # noqa: F401
from tests.cms.helpers import batch, close_case, referral, task
from tests.cms.test_services import photo
from tests.workbench.otp import browser_login

pytestmark = pytest.mark.django_db(transaction=True)


def ensure_wagtail_roots() -> None:
    """The rows Wagtail's migrations create and a transactional test's flush removes.

    (serialized_rollback cannot restore them here: Playwright's event loop gives the
    test a fresh database connection object without the serialized contents.)"""
    Locale.objects.get_or_create(language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE))
    if not Page.objects.filter(depth=1).exists():
        Page.add_root(instance=Page(title="Root", slug="root"))
    if not Collection.objects.filter(depth=1).exists():
        Collection.add_root(name="Root")


@pytest.fixture
def home(db):
    ensure_wagtail_roots()
    return f.site_home()


@pytest.fixture
def site(tree, city, new_case):  # noqa: F811
    ensure_editorial_workflow()
    news = NewsPage(title="某化工厂夜间偷排污水整改完成", slug="sewage", intro="整改完成", body=[
        {"type": "heading", "value": "整改情况"}, {"type": "paragraph", "value": "<p>企业已封堵暗管。</p>"},
        {"type": "quote", "value": {"text": "零容忍", "source": "市生态环境局"}}])
    news.tags.add("水污染")
    tree.news.add_child(instance=news)
    publish(news)
    t = task(1, city.env, start="2025-01-01", deadline="2026-12-31")
    task(2, city.water, verified=True, start="2024-03-01", deadline="2025-10-31")
    central = batch()
    closed = close_case(referral(city, central), city, summary="群众反映的化工厂偷排污水问题属实，已整改到位。",
                        reply="已责令企业封堵暗管并处罚款。")
    closed.tasks.add(t)
    close_case(new_case(category=city.water_cat, lat=36.561111, lng=117.061111), city, summary="河道漂浮物已清理",
               sensitive=True)
    return {"tree": tree, "case": closed, "editor": f.user("editor_b", roles.EDITOR, is_staff=True),
            "moderator": f.user("moderator_b", MODERATOR, is_staff=True)}


def sign_out(page):
    page.context.clear_cookies()


def test_editor_drafts_moderator_publishes_and_home_shows_it(browser_page, live_server, site, tmp_path):
    page, base = browser_page, live_server.url
    case, editor, moderator = site["case"], site["editor"], site["moderator"]

    before, after = photo(case, Photo.Kind.BEFORE, public=True), photo(case, Photo.Kind.AFTER, public=True)
    browser_login(page, base, editor)
    # The case is chosen in a searchable chooser, not a dropdown of bare references.
    page.goto(f"{base}/admin/cms/draft-typical-case/")
    page.click("#choose-case-form [data-chooser-action-choose]")
    modal = page.locator(".modal")
    expect(modal.locator("a[data-chooser-modal-choice]").first).to_be_visible()
    for size, (width, height) in (("desk", (1366, 900)), ("phone", (390, 844))):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(shot_dir(tmp_path) / f"case-chooser-{size}.png"))
    page.set_viewport_size({"width": 1366, "height": 900})
    modal.locator("input[name=q]").fill(case.reference)
    choice = modal.locator("a[data-chooser-modal-choice]", has_text=case.reference)
    expect(choice).to_have_count(1)
    expect(modal.locator("a[data-chooser-modal-choice]")).to_have_count(1)
    choice.click()
    expect(page.locator("#choose-case-form")).to_contain_text(case.reference)
    with page.expect_navigation():
        page.click("#choose-case-form button[type=submit]")
    expect(page.locator(f"input[name=photos][value='{before.pk}']")).to_be_checked()  # public before/after
    expect(page.locator(f"input[name=photos][value='{after.pk}']")).to_be_checked()
    page.click("#draft-typical-case-form button[type=submit]")
    page.wait_for_url("**/admin/pages/*/edit/**")
    draft = TypicalCasePage.objects.get(linked_case=case)
    assert not draft.live and draft.before_image_id and draft.after_image_id
    page.locator("footer [data-w-dropdown-target='toggle']").first.click()
    page.click("button[name='action-submit']")
    page.wait_for_load_state()
    draft.refresh_from_db()
    assert draft.current_workflow_state is not None and not draft.live
    sign_out(page)

    browser_login(page, base, moderator)
    page.goto(f"{base}/admin/pages/{draft.pk}/edit/")
    approve = page.locator("button[data-workflow-action-name='approve']:not([data-workflow-action-modal-url])")
    if not approve.is_visible():
        page.locator("footer [data-w-dropdown-target='toggle']").first.click()
    approve.click()
    page.wait_for_load_state()
    expect(page.locator(".messages")).to_be_visible()
    draft.refresh_from_db()
    assert draft.live
    sign_out(page)

    page.goto(f"{base}/")
    expect(page.locator("#typical-title + .card-list")).to_contain_text(draft.title)
    page.click(f"text={draft.title}")
    expect(page.locator("h1")).to_have_text(draft.title)
    expect(page.locator(".case-box")).to_contain_text(case.reference)


PUBLIC_PAGES = ["/", "/news/", "/news/sewage/", "/typical-cases/", "/tasks/", "/tasks/task/1/", "/progress/",
                "/batches/", "/batches/central/1/", "/cases/", "/about/", "/search/?q=污水", "/en/tasks/"]


@pytest.mark.parametrize("width", [360, 1280])
def test_public_pages_are_accessible(browser_page, live_server, site, width, tmp_path):
    page = browser_page
    page.set_viewport_size({"width": width, "height": 900})
    story = TypicalCasePage(title="典型案例：河道整治", slug="river", intro="整改前后对比", linked_case=site["case"])
    site["tree"].typical.add_child(instance=story)
    publish(story)
    problems = {}
    for path in [*PUBLIC_PAGES, "/typical-cases/river/"]:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        page.wait_for_load_state("networkidle")
        found = axe_violations(page)
        if found:
            problems[path] = found
        if path in ("/", "/tasks/", "/progress/", "/cases/", "/batches/central/1/"):
            name = path.strip("/").replace("/", "-") or "home"
            page.screenshot(path=str(tmp_path / f"{name}-{width}.png"), full_page=True)  # kept by pytest
    assert not problems, problems
