"""Photo pipeline: validate, normalise and store case photos (docs/product.md §4.1, §7).

Every upload is decoded in full by Pillow with the decoders restricted to the
accepted formats, oriented, stripped of all metadata and re-encoded as JPEG. The
original bytes are kept as private evidence together with their SHA-256.

Files are written before the surrounding transaction commits. A failure inside
attach_photos() removes what it wrote; for a rollback after it returns, wrap the
outermost atomic block in photo_files_guard() (Django has no on_rollback hook).
"""

import hashlib
import io
import logging
import math
import struct
import warnings
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import IO

import pillow_heif
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from PIL import ExifTags, Image, ImageCms, ImageOps, UnidentifiedImageError

from cases.models import Case, Photo
from cases.models.work import private_storage

log = logging.getLogger("portal.photos")

pillow_heif.register_heif_opener()
# Process-wide on purpose: every Pillow decode in the portal (Wagtail images too)
# gets the same ceiling. process_photo() also checks the setting at call time.
Image.MAX_IMAGE_PIXELS = settings.PORTAL_PHOTO_MAX_PIXELS

ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP", "HEIF")
_FORMAT_NAMES = {"MPO": "JPEG"}  # multi-picture JPEGs from phones open as MPO
_EXTENSIONS = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp", "HEIF": ".heic"}
JPEG_QUALITY = 85
_RESAMPLE = Image.Resampling.BICUBIC
_KEPT_MODES = ("RGB", "RGBA", "L", "LA", "CMYK")
# What a hostile or broken file makes Pillow and its plugins raise while decoding.
_DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, struct.error, IndexError, TypeError,
                  KeyError, RuntimeError, ZeroDivisionError)
_SRGB = ImageCms.createProfile("sRGB")

_guard_names: ContextVar[list[str] | None] = ContextVar("portal_photo_files", default=None)


class PhotoError(ValueError):
    """A photo the portal will not take; str(exc) is shown to the user."""

    def __init__(self, message: str, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass
class ProcessedPhoto:
    image_bytes: bytes
    thumb_bytes: bytes
    width: int
    height: int
    original_bytes: bytes
    sha256: str
    original_format: str  # "JPEG", "PNG", "WEBP" or "HEIF"
    original_size: int
    gps: tuple[float, float] | None

    @property
    def original_extension(self) -> str:
        return _EXTENSIONS[self.original_format]


# --- Validation and decoding ---------------------------------------------------------


def validate_photo_batch(files: Sequence) -> None:
    limit = settings.PORTAL_PHOTO_MAX_COUNT
    if len(files) > limit:
        raise PhotoError(ngettext("You can attach at most %(count)d photo.",
                                  "You can attach at most %(count)d photos.", limit) % {"count": limit},
                         "too_many")


def _unsupported() -> PhotoError:
    return PhotoError(_("This file is not a supported photo. Please use a JPEG, PNG, WebP or HEIC image."),
                      "unsupported")


def _bomb() -> PhotoError:
    return PhotoError(_("This photo has too many pixels to be processed."), "too_many_pixels")


def _read_upload(fileobj: IO[bytes] | bytes, max_bytes: int) -> bytes:
    """The upload's bytes, refusing early (by declared size) and late (by reading)."""
    too_large = PhotoError(_("The photo is too large: each photo can be at most %(mb)s MB.")
                           % {"mb": f"{max_bytes / 1048576:g}"}, "too_large")
    if isinstance(fileobj, bytes | bytearray | memoryview):
        data = bytes(fileobj)
    else:
        if (getattr(fileobj, "size", None) or 0) > max_bytes:
            raise too_large
        if getattr(fileobj, "seekable", lambda: False)():
            fileobj.seek(0)
        data = fileobj.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise too_large
    if not data:
        raise _unsupported()
    return data


@contextmanager
def _decoding() -> Iterator[None]:
    """Decompression-bomb warnings become errors here only; decoder failures become PhotoError."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            yield
    except PhotoError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _bomb() from exc
    except UnidentifiedImageError as exc:  # before OSError: it is one
        raise _unsupported() from exc
    except _DECODE_ERRORS as exc:
        log.info("photo refused as unreadable: %r", exc)
        raise PhotoError(_("This photo is damaged or incomplete and cannot be read."), "corrupt") from exc


def _open(data: bytes) -> Image.Image:
    """Open by content, with only the accepted decoders; call inside _decoding()."""
    im = Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
    if _FORMAT_NAMES.get(im.format, im.format) not in ACCEPTED_FORMATS:
        raise _unsupported()
    if im.width * im.height > settings.PORTAL_PHOTO_MAX_PIXELS:
        raise _bomb()
    return im


# --- Decode budget ----------------------------------------------------------------------
# Pixels alone do not bound the work: a 381 KB 16-bit 7000x7000 PNG took 6 s of CPU and
# 450 MB. The cost of a decode is estimated from the header before any pixel is decoded
# (after draft(), so a large JPEG is judged at its reduced size) and an upload over the
# budget is refused at once. bench/hostile_photos.py measures the real cost per upload.

# Bytes per pixel Pillow holds for an image of the mode; RGB is stored in 4.
_HELD = {"1": 1, "L": 1, "P": 1, "I;16": 2, "I;16B": 2, "I;16L": 2, "I;16N": 2}
# Decoders that build a whole frame of their own before Pillow copies it.
_FRAME_DECODERS = ("WEBP", "HEIF")


def _bits(im: Image.Image) -> int:
    """16 for 16-bit samples (PNG "RGB;16B", "I;16B"), else 8."""
    raw = " ".join(str(tile.args) for tile in getattr(im, "tile", []) or [])
    return 16 if im.mode.startswith("I;16") or ";16" in raw else 8


def decode_cost(im: Image.Image, full_size: tuple[int, int]) -> int:
    """Estimated peak bytes of decoding `im` at its (drafted) size and bringing it to RGB.

    The decoded image, the full-size converted copy, the samples inflated at their bit
    depth (16-bit doubles the work), and a decoder's own frame where it keeps one
    (WebP, HEIF) or the coefficients of a progressive JPEG (kept for the whole image).
    """
    w, h = im.size
    pixels = w * h
    bands = len(im.getbands())
    held = pixels * _HELD.get(im.mode, 4)
    converted = pixels * 4 if im.mode not in ("RGB", "RGBA", "L") else 0
    inflated = pixels * bands * _bits(im) // 8
    frame = pixels * 4 if _FORMAT_NAMES.get(im.format, im.format) in _FRAME_DECODERS else 0
    if im.format in ("JPEG", "MPO") and (im.info.get("progressive") or im.info.get("progression")):
        frame = full_size[0] * full_size[1] * bands * 2
    return held + converted + inflated + frame


def _within_budget(im: Image.Image, full_size: tuple[int, int]) -> None:
    limit = settings.PORTAL_PHOTO_MAX_DECODE_MB * 1024 * 1024
    if decode_cost(im, full_size) > limit:
        raise PhotoError(_("This photo would take too much work to process (%(width)s x %(height)s pixels"
                           "%(depth)s). Please send it at a smaller size, or as a JPEG.")
                         % {"width": full_size[0], "height": full_size[1],
                            "depth": _(", 16 bits per colour") if _bits(im) == 16 else ""}, "too_costly")


def process_photo(fileobj: IO[bytes] | bytes) -> ProcessedPhoto:
    """Decode, check and re-encode one upload. Pure: touches neither the database nor storage."""
    data = _read_upload(fileobj, settings.PORTAL_PHOTO_MAX_BYTES)
    with _decoding():
        im = _open(data)
        original_format = _FORMAT_NAMES.get(im.format, im.format)
        full_size, target, box = _reduce(im, settings.PORTAL_PHOTO_MAX_EDGE)
        _within_budget(im, full_size)  # from the header: before any pixel is decoded
        gps = _gps_or_none(im)  # before anything strips the metadata (a PNG decodes here)
        image = _render(im, target, box)
    thumb = _resized(image, _fit(image.size, settings.PORTAL_PHOTO_THUMB_EDGE))
    return ProcessedPhoto(
        image_bytes=_encode(image), thumb_bytes=_encode(thumb), width=image.width, height=image.height,
        original_bytes=data, sha256=hashlib.sha256(data).hexdigest(), original_format=original_format,
        original_size=len(data), gps=gps,
    )


@dataclass
class ReceivedPhoto:
    """An upload checked from its header only (the request's part): the worker decodes it."""

    original_bytes: bytes
    sha256: str
    original_format: str
    original_size: int
    width: int
    height: int

    @property
    def original_extension(self) -> str:
        return _EXTENSIONS[self.original_format]


def check_photo(fileobj: IO[bytes] | bytes) -> ReceivedPhoto:
    """Size, format by content, pixel count and decode budget, read from the header: no pixel
    is decoded, so a damaged body is found by the worker (cases.pipeline.photos), which
    records it on the case's timeline."""
    data = _read_upload(fileobj, settings.PORTAL_PHOTO_MAX_BYTES)
    with _decoding():
        im = _open(data)
        original_format = _FORMAT_NAMES.get(im.format, im.format)
        full_size = im.size
        _reduce(im, settings.PORTAL_PHOTO_MAX_EDGE)  # draft() only sets the decode scale the budget judges
        _within_budget(im, full_size)
    return ReceivedPhoto(original_bytes=data, sha256=hashlib.sha256(data).hexdigest(),
                         original_format=original_format, original_size=len(data),
                         width=full_size[0], height=full_size[1])


# --- Pixels ----------------------------------------------------------------------------


def _fit(size: tuple[int, int], edge: int) -> tuple[int, int]:
    """The size within an edge x edge box, keeping the aspect ratio; never enlarges."""
    w, h = size
    if max(w, h) <= edge:
        return w, h
    scale = edge / max(w, h)
    return max(1, round(w * scale)), max(1, round(h * scale))


def _reduce(im: Image.Image, edge: int) -> tuple[tuple[int, int], tuple[int, int], tuple | None]:
    """(full size, target size, crop box) after asking the decoder for a reduced decode:
    libjpeg decodes at the smallest 1/2, 1/4 or 1/8 scale still >= target."""
    full_size = im.size
    target = _fit(im.size, edge)
    box = None
    if target != im.size and im.format in ("JPEG", "MPO"):
        drafted = im.draft(None, target)
        box = drafted[1] if drafted else None
    return full_size, target, box


def _render(im: Image.Image, target: tuple[int, int], box: tuple | None) -> Image.Image:
    """Full decode (verify() would pass truncated files), resize, orient, sRGB, no alpha."""
    icc = im.info.get("icc_profile")
    im.load()
    out = _normal_mode(im)
    if out.size != target or box is not None:
        out = out.resize(target, _RESAMPLE, box=box)
    # resize() and convert() keep im.info, so the EXIF orientation is still there and
    # is applied to the smaller image: much cheaper than rotating the full decode.
    ImageOps.exif_transpose(out, in_place=True)
    return _flatten(_to_srgb(out, icc))


def _normal_mode(im: Image.Image) -> Image.Image:
    """Bring odd modes to one that resizes well and converts to sRGB."""
    if im.mode in ("P", "PA") or (im.mode not in ("RGBA", "LA") and "transparency" in im.info):
        return im.convert("RGBA")
    if im.mode in _KEPT_MODES:
        return im
    if im.mode == "1":
        return im.convert("L")
    if im.mode.startswith("I"):  # 16-bit grey: scale down rather than clip to white
        return im.convert("I").point(lambda v: v * (1 / 256)).convert("L")
    return im.convert("RGB")


def _to_srgb(im: Image.Image, icc: bytes | None) -> Image.Image:
    """Convert an embedded non-sRGB profile (Display P3, Adobe RGB, CMYK) to sRGB."""
    if not icc or im.mode not in ("RGB", "RGBA", "CMYK"):
        return im
    try:
        transform = _srgb_transform(bytes(icc), im.mode)
        return ImageCms.applyTransform(im, transform) if transform is not None else im
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        log.info("ignored an unusable ICC profile")
        return im


@lru_cache(maxsize=8)
def _srgb_transform(icc: bytes, mode: str) -> ImageCms.ImageCmsTransform | None:
    profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
    space = profile.profile.xcolor_space.strip()
    if space != ("CMYK" if mode == "CMYK" else "RGB"):
        return None
    if space == "RGB" and "srgb" in (ImageCms.getProfileDescription(profile) or "").lower():
        return None  # already sRGB: skip a costly identity transform
    out_mode = "RGBA" if mode == "RGBA" else "RGB"
    # NOCACHE: a cached transform is shared between threads.
    return ImageCms.buildTransform(profile, _SRGB, mode, out_mode, flags=ImageCms.Flags.NOCACHE)


def _flatten(im: Image.Image) -> Image.Image:
    """RGB for JPEG; transparent areas become white rather than black."""
    if im.mode == "RGB":
        return im
    if im.mode in ("RGBA", "LA"):
        rgba = im.convert("RGBA")
        background = Image.new("RGB", im.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return im.convert("RGB")


def _resized(im: Image.Image, size: tuple[int, int]) -> Image.Image:
    return im if im.size == size else im.resize(size, _RESAMPLE, reducing_gap=2.0)


def _encode(im: Image.Image) -> bytes:
    """JPEG without any metadata: EXIF, XMP, ICC, comments."""
    # A re-save copies the JPEG comment from im.info (docs/architecture.md, "Stack notes"); encoderinfo
    # set on an image would override the arguments below.
    im.info = {}
    im.encoderinfo = {}
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=JPEG_QUALITY, optimize=False)
    return buf.getvalue()


# --- GPS ---------------------------------------------------------------------------------


def read_gps(fileobj: IO[bytes] | bytes) -> tuple[float, float] | None:
    """(latitude, longitude) in WGS-84 decimal degrees from a photo's EXIF, or None.

    Offered to the citizen as the report's location before the metadata is stripped.
    """
    if isinstance(fileobj, bytes | bytearray | memoryview):
        fileobj = io.BytesIO(fileobj)
    position = fileobj.tell() if getattr(fileobj, "seekable", lambda: False)() else None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(fileobj, formats=ACCEPTED_FORMATS) as im:
                return _gps_or_none(im)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning, *_DECODE_ERRORS):
        return None
    finally:
        if position is not None:
            fileobj.seek(position)


def _gps_or_none(im: Image.Image) -> tuple[float, float] | None:
    try:
        return gps_from_exif(im.getexif())
    except _DECODE_ERRORS:  # a broken EXIF block loses the location, not the photo
        return None


def gps_from_exif(exif: Image.Exif) -> tuple[float, float] | None:
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    if not gps or _ascii(gps.get(ExifTags.GPS.GPSStatus)) == "V":  # V: measurement void
        return None
    lat = _degrees(gps.get(ExifTags.GPS.GPSLatitude), gps.get(ExifTags.GPS.GPSLatitudeRef), "N", "S")
    lng = _degrees(gps.get(ExifTags.GPS.GPSLongitude), gps.get(ExifTags.GPS.GPSLongitudeRef), "E", "W")
    if lat is None or lng is None or abs(lat) > 90 or abs(lng) > 180 or (lat == 0 and lng == 0):
        return None  # 0,0 is what receivers without a fix write
    return round(lat, 7), round(lng, 7)


def _degrees(value: object, ref: object, positive: str, negative: str) -> float | None:
    """Degrees/minutes/seconds rationals and an N/S or E/W reference to signed degrees."""
    parts = value if isinstance(value, tuple | list) else (value,)
    if value is None or not 1 <= len(parts) <= 3:
        return None
    try:
        numbers = [float(part) for part in parts]
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    if not all(math.isfinite(n) and n >= 0 for n in numbers) or any(n >= 60 for n in numbers[1:]):
        return None
    degrees = sum(n / 60**i for i, n in enumerate(numbers))
    direction = _ascii(ref)
    if direction not in (positive, negative):
        return None
    return -degrees if direction == negative else degrees


def _ascii(value: object) -> str:
    if isinstance(value, bytes):
        value = value.decode("ascii", "replace")
    return value.strip("\x00 ").upper() if isinstance(value, str) else ""


# --- Storage -----------------------------------------------------------------------------


def discard_files(names: Iterable[str]) -> None:
    """Delete stored photo files; never raises, so the original error stays visible."""
    storage = private_storage()
    for name in names:
        try:
            storage.delete(name)
        except Exception:  # cleanup must not mask the failure being handled
            log.exception("could not delete photo file %s", name)


@contextmanager
def photo_files_guard() -> Iterator[list[str]]:
    """Delete the photo files written inside the block if an exception leaves it.

    Wrap the outermost transaction, so a rollback after attach_photos() returned
    leaves no orphan files::

        with photo_files_guard(), transaction.atomic():
            ...
    """
    names: list[str] = []
    token = _guard_names.set(names)
    try:
        yield names
    except BaseException:
        discard_files(names)
        raise
    finally:
        _guard_names.reset(token)
    outer = _guard_names.get()
    if outer is not None:  # nested guard: the outer block may still fail
        outer.extend(names)


def attach_photos(case: Case, files: Iterable, *, kind: str, uploaded_by: AbstractBaseUser | None = None,
                  now: datetime, caption: str = "") -> list[Photo]:
    """Process every file first (one bad photo refuses the whole submission), then store them.

    Accepts uploaded files or ProcessedPhoto objects (to process before a transaction).
    """
    files = list(files)
    validate_photo_batch(files)
    if kind not in Photo.Kind.values:
        raise ValueError(f"unknown photo kind {kind!r}")
    processed = [f if isinstance(f, ProcessedPhoto) else process_photo(f) for f in files]
    written: list[str] = []
    try:
        with transaction.atomic():  # a failure halfway leaves no rows pointing at deleted files
            photos = [_store(case, p, kind, uploaded_by, now, caption, written) for p in processed]
    except BaseException:
        discard_files(written)
        raise
    guard_written(written)
    return photos


def guard_written(names: list[str]) -> None:
    """Hand files written inside a photo_files_guard() block to it (removed if the block fails)."""
    guard = _guard_names.get()
    if guard is not None:
        guard.extend(names)


def _store(case: Case, p: ProcessedPhoto, kind: str, uploaded_by: AbstractBaseUser | None, now: datetime,
           caption: str, written: list[str]) -> Photo:
    photo = Photo(case=case, kind=kind, original_sha256=p.sha256, original_format=p.original_format,
                  original_size=p.original_size, width=p.width, height=p.height, received_at=now,
                  uploaded_by=uploaded_by, caption=caption)
    for field, filename, data in (("original", "original" + p.original_extension, p.original_bytes),
                                  ("image", "image.jpg", p.image_bytes),
                                  ("thumbnail", "thumbnail.jpg", p.thumb_bytes)):
        file = getattr(photo, field)
        file.save(filename, ContentFile(data), save=False)  # upload_to generates the name
        written.append(file.name)
    photo.save()
    return photo
