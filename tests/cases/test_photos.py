"""cases/photos.py: type by content, bombs, truncation, metadata stripping, GPS, storage."""

import hashlib
import io
import struct
import warnings
import zlib
from datetime import UTC, datetime
from pathlib import Path

import pillow_heif
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import translation
from PIL import ExifTags, Image, ImageCms, TiffImagePlugin

from cases import photos
from cases.models import Case, Photo
from cases.photos import (
    PhotoError,
    attach_photos,
    discard_files,
    photo_files_guard,
    process_photo,
    read_gps,
    validate_photo_batch,
)
from tests import factories

SECRET_COMMENT = b"reporter Zhang San 13800000000"
XMP = (b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
       b'<rdf:Description xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:CreatorTool="PhoneCam"/>'
       b"</rdf:RDF></x:xmpmeta>")
SRGB_ICC = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


# --- Builders -------------------------------------------------------------------------


def _rational(value: float) -> TiffImagePlugin.IFDRational:
    return TiffImagePlugin.IFDRational(round(value * 100), 100)


def _exif(orientation: int | None = None, lat=(36, 39, 0), lat_ref="N", lng=(117, 7, 12), lng_ref="E",
          gps: bool = True) -> Image.Exif:
    """EXIF with a camera model, an orientation and a GPS IFD (36.65 N, 117.12 E by default)."""
    exif = Image.Exif()
    exif[ExifTags.Base.Model] = "PhoneCam 12"
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    if gps:
        ifd = exif.get_ifd(ExifTags.IFD.GPSInfo)
        ifd[ExifTags.GPS.GPSLatitudeRef] = lat_ref
        ifd[ExifTags.GPS.GPSLatitude] = tuple(_rational(v) for v in lat)
        ifd[ExifTags.GPS.GPSLongitudeRef] = lng_ref
        ifd[ExifTags.GPS.GPSLongitude] = tuple(_rational(v) for v in lng)
    return exif


def _halves(size=(400, 200), mode="RGB") -> Image.Image:
    """Left half red, right half blue: shows which way a rotation went."""
    im = Image.new(mode, size, "blue")
    im.paste("red", (0, 0, size[0] // 2, size[1]))
    return im


def _jpeg(im: Image.Image | None = None, **params) -> bytes:
    buf = io.BytesIO()
    (im or _halves()).save(buf, "JPEG", quality=90, **params)
    return buf.getvalue()


def _full_jpeg(size=(400, 200), orientation: int | None = 6) -> bytes:
    """A JPEG with every kind of metadata the pipeline must strip."""
    return _jpeg(_halves(size), exif=_exif(orientation).tobytes(), xmp=XMP, comment=SECRET_COMMENT,
                 icc_profile=SRGB_ICC)


def _save(im: Image.Image, fmt: str, **params) -> bytes:
    buf = io.BytesIO()
    im.save(buf, fmt, **params)
    return buf.getvalue()


def _png_bomb(width: int, height: int) -> bytes:
    """What Image.new("1", (w, h)).save(buf, "PNG") writes, without 400 MB in memory."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    row = b"\x00" * (1 + (width + 7) // 8)  # filter byte + packed 1-bit black pixels
    deflate = zlib.compressobj(9)
    idat = b"".join(deflate.compress(row) for _ in range(height)) + deflate.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def _s15(value: float) -> bytes:
    return struct.pack(">i", round(value * 65536))


def _swapped_primaries_profile() -> bytes:
    """An RGB matrix/TRC ICC v2 profile whose red and green primaries are sRGB's green and red."""
    def xyz(x: float, y: float, z: float) -> bytes:
        return b"XYZ \0\0\0\0" + _s15(x) + _s15(y) + _s15(z)

    text = b"Swapped primaries test\0"
    desc = b"desc\0\0\0\0" + struct.pack(">I", len(text)) + text + b"\0" * (4 + 4 + 2 + 1 + 67)
    curve = b"curv\0\0\0\0" + struct.pack(">IH", 1, 0x0100) + b"\0\0"  # gamma 1.0
    tags = [(b"desc", desc), (b"wtpt", xyz(0.9642, 1.0, 0.8249)),
            (b"rXYZ", xyz(0.3851, 0.7169, 0.0971)), (b"gXYZ", xyz(0.4361, 0.2225, 0.0139)),
            (b"bXYZ", xyz(0.1431, 0.0606, 0.7141)), (b"rTRC", curve), (b"gTRC", curve), (b"bTRC", curve)]
    offset, table, body = 128 + 4 + 12 * len(tags), b"", b""
    for sig, data in tags:
        table += sig + struct.pack(">II", offset + len(body), len(data))
        body += data + b"\0" * (-len(data) % 4)
    header = (struct.pack(">II", offset + len(body), 0) + b"\x02\x10\0\0mntrRGB XYZ " + b"\0" * 12 + b"acsp"
              + b"\0" * 28 + _s15(0.9642) + _s15(1.0) + _s15(0.8249) + b"\0" * 48)
    return header + struct.pack(">I", len(tags)) + table + body


def _heic(im: Image.Image, **params) -> bytes:
    buf = io.BytesIO()
    pillow_heif.from_pillow(im).save(buf, format="HEIF", **params)
    return buf.getvalue()


def _markers(data: bytes) -> list[tuple[int, bytes]]:
    """(marker, payload) of each JPEG segment up to the start of scan."""
    assert data[:2] == b"\xff\xd8"
    pos, found = 2, []
    while pos < len(data):
        assert data[pos] == 0xFF
        marker = data[pos + 1]
        length = int.from_bytes(data[pos + 2:pos + 4], "big")
        found.append((marker, data[pos + 4:pos + 2 + length]))
        if marker == 0xDA:  # entropy-coded data follows
            break
        pos += 2 + length
    return found


def _assert_no_metadata(data: bytes) -> None:
    markers = _markers(data)
    assert 0xFE not in [m for m, _ in markers], "JPEG comment (COM) present"
    assert 0xE1 not in [m for m, _ in markers], "APP1 (EXIF or XMP) present"
    assert not [p for m, p in markers if m == 0xE2 and p.startswith(b"ICC_PROFILE")], "ICC profile present"
    for needle in (b"Exif\x00\x00", b"http://ns.adobe.com/xap", b"<x:xmpmeta", b"ICC_PROFILE", SECRET_COMMENT,
                   b"PhoneCam"):
        assert needle not in data
    with Image.open(io.BytesIO(data)) as im:
        assert im.format == "JPEG"
        assert not {"exif", "icc_profile", "comment", "xmp"} & set(im.info)
        assert not dict(im.getexif())


def _files_under(root) -> list[Path]:
    root = Path(root)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


# --- Metadata, orientation, GPS -----------------------------------------------------------


def test_all_metadata_is_stripped_from_image_and_thumbnail():
    data = _full_jpeg()
    markers = dict(_markers(data))  # the input really carries everything
    assert 0xFE in markers and 0xE1 in markers and 0xE2 in markers
    assert b"http://ns.adobe.com/xap" in data and SECRET_COMMENT in data

    result = process_photo(io.BytesIO(data))

    _assert_no_metadata(result.image_bytes)
    _assert_no_metadata(result.thumb_bytes)
    assert result.original_bytes == data  # the private original stays untouched evidence


def test_orientation_6_is_applied():
    result = process_photo(io.BytesIO(_full_jpeg((400, 200), orientation=6)))

    assert (result.width, result.height) == (200, 400)
    with Image.open(io.BytesIO(result.image_bytes)) as im:
        assert im.size == (200, 400)
        red, blue = im.convert("RGB").getpixel((100, 50)), im.getpixel((100, 350))
    assert red[0] > 200 and red[2] < 60  # turned clockwise: the left half is now on top
    assert blue[2] > 200 and blue[0] < 60


def test_orientation_is_applied_after_draft_and_resize(settings):
    settings.PORTAL_PHOTO_MAX_EDGE = 100
    settings.PORTAL_PHOTO_THUMB_EDGE = 40

    result = process_photo(io.BytesIO(_full_jpeg((800, 400), orientation=6)))

    assert (result.width, result.height) == (50, 100)
    with Image.open(io.BytesIO(result.thumb_bytes)) as thumb:
        assert thumb.size == (20, 40)


def test_read_gps_returns_decimal_degrees():
    data = _full_jpeg()
    lat, lng = read_gps(io.BytesIO(data))

    assert lat == pytest.approx(36.65, abs=1e-6)
    assert lng == pytest.approx(117.12, abs=1e-6)
    assert process_photo(io.BytesIO(data)).gps == pytest.approx((36.65, 117.12))


def test_read_gps_south_and_west_are_negative():
    data = _jpeg(exif=_exif(lat=(33, 52, 4.8), lat_ref="S", lng=(151, 12, 36), lng_ref="W").tobytes())

    assert read_gps(data) == pytest.approx((-33.868, -151.21))


def test_read_gps_none_without_gps_or_with_bad_values():
    assert read_gps(_jpeg()) is None
    assert read_gps(_jpeg(exif=_exif(gps=False, orientation=6).tobytes())) is None
    assert read_gps(_jpeg(exif=_exif(lat=(0, 0, 0), lng=(0, 0, 0)).tobytes())) is None
    assert read_gps(_jpeg(exif=_exif(lat=(95, 0, 0)).tobytes())) is None
    assert read_gps(_jpeg(exif=_exif(lat_ref="Q").tobytes())) is None
    assert read_gps(b"not an image at all") is None


def test_read_gps_handles_zero_denominators():
    exif = _exif()
    exif.get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitude] = (
        TiffImagePlugin.IFDRational(36, 1), TiffImagePlugin.IFDRational(39, 0), TiffImagePlugin.IFDRational(0, 1))

    assert read_gps(_jpeg(exif=exif.tobytes())) is None


def test_read_gps_leaves_the_file_position_alone():
    upload = SimpleUploadedFile("p.jpg", _full_jpeg(), content_type="image/jpeg")
    upload.seek(10)

    assert read_gps(upload) is not None
    assert upload.tell() == 10
    assert process_photo(upload).original_bytes == upload.file.getvalue()  # rewinds before reading


# --- Accepted formats -----------------------------------------------------------------------


def test_png_with_transparency_is_flattened_on_white():
    im = Image.new("RGBA", (300, 200), (0, 0, 0, 0))
    im.paste((200, 0, 0, 255), (0, 0, 150, 200))
    result = process_photo(io.BytesIO(_save(im, "PNG", exif=_exif(orientation=6).tobytes())))

    assert result.original_format == "PNG"
    assert result.gps == pytest.approx((36.65, 117.12))
    assert (result.width, result.height) == (200, 300)  # orientation from the eXIf chunk
    _assert_no_metadata(result.image_bytes)
    with Image.open(io.BytesIO(result.image_bytes)) as out:
        assert min(out.convert("RGB").getpixel((100, 250))) > 240  # was transparent


def test_webp_is_accepted():
    data = _save(_halves(), "WEBP", exif=_exif().tobytes(), xmp=XMP, icc_profile=SRGB_ICC)
    result = process_photo(io.BytesIO(data))

    assert result.original_format == "WEBP"
    assert (result.width, result.height) == (400, 200)
    _assert_no_metadata(result.image_bytes)


def test_heic_is_accepted_with_gps_and_orientation():
    data = _heic(_halves(), exif=_exif(orientation=6).tobytes())
    assert data[4:12] == b"ftypheic"

    result = process_photo(io.BytesIO(data))

    assert result.original_format == "HEIF"
    assert result.gps == pytest.approx((36.65, 117.12))
    assert read_gps(data) == pytest.approx((36.65, 117.12))
    assert (result.width, result.height) == (200, 400)
    _assert_no_metadata(result.image_bytes)
    _assert_no_metadata(result.thumb_bytes)


def test_non_srgb_profile_is_converted_to_srgb():
    data = _jpeg(Image.new("RGB", (64, 64), (255, 0, 0)), icc_profile=_swapped_primaries_profile())

    result = process_photo(io.BytesIO(data))

    _assert_no_metadata(result.image_bytes)
    with Image.open(io.BytesIO(result.image_bytes)) as out:
        r, g, b = out.getpixel((32, 32))
    assert g > 200 and r < 60 and b < 60  # this profile's "red" is sRGB green


def test_multi_picture_jpeg_is_a_jpeg_and_uses_the_first_picture():
    buf = io.BytesIO()
    Image.new("RGB", (300, 100), "red").save(buf, "MPO", save_all=True,
                                             append_images=[Image.new("RGB", (300, 100), "blue")])

    result = process_photo(io.BytesIO(buf.getvalue()))

    assert result.original_format == "JPEG"
    with Image.open(io.BytesIO(result.image_bytes)) as out:
        assert out.getpixel((150, 50))[0] > 200


def test_cmyk_jpeg_becomes_rgb():
    result = process_photo(io.BytesIO(_jpeg(Image.new("CMYK", (64, 64), (0, 255, 255, 0)))))

    with Image.open(io.BytesIO(result.image_bytes)) as out:
        assert out.mode == "RGB"
        r, g, b = out.getpixel((32, 32))
    assert r > 200 and g < 60 and b < 60


def test_16_bit_grey_png_is_scaled_not_clipped():
    result = process_photo(io.BytesIO(_save(Image.new("I;16", (64, 64), 32768), "PNG")))

    with Image.open(io.BytesIO(result.image_bytes)) as out:
        assert 120 <= out.getpixel((32, 32))[0] <= 136


# --- Rejections -------------------------------------------------------------------------------


@pytest.mark.parametrize("name, content", [
    ("photo.jpg", b"This is a text file pretending to be a photo.\n" * 20),
    ("photo.jpg", b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'),
    ("photo.jpg", _save(Image.new("P", (40, 40)), "GIF")),
    ("photo.jpg", _save(Image.new("RGB", (40, 40)), "BMP")),
    ("photo.jpg", _save(Image.new("RGB", (40, 40)), "TIFF")),
    ("photo.heic", _save(Image.new("RGB", (40, 40)), "AVIF")),
    ("photo.jpg", b""),
])
def test_non_images_and_other_formats_are_rejected(name, content):
    upload = SimpleUploadedFile(name, content, content_type="image/jpeg")

    with pytest.raises(PhotoError) as exc, translation.override("en"):
        process_photo(upload)
    assert exc.value.code == "unsupported"
    assert "JPEG, PNG, WebP or HEIC" in str(exc.value)


def test_truncated_jpeg_is_rejected():
    data = _jpeg(Image.effect_noise((600, 400), 50).convert("RGB"))
    half = data[: len(data) // 2]
    with Image.open(io.BytesIO(half)) as im:
        im.verify()  # verify() alone would let it through (ENGINEERING §4)

    with pytest.raises(PhotoError) as exc:
        process_photo(io.BytesIO(half))
    assert exc.value.code == "corrupt"


def test_truncated_png_is_rejected():
    data = _save(Image.effect_noise((300, 300), 50), "PNG")

    with pytest.raises(PhotoError) as exc:
        process_photo(io.BytesIO(data[: len(data) // 2]))
    assert exc.value.code == "corrupt"


def test_decompression_bomb_png_is_rejected(monkeypatch):
    data = _png_bomb(20000, 20000)
    assert len(data) < 1_000_000  # tiny file, 400 megapixels
    with monkeypatch.context() as m:  # a well-formed PNG: refused for its pixels, not as damaged
        m.setattr(Image, "MAX_IMAGE_PIXELS", None)
        with Image.open(io.BytesIO(data)) as im:
            assert (im.format, im.mode, im.size) == ("PNG", "1", (20000, 20000))

    with pytest.raises(PhotoError) as exc:
        process_photo(io.BytesIO(data))
    assert exc.value.code == "too_many_pixels"
    assert read_gps(data) is None


def test_bomb_warning_is_an_error_inside_the_pipeline_only(monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)  # 40x40 = 1600: a warning, not Pillow's error
    filters_before = list(warnings.filters)

    with pytest.raises(PhotoError) as exc:
        process_photo(io.BytesIO(_save(Image.new("RGB", (40, 40)), "PNG")))
    assert exc.value.code == "too_many_pixels"
    assert warnings.filters == filters_before


def test_pixel_setting_is_enforced_at_call_time(settings):
    settings.PORTAL_PHOTO_MAX_PIXELS = 100 * 100

    process_photo(io.BytesIO(_jpeg(Image.new("RGB", (100, 100)))))
    with pytest.raises(PhotoError) as exc:
        process_photo(io.BytesIO(_jpeg(Image.new("RGB", (101, 100)))))
    assert exc.value.code == "too_many_pixels"


def test_pillow_pixel_limit_is_set_deliberately(settings):
    assert Image.MAX_IMAGE_PIXELS == settings.PORTAL_PHOTO_MAX_PIXELS == 50_000_000
    assert 4000 * 3000 * 2 < Image.MAX_IMAGE_PIXELS  # a 12 MP camera photo passes with room to spare


def test_file_over_the_size_limit_is_rejected(settings):
    data = _jpeg()
    settings.PORTAL_PHOTO_MAX_BYTES = len(data)
    assert process_photo(io.BytesIO(data)).original_size == len(data)

    settings.PORTAL_PHOTO_MAX_BYTES = len(data) - 1
    for upload in (io.BytesIO(data), SimpleUploadedFile("p.jpg", data)):
        with pytest.raises(PhotoError) as exc:
            process_photo(upload)
        assert exc.value.code == "too_large"


def test_more_than_six_photos_are_rejected():
    validate_photo_batch([object()] * 6)
    with pytest.raises(PhotoError) as exc, translation.override("en"):
        validate_photo_batch([object()] * 7)
    assert exc.value.code == "too_many"
    assert str(exc.value) == "You can attach at most 6 photos."


# --- Sizes and integrity ----------------------------------------------------------------------


def test_sha256_and_size_are_of_the_original_bytes():
    data = _full_jpeg()
    result = process_photo(io.BytesIO(data))

    assert result.sha256 == hashlib.sha256(data).hexdigest()
    assert result.original_size == len(data)
    assert result.original_format == "JPEG"


def test_resized_to_max_edge_with_thumbnail():
    result = process_photo(io.BytesIO(_jpeg(_halves((3000, 1000)))))

    assert (result.width, result.height) == (2048, 683)
    with Image.open(io.BytesIO(result.image_bytes)) as im:
        assert im.size == (2048, 683)
    with Image.open(io.BytesIO(result.thumb_bytes)) as thumb:
        assert thumb.size == (320, 107)


def test_small_photo_is_not_enlarged():
    result = process_photo(io.BytesIO(_jpeg(_halves((120, 90)))))

    assert (result.width, result.height) == (120, 90)
    with Image.open(io.BytesIO(result.thumb_bytes)) as thumb:
        assert thumb.size == (120, 90)


# --- Storage -------------------------------------------------------------------------------------


def _case() -> Case:
    return Case.objects.create(reference="HB2026-000001", category=factories.category(), description="x",
                               received_at=NOW)


def _upload(name: str = "张三-家门口.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, _full_jpeg(), content_type="image/jpeg")


@pytest.mark.django_db
def test_attach_photos_stores_private_files_and_rows(settings):
    case, user = _case(), factories.user()
    uploads = [_upload(), SimpleUploadedFile("b.png", _save(_halves(), "PNG"))]

    stored = attach_photos(case, uploads, kind="citizen", uploaded_by=user, now=NOW, caption="河边")

    assert [p.pk for p in stored] == list(Photo.objects.filter(case=case).values_list("pk", flat=True))
    first = Photo.objects.get(pk=stored[0].pk)
    assert (first.kind, first.uploaded_by, first.caption, first.received_at) == ("citizen", user, "河边", NOW)
    assert first.original_sha256 == hashlib.sha256(uploads[0].file.getvalue()).hexdigest()
    assert (first.original_format, first.width, first.height, first.is_public) == ("JPEG", 200, 400, False)
    assert first.original.read() == uploads[0].file.getvalue()
    _assert_no_metadata(first.image.read())
    _assert_no_metadata(first.thumbnail.read())
    assert stored[1].original_format == "PNG" and stored[1].original.name.endswith(".png")

    files = _files_under(settings.PRIVATE_MEDIA_ROOT)
    assert len(files) == 6
    assert not _files_under(settings.MEDIA_ROOT)
    for photo in stored:
        for f in (photo.original, photo.image, photo.thumbnail):
            assert f.name.startswith(f"photos/{case.pk}/") and "张三" not in f.name
            assert (Path(settings.PRIVATE_MEDIA_ROOT) / f.name).is_file()


@pytest.mark.django_db
def test_one_bad_photo_stores_nothing(settings):
    case = _case()
    bad = SimpleUploadedFile("c.jpg", b"GIF89a not really")

    with pytest.raises(PhotoError):
        attach_photos(case, [_upload(), bad], kind="citizen", now=NOW)
    assert not Photo.objects.exists()
    assert not _files_under(settings.PRIVATE_MEDIA_ROOT)


@pytest.mark.django_db
def test_too_many_photos_store_nothing(settings):
    with pytest.raises(PhotoError):
        attach_photos(_case(), [_upload() for _ in range(7)], kind="citizen", now=NOW)
    assert not _files_under(settings.PRIVATE_MEDIA_ROOT)


@pytest.mark.django_db
def test_failure_inside_attach_photos_removes_its_files(settings, monkeypatch):
    case = _case()
    real_save, calls = Photo.save, []

    def failing_save(self, *args, **kwargs):
        calls.append(self)
        if len(calls) == 2:
            raise RuntimeError("database went away")
        return real_save(self, *args, **kwargs)

    monkeypatch.setattr(Photo, "save", failing_save)
    with pytest.raises(RuntimeError):
        attach_photos(case, [_upload(), _upload()], kind="citizen", now=NOW)
    assert not Photo.objects.exists()  # the first row went with attach_photos' savepoint
    assert not _files_under(settings.PRIVATE_MEDIA_ROOT)


@pytest.mark.django_db(transaction=True)
def test_rollback_after_attach_photos_leaves_no_orphan_files(settings):
    case = _case()

    with pytest.raises(RuntimeError), photo_files_guard(), transaction.atomic():
        attach_photos(case, [_upload(), _upload()], kind="citizen", now=NOW)
        assert len(_files_under(settings.PRIVATE_MEDIA_ROOT)) == 6
        raise RuntimeError("a later step of the submission failed")

    assert not Photo.objects.exists()
    assert not _files_under(settings.PRIVATE_MEDIA_ROOT)


@pytest.mark.django_db(transaction=True)
def test_guard_keeps_files_when_the_block_succeeds(settings):
    case = _case()

    with photo_files_guard() as names, transaction.atomic():
        attach_photos(case, [_upload()], kind="citizen", now=NOW)

    assert len(names) == 3
    assert Photo.objects.count() == 1
    assert len(_files_under(settings.PRIVATE_MEDIA_ROOT)) == 3


@pytest.mark.django_db(transaction=True)
def test_nested_guard_hands_its_files_to_the_outer_one(settings):
    case = _case()

    with pytest.raises(RuntimeError), photo_files_guard(), transaction.atomic():
        with photo_files_guard(), transaction.atomic():
            attach_photos(case, [_upload()], kind="citizen", now=NOW)
        raise RuntimeError("the outer transaction fails after the inner one succeeded")

    assert not _files_under(settings.PRIVATE_MEDIA_ROOT)


@pytest.mark.django_db
def test_preprocessed_photos_can_be_attached(settings):
    processed = process_photo(_upload())  # e.g. processed before the case's transaction opens

    [photo] = attach_photos(_case(), [processed], kind="before", now=NOW)

    assert photo.kind == "before" and photo.original_sha256 == processed.sha256


def test_discard_files_ignores_missing_names(settings):
    discard_files(["photos/1/does-not-exist.jpg"])


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError):
        attach_photos(Case(pk=1), [], kind="selfie", now=NOW)


def test_process_photo_needs_no_database():
    assert photos.process_photo(_full_jpeg()).original_format == "JPEG"  # no django_db mark: no queries


# --- The decode budget: pixels x bit depth, judged from the header ---------------------------

def _flat_png(width: int, height: int, bit_depth: int, colour_type: int) -> bytes:
    from bench.hostile_photos import png

    return png(width, height, bit_depth=bit_depth, colour_type=colour_type)


@pytest.mark.parametrize(("bit_depth", "colour_type"), [(16, 2), (16, 6), (16, 0), (8, 2)],
                         ids=["16-bit RGB", "16-bit RGBA", "16-bit grey", "8-bit RGB"])
def test_a_costly_image_is_refused_from_its_header_before_decoding(monkeypatch, bit_depth, colour_type):
    data = _flat_png(7000, 7000, bit_depth, colour_type)  # 49 megapixels, under the pixel ceiling
    assert len(data) < 1_000_000
    loads = []
    from PIL import ImageFile

    monkeypatch.setattr(ImageFile.ImageFile, "load", lambda self: loads.append(self))
    with pytest.raises(PhotoError) as exc:
        process_photo(data)
    assert exc.value.code == "too_costly" and "7000 x 7000" in exc.value.message
    assert loads == []  # not a single pixel decoded


def test_sixteen_bits_count_double(settings):
    data = _flat_png(3000, 3000, 16, 2)
    with Image.open(io.BytesIO(data)) as im:
        sixteen = photos.decode_cost(im, im.size)
    with Image.open(io.BytesIO(_flat_png(3000, 3000, 8, 2))) as im:
        eight = photos.decode_cost(im, im.size)
    assert sixteen - eight == 3000 * 3000 * 3  # the inflated samples, twice as many bytes


def test_a_phone_photo_and_a_large_jpeg_are_within_the_budget():
    from bench.photo_bench import phone_photo

    assert process_photo(phone_photo()).width == 2048
    big = _save(Image.new("RGB", (7000, 7000), (90, 120, 60)), "JPEG")  # judged at its reduced decode
    assert process_photo(big).width == 2048


def test_a_large_progressive_jpeg_is_judged_at_full_size():
    big = _save(Image.new("RGB", (7000, 7000), (90, 120, 60)), "JPEG", progressive=True)
    with pytest.raises(PhotoError) as exc:
        process_photo(big)
    assert exc.value.code == "too_costly"
