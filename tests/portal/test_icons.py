"""/favicon.ico answers (portal/icons.py) and every page links the icon."""

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from PIL import Image

from tests import factories as f


def test_favicon_is_a_real_multi_size_icon():
    with Image.open(finders.find("img/favicon.ico")) as icon:
        assert icon.format == "ICO" and {(16, 16), (32, 32), (48, 48)} <= set(icon.info["sizes"])


@pytest.mark.django_db
def test_favicon_ico_redirects_to_the_static_file(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"] == static("img/favicon.ico")
    assert client.head("/favicon.ico").status_code == 301
    assert client.post("/favicon.ico").status_code == 405


@pytest.mark.django_db
def test_public_pages_and_the_admin_link_the_icon(client):
    f.site_home()
    for path in ("/", "/en/", "/admin/login/"):
        html = client.get(path).content.decode()
        assert '<link rel="icon" href="/static/img/favicon.ico"' in html, path
