"""The citizen's 404 and 500 pages: Chinese by default, English under /en/, and the
500 page renders without a database or request context."""

import pytest
from django.test import RequestFactory
from django.utils import translation
from django.views.defaults import server_error


@pytest.mark.django_db
@pytest.mark.parametrize("path,text", [("/no-such-page/", "页面不存在"), ("/en/no-such-page/", "Page not found")])
def test_not_found_page_points_to_the_report_and_tracking_forms(client, path, text):
    response = client.get(path)
    page = response.content.decode()
    assert response.status_code == 404 and text in page
    assert 'href="/report/"' in page or 'href="/en/report/"' in page


@pytest.mark.parametrize("language,text", [("zh-hans", "12369 环保举报热线"), ("en", "environmental hotline 12369")])
def test_server_error_page_gives_the_hotline_without_touching_the_database(language, text):
    # No django_db mark: pytest-django raises if rendering touches the database.
    with translation.override(language):
        response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500 and text in response.content.decode()


@pytest.mark.django_db
def test_the_language_link_stays_on_this_site(client):
    page = client.get("/en//evil.example/").content.decode()  # a 404 page in English
    assert '<a href="/evil.example/" lang="zh-hans"' in page and 'href="//evil' not in page


@pytest.mark.parametrize("language,path,link", [
    ("zh-hans", "//evil.example/", "/en/evil.example/"), ("zh-hans", "/report/?a=1", "/en/report/?a=1"),
    ("en", "/en/report/", "/report/"), ("en", "/en//evil.example/", "/evil.example/"), ("en", "/en/", "/")])
def test_other_language_url_is_always_a_local_path(language, path, link):
    from cms.templatetags.cms_tags import other_language_url

    request = RequestFactory().get("/")
    request.path = path.split("?")[0]
    request.META["QUERY_STRING"] = path.partition("?")[2]
    with translation.override(language):
        assert other_language_url({"request": request}) == link
