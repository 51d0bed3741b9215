"""A stock django-helpdesk install, configured like the portal's production profile
where it matters for speed: DEBUG off, the same SQLite options (WAL, IMMEDIATE,
busy timeout), whitenoise, a local-memory cache, the same gunicorn flags."""

import os
import tempfile
from pathlib import Path

DATA = Path(os.environ.get("HELPDESK_BENCH_DIR") or Path(tempfile.gettempdir()) / "portal-bench" / "helpdesk")
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "helpdesk-bench-only-0123456789abcdefghijklmnopqrstuvwxyz")
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
SITE_ID = 1

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.humanize",
    "rest_framework",
    "helpdesk",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "hdproj.urls"
TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "DIRS": [],
    "APP_DIRS": True,
    "OPTIONS": {"context_processors": [
        "django.template.context_processors.debug",
        "django.template.context_processors.request",
        "django.contrib.auth.context_processors.auth",
        "django.contrib.messages.context_processors.messages",
    ]},
}]
WSGI_APPLICATION = "hdproj.wsgi.application"
DATABASES = {"default": {
    "ENGINE": "django.db.backends.sqlite3",
    "NAME": str(DATA / "helpdesk.sqlite3"),
    "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"},
}}
if os.environ.get("HELPDESK_BENCH_DATABASE_URL"):  # the PostgreSQL table of bench/report_bench.py
    from urllib.parse import urlsplit

    _url = urlsplit(os.environ["HELPDESK_BENCH_DATABASE_URL"])
    DATABASES = {"default": {
        "ENGINE": "django.db.backends.postgresql", "NAME": _url.path.lstrip("/"), "USER": _url.username or "",
        "PASSWORD": _url.password or "", "HOST": _url.hostname or "", "PORT": str(_url.port or ""),
        "CONN_MAX_AGE": 60,  # as the portal's production profile
    }}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
LANGUAGE_CODE = "en-us"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
STATIC_URL = "/static/"
STATIC_ROOT = str(DATA / "static")
MEDIA_ROOT = str(DATA / "media")
STORAGES = {"default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"}}
LOGIN_URL = "/login/"
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
LOGGING = {"version": 1, "disable_existing_loggers": False,
           "handlers": {"console": {"class": "logging.StreamHandler"}},
           "root": {"handlers": ["console"], "level": "WARNING"}}

HELPDESK_TEAMS_MODE_ENABLED = False
HELPDESK_PUBLIC_TICKET_QUEUE = "public"
HELPDESK_SUBMIT_A_TICKET_PUBLIC = True
HELPDESK_REDIRECT_TO_LOGIN_BY_DEFAULT = False
