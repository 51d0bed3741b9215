"""The media disk is full while a citizen submits a report with photos.

What the citizen sees: the form again (HTTP 503) with their input kept and, next to
the photos, "Your photos could not be stored just now, so nothing was saved. Please
try again later, or send the report without photos." The form can be sent again. Nothing is half-saved: no case row, no reporter identity,
no reference number used up for nothing visible, and no photo file left behind —
also when the disk fills up halfway through the photos (files already written for
this submission are deleted, cases/photos.py photo_files_guard).
"""

import pytest

from cases.models import Case, Photo, ReporterIdentity
from cases.pipeline import jobs
from tests.resilience.conftest import report_data, stored_files, upload
from tests.resilience.storages import FillingDiskStorage

pytestmark = pytest.mark.django_db


def use_storage(settings, backend: str) -> None:
    settings.STORAGES = {**settings.STORAGES, "private": {
        "BACKEND": backend, "OPTIONS": {"location": str(settings.PRIVATE_MEDIA_ROOT)}}}


def submit_with_photos(client, city, count: int = 2):
    client.raise_request_exception = False  # see what the citizen would see
    photos = [upload(f"p{i}.jpg") for i in range(count)]
    return client.post("/en/report/", {**report_data(city), "photos": photos})


def assert_nothing_saved(settings) -> None:
    assert Case.objects.count() == 0
    assert ReporterIdentity.objects.count() == 0
    assert Photo.objects.count() == 0
    assert stored_files(settings) == []


def test_full_disk_saves_nothing(client, city, settings):
    use_storage(settings, "tests.resilience.storages.FullDiskStorage")
    response = submit_with_photos(client, city)
    assert response.status_code >= 400  # not a success page with a reference nobody can follow
    assert b"Traceback" not in response.content and b"ENOSPC" not in response.content
    assert_nothing_saved(settings)


def test_disk_filling_up_halfway_leaves_no_orphan_files(client, city, settings):
    # The request stores each photo's original (the worker makes the copies): photo 1 is
    # written, photo 2 fails.
    FillingDiskStorage.room, FillingDiskStorage.written = 1, 0
    use_storage(settings, "tests.resilience.storages.FillingDiskStorage")
    response = submit_with_photos(client, city)
    assert FillingDiskStorage.written == 1  # a file was really written before the failure…
    assert response.status_code >= 400
    assert_nothing_saved(settings)  # …and removed again


def test_the_same_report_goes_through_once_space_is_back(client, city, settings, django_capture_on_commit_callbacks):
    use_storage(settings, "tests.resilience.storages.FullDiskStorage")
    assert submit_with_photos(client, city).status_code >= 400
    use_storage(settings, "django.core.files.storage.FileSystemStorage")
    with django_capture_on_commit_callbacks(execute=True):  # and the worker's task (inline in tests)
        response = submit_with_photos(client, city)  # same idempotency token: the citizen presses send again
    assert response.status_code == 302
    case = Case.objects.get()
    assert Photo.objects.filter(case=case).count() == 2
    assert len(stored_files(settings)) == 6  # original, image and thumbnail per photo


def test_the_disk_full_when_the_worker_makes_the_copies_loses_no_photo(client, city, settings,
                                                                       django_capture_on_commit_callbacks):
    """The report is stored; the copies wait (pending) and are made once there is room."""
    with django_capture_on_commit_callbacks() as after_commit:
        assert submit_with_photos(client, city).status_code == 302
    use_storage(settings, "tests.resilience.storages.FullDiskStorage")
    for callback in after_commit:
        callback()  # the worker's task: routing done, copies fail for lack of space
    case = Case.objects.get()
    assert case.state == "assigned"
    assert list(Photo.objects.filter(case=case).values_list("state", flat=True)) == ["pending", "pending"]
    assert len(stored_files(settings)) == 2  # the originals only; no half-written copy left
    use_storage(settings, "django.core.files.storage.FileSystemStorage")
    assert jobs.finish_pending(now=case.received_at + jobs.GRACE * 2)["photos"] == 2  # the intake schedule
    assert len(stored_files(settings)) == 6


def test_the_citizen_is_told_in_words_what_happened(client, city, settings):
    use_storage(settings, "tests.resilience.storages.FullDiskStorage")
    response = submit_with_photos(client, city)
    assert response.status_code == 503  # the form again, with the citizen's input kept
    page = response.content.decode()
    assert "Your photos could not be stored just now, so nothing was saved." in page
    assert "工厂夜间排放刺鼻气味" in page  # what the citizen typed is still there
    assert_nothing_saved(settings)
