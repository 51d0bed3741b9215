"""Private files behind nginx (portal/privatefiles.py): after the permission check the view
hands the file to nginx by X-Accel-Redirect; without the setting it streams the bytes."""

import io
from urllib.parse import urlsplit

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from cases.photos import attach_photos
from portal.privatefiles import accel_location
from tests.cases.conftest import city, new_case  # noqa: F401
from tests.workbench.conftest import admin_access, login  # noqa: F401

pytestmark = pytest.mark.django_db


class SignedUrlStorage:
    """What django-storages' S3 storage looks like from here: no local path, a signed URL."""

    def path(self, name):
        raise NotImplementedError

    def url(self, name):
        return f"http://s3.internal:9000/portal-media/private/{name}?X-Amz-Signature=abc%2Fdef&X-Amz-Expires=60"


def test_local_files_go_to_the_internal_alias(tmp_path):
    assert accel_location(FileSystemStorage(location=tmp_path), "photos/7/a b.jpg") == "/_private/photos/7/a%20b.jpg"


def test_s3_files_go_to_the_internal_proxy_with_their_signature():
    location = accel_location(SignedUrlStorage(), "photos/7/abc.jpg")
    assert location == "/_private_s3/portal-media/private/photos/7/abc.jpg?X-Amz-Signature=abc%2Fdef&X-Amz-Expires=60"


def jpeg() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (80, 60), (10, 90, 200)).save(buf, "JPEG")
    return buf.getvalue()


@pytest.fixture
def photo_urls(city, new_case):  # noqa: F811
    case = new_case()
    photo = attach_photos(case, [SimpleUploadedFile("a.jpg", jpeg())], kind="citizen", now=case.received_at)[0]
    kwargs = {"pk": case.pk, "photo_id": photo.pk}
    return photo, {v: reverse("workbench:photo", kwargs={**kwargs, "variant": v}) for v in ("original", "thumb")}


def test_with_x_accel_the_view_sends_no_bytes_only_the_checked_location(settings, city, photo_urls, login):  # noqa: F811
    settings.PORTAL_X_ACCEL_REDIRECT = True
    photo, urls = photo_urls
    response = login(city.intake).get(urls["original"])
    assert response.status_code == 200 and response.content == b""
    assert response["X-Accel-Redirect"] == f"/_private/{photo.original.name}"
    assert response["Content-Type"] == "image/jpeg" and response["Content-Disposition"].startswith("attachment")
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    handler = login(city.env_handler)
    assert handler.get(urls["original"]).status_code == 404  # the check still runs first
    thumb = handler.get(urls["thumb"])
    assert urlsplit(thumb["X-Accel-Redirect"]).path == f"/_private/{photo.thumbnail.name}"


def test_without_x_accel_the_view_streams_the_file(settings, city, photo_urls, login):  # noqa: F811
    settings.PORTAL_X_ACCEL_REDIRECT = False
    photo, urls = photo_urls
    response = login(city.intake).get(urls["original"])
    assert "X-Accel-Redirect" not in response
    assert b"".join(response.streaming_content) == photo.original.open("rb").read()
