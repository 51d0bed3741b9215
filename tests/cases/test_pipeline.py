"""cases/pipeline: what the worker does after a report from the web form or Open311 commits —
clocks, routing, the photos' copies — once, and never losing a report or a photo."""

import io
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction as django_transaction
from django_q.conf import Conf
from django_q.models import OrmQ
from PIL import Image

from cases import tasks
from cases.intake import ReporterInput, ReportInput, submit_case
from cases.models import CaseEvent, Clock, Notification, Photo
from cases.pipeline import jobs
from cases.pipeline import photos as pipeline_photos
from cases.schedules import SCHEDULES
from tests.cases.conftest import T0


def _jpeg(size=(600, 400)) -> bytes:
    buf = io.BytesIO()
    Image.effect_noise(size, 50).convert("RGB").save(buf, "JPEG", quality=90)
    return buf.getvalue()


def _receive(city, photos=(), **kw):
    report = ReportInput(category=city.air, description="夜间异味", latitude=36.55, longitude=117.05,
                         location_source="pin")
    files = [SimpleUploadedFile(f"p{i}.jpg", data, content_type="image/jpeg") for i, data in enumerate(photos)]
    return submit_case(report, ReporterInput(phone="13800138000"), files, now=T0, defer=True, **kw).case


def _files(photo: Photo) -> list[str]:
    return [f.name for f in (photo.original, photo.image, photo.thumbnail) if f]


def test_the_request_stores_originals_only_and_the_worker_makes_the_copies(city, new_case):
    new_case()
    case = _receive(city, [_jpeg((3000, 2000)), _jpeg()])
    pending = list(Photo.objects.filter(case=case))
    assert [p.state for p in pending] == ["pending", "pending"]
    assert all(p.original and not p.image and not p.thumbnail for p in pending)
    assert (pending[0].width, pending[0].height) == (3000, 2000)  # read from the header
    assert not Clock.objects.filter(case=case).exists()  # clocks are the worker's

    result = tasks.finish_intake(case.pk, [])
    assert result["finished"] and result["photos"] == ["ready", "ready"]
    case.refresh_from_db()
    assert case.state == "assigned" and case.intake_job == ""
    # The dispatch clock ran from the moment the report was received, not from the worker's turn.
    assert Clock.objects.get(case=case, kind="dispatch").started_at == T0
    first = Photo.objects.filter(case=case).order_by("pk").first()
    assert first.state == "ready" and max(first.width, first.height) == 2048
    with first.image.open("rb") as fh:
        assert Image.open(fh).size == (first.width, first.height)
    # A second run (a redelivered task, the schedule) changes nothing and sends nothing twice.
    again = tasks.finish_intake(case.pk, [])
    assert not again["finished"] and again["photos"] == []
    assert CaseEvent.objects.filter(case=case, kind="auto_routed").count() == 1


def test_a_photo_the_worker_cannot_decode_is_recorded_on_the_timeline_and_kept(city, new_case):
    new_case()
    whole = _jpeg()
    damaged = whole[: len(whole) // 2]  # a truncated JPEG: its header is fine
    case = _receive(city, [damaged, _jpeg()])
    tasks.finish_intake(case.pk, [])
    failed, ready = Photo.objects.filter(case=case).order_by("pk")
    assert (failed.state, ready.state) == ("failed", "ready")
    assert failed.original and not failed.image  # the original stays as evidence
    event = CaseEvent.objects.get(case=case, kind="photo_failed")
    assert event.data["photo"] == failed.pk and event.data["reason"] == "corrupt"
    assert "could not be processed" in event.internal_text or "无法处理" in event.internal_text
    assert not event.is_public
    case.refresh_from_db()
    assert case.state == "assigned"  # the report itself is not held back by its photo


def test_the_schedule_finishes_what_a_lost_task_left(city, new_case):
    """The broker lost the task (Redis down at the commit, worker killed): the job is in the
    database, and the 1-minute schedule finishes it once the grace period has passed."""
    new_case()
    case = _receive(city, [_jpeg()])
    assert ("portal-finish-intake", "cases.tasks.finish_pending_intake") in [s[:2] for s in SCHEDULES]
    assert jobs.finish_pending(now=T0 + timedelta(seconds=5)) == {"cases": 0, "photos": 0, "photos_failed": 0}
    assert jobs.finish_pending(now=T0 + jobs.GRACE + timedelta(seconds=1)) == {
        "cases": 1, "photos": 1, "photos_failed": 0}
    case.refresh_from_db()
    assert case.state == "assigned" and Photo.objects.get(case=case).state == "ready"
    assert jobs.finish_pending(now=T0 + timedelta(hours=1)) == {"cases": 0, "photos": 0, "photos_failed": 0}


def test_a_report_held_for_the_desk_gets_its_clocks_but_is_not_routed(city, new_case):
    new_case()
    case = _receive(city, route=False)
    assert case.intake_job == "clocks"
    jobs.finish_case(case.pk)
    case.refresh_from_db()
    assert case.state == "submitted" and case.intake_job == "" and case.next_due_at is not None
    assert Clock.objects.filter(case=case, kind="dispatch", stopped_at__isnull=True).exists()


def test_the_receipt_is_sent_by_the_intake_task(city, new_case, mailoutbox, django_capture_on_commit_callbacks):
    new_case()
    report = ReportInput(category=city.air, description="夜间异味", latitude=36.55, longitude=117.05,
                         location_source="pin")
    with django_capture_on_commit_callbacks(execute=True):
        case = submit_case(report, ReporterInput(email="a@example.org"), now=T0, defer=True).case
    receipt = Notification.objects.get(case=case, template="case_received")
    assert receipt.state == "sent"
    assert [m.to for m in mailoutbox].count(["a@example.org"]) == 1
    case.refresh_from_db()
    assert case.state == "assigned"


def test_a_photo_is_processed_once_and_leaves_one_set_of_files(city, new_case, settings):
    new_case()
    case = _receive(city, [_jpeg()])
    photo = Photo.objects.get(case=case)
    assert pipeline_photos.process(photo.pk) == "ready"
    assert pipeline_photos.process(photo.pk) is None  # already done: nothing decoded or written
    photo.refresh_from_db()
    stored = [p for p in settings.PRIVATE_MEDIA_ROOT.rglob("*") if p.is_file()]
    assert sorted(str(p.relative_to(settings.PRIVATE_MEDIA_ROOT)) for p in stored) == sorted(_files(photo))


def test_with_the_database_broker_the_task_is_written_in_the_reports_transaction(city, new_case, monkeypatch):
    """One write transaction per report on SQLite: the queue row commits with the report."""
    monkeypatch.setattr(Conf, "SYNC", False)
    monkeypatch.setattr(Conf, "ORM", "default")
    new_case()
    before = OrmQ.objects.count()
    with django_transaction.atomic():
        case = _receive(city)
        assert OrmQ.objects.count() == before + 1  # already written, before the commit
        after_commit = [func.__qualname__ for _, func, _ in django_transaction.get_connection().run_on_commit]
        assert not [name for name in after_commit if "enqueue_on_commit" in name]  # nothing left for after it
    task = OrmQ.objects.order_by("-pk").first().task
    assert task["func"] == "cases.tasks.finish_intake" and task["args"][0] == case.pk
