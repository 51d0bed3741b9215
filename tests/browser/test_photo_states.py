"""The staff case page while the worker is still making a report's photo copies, and after
one photo failed: a note instead of a broken image, at a desk and on a phone."""

import io

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from cases.intake import ReporterInput, ReportInput, submit_case
from cases.models import Photo
from cases.pipeline import photos as pipeline_photos
from tests.browser.test_screen_layout import SIZES, check, shot_dir
from tests.cases.conftest import city  # noqa: F401
from tests.workbench.otp import browser_login

pytestmark = pytest.mark.django_db(transaction=True)


def _jpeg(color) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (640, 480), color).save(buf, "JPEG")
    return buf.getvalue()


@pytest.fixture
def case_with_photo_states(city, monkeypatch):  # noqa: F811
    # As if the worker had not got to it yet: the task is not run after the commit here.
    monkeypatch.setattr("cases.pipeline.jobs._enqueue", lambda case_id, ids: None)
    access = Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    for group in Group.objects.all():
        group.permissions.add(access)
    noise = io.BytesIO()
    Image.effect_noise((640, 480), 50).convert("RGB").save(noise, "JPEG")
    damaged = noise.getvalue()[: len(noise.getvalue()) // 2]  # its header passes the request's check
    files = [SimpleUploadedFile(f"p{i}.jpg", data, content_type="image/jpeg")
             for i, data in enumerate((_jpeg((200, 60, 40)), damaged, _jpeg((40, 160, 60))))]
    case = submit_case(ReportInput(category=city.air, description="夜间有刺鼻气味，疑似化工厂偷排", latitude=36.55,
                                   longitude=117.05, location_source="pin"),
                       ReporterInput(name="张三", phone="13800138000"), files, defer=True).case
    ready, failed, pending = Photo.objects.filter(case=case).order_by("pk")
    assert pipeline_photos.process(ready.pk) == "ready" and pipeline_photos.process(failed.pk) == "failed"
    return case


@pytest.mark.parametrize("size", SIZES)
def test_the_case_page_shows_photos_being_processed_and_failed(browser_page, live_server, city,  # noqa: F811
                                                               case_with_photo_states, size, tmp_path):
    page, base = browser_page, live_server.url
    page.set_viewport_size(dict(zip(("width", "height"), SIZES[size], strict=True)))
    browser_login(page, base, city.intake)
    page.goto(f"{base}/admin/cases/{case_with_photo_states.pk}/")
    photos = page.locator(".wb-photo")
    assert photos.count() == 3
    assert photos.nth(0).locator("img").count() == 1
    assert page.evaluate("() => document.querySelector('.wb-photo img').naturalWidth") > 0  # the copy loads
    assert photos.nth(1).locator(".wb-photo-failed").is_visible()
    assert photos.nth(2).locator("[role=status]").is_visible()
    assert photos.nth(2).locator("img").count() == 0  # no broken image while it is processed
    check(page, "case-page-photo-states", size, shot_dir(tmp_path))
    section = page.locator("section[aria-labelledby=photos-heading]")
    section.scroll_into_view_if_needed()
    section.screenshot(path=str(shot_dir(tmp_path) / f"case-page-photos-{size}.png"))
