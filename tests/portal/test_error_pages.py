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
