"""Citizen photos: stored as received in the request, copies made in the worker.

The request checks each upload from its header (cases.photos.check_photo) and stores the
original (private, with its SHA-256) in a "pending" Photo row. The worker decodes it, makes
the re-encoded copy and the thumbnail (orientation applied, metadata stripped) and moves the
row to "ready"; a photo it cannot decode moves to "failed" with an event on the case's
timeline, and its original stays as evidence. Pages show a pending photo as being processed.
"""

import logging
from collections.abc import Sequence
from datetime import datetime

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from cases.event_texts import stored_text
from cases.lifecycle import Lifecycle, WorkflowError, guarded_transition
from cases.models import Case, Photo, PhotoState
from cases.photos import PhotoError, ReceivedPhoto, discard_files, guard_written, process_photo
from cases.workflow import record_event

log = logging.getLogger("portal.photos")

PHOTO_LIFECYCLE = Lifecycle(
    model=Photo,
    transitions={
        "processed": (frozenset({PhotoState.PENDING}), PhotoState.READY),
        "failed": (frozenset({PhotoState.PENDING}), PhotoState.FAILED),
    },
)


def store_received(case: Case, received: Sequence[ReceivedPhoto], now: datetime) -> list[Photo]:
    """The originals and their pending rows, in the report's transaction (files written first;
    cases.photos.photo_files_guard removes them if the transaction fails)."""
    photos, written = [], []
    try:
        for item in received:
            photo = Photo(case=case, kind=Photo.Kind.CITIZEN, state=PhotoState.PENDING,
                          original_sha256=item.sha256, original_format=item.original_format,
                          original_size=item.original_size, width=item.width, height=item.height,
                          received_at=now)
            photo.original.save("original" + item.original_extension, ContentFile(item.original_bytes), save=False)
            written.append(photo.original.name)
            photos.append(photo)
        Photo.objects.bulk_create(photos)
    except BaseException:
        discard_files(written)
        raise
    guard_written(written)
    return photos


def process(photo_id: int, now: datetime | None = None) -> str | None:
    """Make one pending photo's copies. Returns the photo's new state, or None when there was
    nothing to do (already done by another run) or the storage failed (retried by the schedule)."""
    photo = Photo.objects.filter(pk=photo_id, state=PhotoState.PENDING).first()
    if photo is None:
        return None
    try:
        with photo.original.open("rb") as fh:
            data = fh.read()
    except OSError:
        log.exception("original of photo %s unreadable; left for the intake schedule", photo_id)
        return None
    try:
        made = process_photo(data)
    except PhotoError as exc:
        return _fail(photo, exc.code, now or timezone.now())
    return _finish(photo, made.image_bytes, made.thumb_bytes, made.width, made.height, now or timezone.now())


def _finish(photo: Photo, image: bytes, thumb: bytes, width: int, height: int, now: datetime) -> str | None:
    written = []
    try:
        photo.image.save("image.jpg", ContentFile(image), save=False)
        written.append(photo.image.name)
        photo.thumbnail.save("thumbnail.jpg", ContentFile(thumb), save=False)
        written.append(photo.thumbnail.name)
        guarded_transition(PHOTO_LIFECYCLE, photo.pk, "processed", now=now, effect=lambda current, at: {
            "image": photo.image.name, "thumbnail": photo.thumbnail.name, "width": width, "height": height})
    except WorkflowError:
        discard_files(written)  # another run finished it first
        return None
    except OSError:  # storage full or unreachable: the photo stays pending for the schedule
        discard_files(written)
        log.exception("could not store the copies of photo %s; left for the intake schedule", photo.pk)
        return None
    except BaseException:
        discard_files(written)
        raise
    return PhotoState.READY


def _fail(photo: Photo, code: str, now: datetime) -> str | None:
    """Never silent: the case's timeline says which photo could not be read and why."""
    log.warning("photo %s of case %s could not be processed (%s)", photo.pk, photo.case_id, code)
    data = {"photo": photo.pk, "reason": code, "sha256": photo.original_sha256}

    def record(current: Photo, from_state: str, to_state: str, at: datetime) -> None:
        record_event(current.case, "photo_failed", None, at, internal_text=stored_text("photo_failed", data),
                     data=data)

    try:
        with transaction.atomic():
            guarded_transition(PHOTO_LIFECYCLE, photo.pk, "failed", now=now, record=record)
    except WorkflowError:
        return None
    return PhotoState.FAILED


def process_case(case_id: int) -> list[str | None]:
    return [process(pk) for pk in Photo.objects.filter(case_id=case_id, state=PhotoState.PENDING)
            .order_by("pk").values_list("pk", flat=True)]
