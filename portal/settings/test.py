"""Test profile used by pytest. DATABASE_URL / REDIS_URL still switch backends."""

import tempfile
from pathlib import Path

from portal.logs import logging_config

from .base import *  # noqa: F403
from .base import DATABASES, LOG_LEVEL, Q_CLUSTER, STORAGES, env

# A worker started by a test (tests/cases/test_worker.py) is given the test's folder, so it
# reads the files the test process stored.
_tmp = Path(env("PORTAL_TEST_FILES", default="") or tempfile.mkdtemp(prefix="portal-test-"))
DEBUG = False
# A file, not ":memory:", so a real qcluster subprocess can share the test database.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": str(_tmp / "test.sqlite3")}
SECRET_KEY = "test-key-not-secret-0123456789abcdefghijklmnopqrstuvwxyz"
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = _tmp / "media"
PRIVATE_MEDIA_ROOT = _tmp / "private"
STORAGES = {
    **STORAGES,
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(MEDIA_ROOT)}},
    "private": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT)}},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tasks run inline unless a test starts a real cluster (tests/cases/test_worker.py).
Q_CLUSTER = {**Q_CLUSTER, "sync": True}
# Many sign-ins from 127.0.0.1 in one test process (browser journeys): tests of the
# staff limits set their own rates (tests/workbench/test_security.py).
PORTAL_RATELIMIT_LOGIN_ADDRESS = "1000/h"
PORTAL_RATELIMIT_LOGIN_ACCOUNT = "1000/h"
LOGGING = logging_config(env("LOG_FORMAT", default="plain"), LOG_LEVEL)
