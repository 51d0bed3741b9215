"""The project's catalogues never replace Wagtail's or Django's translations, and the
admin shows no English from them (or from the project's models and workflows) to a
zh-hans user of any role."""

import gettext
import json
import re

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils.translation.trans_real import DjangoTranslation
from wagtail.models import Task, Workflow

from cms.setup import ensure_editorial_workflow
from tests import factories as f
from tests.cases.conftest import city, new_case  # noqa: F401
from tests.portal.language import untranslated, visible_texts
from tests.workbench.conftest import admin_access  # noqa: F401
from tests.workbench.otp import login_with_otp

pytestmark = pytest.mark.django_db


class _ThirdParty(DjangoTranslation):
    """zh-hans as Django, Wagtail and the other installed apps translate it, without
    the project's LOCALE_PATHS."""

    def _add_local_translations(self):
        pass


@pytest.fixture(scope="module")
def theirs():
    return _ThirdParty("zh-hans")


def _catalogue(folder):
    mo = folder / "zh_Hans" / "LC_MESSAGES" / "django.mo"
    assert mo.exists(), f"compile the messages first (manage.py compilemessages): {mo}"
    with mo.open("rb") as handle:
        return gettext.GNUTranslations(handle)._catalog


def _readable(key):
    key = key[0] if isinstance(key, tuple) else key
    return key.replace("\x04", " | ")


@pytest.mark.parametrize("folder", settings.LOCALE_PATHS, ids=lambda p: p.name)
def test_no_project_message_changes_a_third_party_translation(folder, theirs):
    clashes = {_readable(key): (ours, theirs._catalog[key])
               for key, ours in _catalogue(folder).items()
               if key and key in theirs._catalog and theirs._catalog[key] != ours}
    assert not clashes, "give these a message context (pgettext) or a distinct msgid: " + json.dumps(
        clashes, ensure_ascii=False, indent=1)


# --- Wagtail's own screens in zh-hans --------------------------------------------------

@pytest.fixture
def admin_client(city, admin_access):  # noqa: F811
    f.site_home()
    superuser = f.user("root", is_superuser=True, is_staff=True)
    return login_with_otp(Client(HTTP_ACCEPT_LANGUAGE="zh-hans"), superuser)


def _soup(response):
    assert response.status_code == 200, response
    return BeautifulSoup(response.content.decode(), "html.parser")


def _headers(soup):
    return [" ".join(th.get_text(" ", strip=True).split()) for th in soup.select("table thead th")]


def _sidebar_labels(soup):
    return dict(re.findall(r'"name":\s*"([^"]+)",\s*"label":\s*"((?:[^"\\]|\\.)*)"',
                           soup.select_one("#wagtail-sidebar-props").string))


def test_wagtail_labels_keep_wagtails_translation(admin_client, theirs):
    home = f.site_home()
    menu = _sidebar_labels(_soup(admin_client.get(reverse("wagtailadmin_home"))))
    assert json.loads(f'"{menu["explorer"]}"') == theirs.gettext("Pages") == "页面"
    pages = _headers(_soup(admin_client.get(reverse("wagtailadmin_explore", args=[home.get_parent().pk]))))
    assert theirs.gettext("Status") in pages and "办理状态" not in pages
    users = _headers(_soup(admin_client.get(reverse("wagtailusers_users:index"))))
    assert any(h.startswith(theirs.gettext("Name")) for h in users), users


def test_calendar_days_screen_reads_right(admin_client):
    soup = _soup(admin_client.get("/admin/calendar_days/"))
    assert "个自然日" not in soup.title.get_text() and "日历日期" in soup.title.get_text()
    headers = _headers(soup)
    assert any(h.startswith("名称") for h in headers) and not any(h.startswith("姓名") for h in headers), headers


# --- crawl of the admin as each role ----------------------------------------------------

SKIP = re.compile(r"logout|delete|export|\.xlsx|\.csv|unpublish|revert|/copy/|/move/|lock|preview|view_draft|"
                  r"convert|approve|reject|/workflow/|/usage/|/history/|identity|/otp/|chooser|jsi18n|/api/|"
                  r"/photos?/|recovery|/compare/")
PER_ROLE = 45


def _links(html):
    soup = BeautifulSoup(html, "html.parser")
    found = [a.get("href") or "" for a in soup.find_all("a")]
    found += re.findall(r'"url":\s*"(/admin/[^"]*)"', html)
    return [h.split("#")[0] for h in found if h.startswith("/admin/") and not SKIP.search(h)]


def crawl(client, start="/admin/", limit=PER_ROLE):
    """Breadth-first through the admin links a user is offered; two pages per URL shape."""
    todo, seen, shapes, bad = [start], set(), {}, {}
    while todo and len(seen) < limit:
        url = todo.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        for text in untranslated(visible_texts(html)):
            bad.setdefault(text, url)
        for link in _links(html):
            shape = re.sub(r"\d+", "N", link.split("?")[0]) + ("?" if "?" in link else "")
            if link not in seen and shapes.get(shape, 0) < 2:
                shapes[shape] = shapes.get(shape, 0) + 1
                todo.append(link)
    return seen, bad


@pytest.fixture
def world(city, new_case, admin_access):  # noqa: F811
    from cases import actions

    home = f.site_home()
    ensure_editorial_workflow(home)
    case = new_case()
    actions.accept(new_case(), city.env_handler)
    new_case(category=city.noise, lng=117.15)  # waits for dispatch
    return {"case": case, "root": f.user("root", is_superuser=True, is_staff=True)}


@pytest.mark.parametrize("role", ["intake", "env_handler", "env_head", "supervisor", "editor", "root"])
def test_admin_shows_no_untranslated_project_strings(city, world, role):  # noqa: F811
    user = world["root"] if role == "root" else getattr(city, role)
    client = login_with_otp(Client(HTTP_ACCEPT_LANGUAGE="zh-hans"), user)
    seen, bad = crawl(client)
    assert len(seen) >= 5
    assert not bad, "\n".join(f"{url}: {text}" for text, url in sorted(bad.items()))


def test_workflow_and_task_names_are_chinese(world):
    names = [*Workflow.objects.values_list("name", flat=True), *Task.objects.values_list("name", flat=True)]
    assert names and all(re.search(r"[\u4e00-\u9fff]", n) for n in names), names


def test_sign_in_page_is_chinese(db):
    texts = visible_texts(_soup(Client(HTTP_ACCEPT_LANGUAGE="zh-hans").get(reverse("wagtailadmin_login"))).decode())
    assert "密码" in texts and not untranslated(texts), untranslated(texts)
