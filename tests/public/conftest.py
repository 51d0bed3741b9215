"""Citizen intake tests: no CAPTCHA unless a test asks for it, fresh rate-limit
counters, and a geocoder address where nothing listens (never the network)."""

import io

import pytest
from django.core.cache import caches
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.cases.conftest import city, new_case  # noqa: F401
from tests.net import closed_port


@pytest.fixture(autouse=True)
def public_settings(settings):
    settings.PORTAL_CAPTCHA_REQUIRED = False
    settings.PORTAL_GEOCODER_DOMAIN = f"127.0.0.1:{closed_port()}"
    settings.PORTAL_GEOCODER_SCHEME = "http"
    settings.PORTAL_GEOCODER_TIMEOUT = 2
    caches["ratelimit"].clear()
    caches["default"].clear()
    yield
    caches["ratelimit"].clear()


def jpeg(size=(64, 48), color=(200, 60, 40), exif=None) -> bytes:
    buf = io.BytesIO()
    kwargs = {"exif": exif} if exif is not None else {}
    Image.new("RGB", size, color).save(buf, "JPEG", **kwargs)
    return buf.getvalue()


def upload(name="photo.jpg", data=None, content_type="image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, jpeg() if data is None else data, content_type=content_type)


def report_data(city, **overrides) -> dict:  # noqa: F811 - the fixture's value is passed in
    data = {
        "category": city.air.pk,
        "description": "工厂夜间排放刺鼻气味",
        "observed_at": "2026-03-01T21:30",
        "polluter_name": "某化工厂",
        "latitude": "36.55",
        "longitude": "117.05",
        "crs": "wgs84",
        "location_source": "pin",
        "address": "东湖街道某路1号",
        "name": "李四",
        "phone": "13800138000",
        "email": "ls@example.org",
        "anonymity": "named",
        "consent": "on",
        "idempotency_key": "6f1c2f7e-8d1a-4c4e-9a57-2f6b0f1e9a01",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}
