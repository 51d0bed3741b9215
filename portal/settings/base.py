"""Settings shared by every profile.

Everything that differs between machines comes from environment variables with a
safe default: SQLite + the django-q2 ORM broker + local files when nothing is set;
DATABASE_URL, REDIS_URL and the S3 variables switch to PostgreSQL, Redis and object
storage (docs/architecture.md rule 9).
"""

import os
from pathlib import Path

import environ

from portal.csp import tile_sources
from portal.logs import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "cases",
    "cms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.sitemaps",
    "wagtail.sites",
    "cases.staffnames.apps.StaffUsersAppConfig",  # wagtail.users with one full-name field
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_q",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    # Anonymous public CMS pages from the cache before any other layer; it stores the
    # response with the headers the layers below added (security, CSP).
    "cms.pagecache.PublicPageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Body size, NUL and control characters, rate limits: before anything reads the body
    # (the CSRF middleware is the first to parse it). portal/guards.py.
    "portal.guards.RequestGuardMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

# A citizen's session (the reports and cases this browser may show, no identity) lives in a
# signed cookie; any other key, a signed-in user first, moves it to the database
# (portal/sessions.py, docs/security.md §12).
SESSION_ENGINE = "portal.sessions"
PORTAL_COOKIE_SESSION_KEYS = ["portal_report_done", "portal_tracked_cases", "portal_followed"]

ROOT_URLCONF = "portal.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "portal.wsgi.application"

# --- Database -----------------------------------------------------------------
# SQLite: WAL + IMMEDIATE transactions + a busy timeout. Deferred transactions hit
# "database is locked" under concurrent read-then-write (docs/architecture.md, "Stack notes").
SQLITE_PATH = env("SQLITE_PATH", default=str(BASE_DIR / "db.sqlite3"))
DATABASE_URL = env("DATABASE_URL", default="")


def database_from_env(url: str, sqlite_path: str) -> dict:
    if url:
        db = environ.Env.db_url_config(url)
        if db["ENGINE"] == "django.db.backends.postgresql":
            db.setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=60))
            db.setdefault("CONN_HEALTH_CHECKS", True)
        if db["ENGINE"] == "django.db.backends.sqlite3":
            db["OPTIONS"] = {**SQLITE_OPTIONS, **db.get("OPTIONS", {})}
            db.setdefault("CONN_MAX_AGE", SQLITE_CONN_MAX_AGE)
        return db
    return {"ENGINE": "django.db.backends.sqlite3", "NAME": sqlite_path, "OPTIONS": dict(SQLITE_OPTIONS),
            "CONN_MAX_AGE": SQLITE_CONN_MAX_AGE}


# Persistent connections on SQLite too (bench/run.py, docs/performance.md): with 0, every
# request reopens the file and replays the PRAGMAs, and django-q2's ORM broker calls
# close_old_connections() on each enqueue, so a report reconnected 3 times on the way out.
SQLITE_CONN_MAX_AGE = env.int("DATABASE_CONN_MAX_AGE", default=60)
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
}

DATABASES = {"default": database_from_env(DATABASE_URL, SQLITE_PATH)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and task queue ----------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")


def caches_from_env(redis_url: str) -> dict:
    if redis_url:
        return {
            # Fail-soft: while Redis is down the portal serves from the database
            # (portal/cache.py, docs/resilience.md).
            "default": {"BACKEND": "portal.cache.FailSoftRedisCache", "LOCATION": redis_url},
            # django-ratelimit needs atomic increments shared by all processes; while
            # Redis is down the limiter lets requests through (cases/views/common.py).
            "ratelimit": {"BACKEND": "portal.cache.FailSoftRedisCache", "LOCATION": redis_url},
        }
    return {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "portal-default"},
        # Single machine: one web process with threads shares this counter.
        "ratelimit": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "portal-ratelimit"},
    }


def q_cluster_from_env(redis_url: str) -> dict:
    conf = {
        "name": "portal",
        "workers": env.int("Q_WORKERS", default=2),
        "timeout": env.int("Q_TIMEOUT", default=60),
        # Must exceed timeout, or a slow task runs twice (docs/architecture.md, "Stack notes").
        "retry": env.int("Q_RETRY", default=120),
        "max_attempts": 5,
        "catch_up": False,
        "queue_limit": 50,
        "label": "Django Q2",
        "save_limit": 500,
        "ack_failures": True,
        "poll": 1,
    }
    if redis_url:
        conf["redis"] = redis_url
    else:
        conf["orm"] = "default"
    return conf


CACHES = caches_from_env(REDIS_URL)
RATELIMIT_USE_CACHE = "ratelimit"
# While the counter store (Redis) is down, citizens can still report (logged by portal.cache).
RATELIMIT_FAIL_OPEN = True
Q_CLUSTER = q_cluster_from_env(REDIS_URL)

# --- Auth ------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "wagtailadmin_login"

# Staff sign-in (docs/product.md §4.3, §7): a second factor on every /admin/ URL (TOTP app
# + recovery codes, django-otp; enforced by cases.workbench.middleware) and a lockout
# after 5 failed sign-ins per username + client address (django-axes).
INSTALLED_APPS += ["django_otp", "django_otp.plugins.otp_totp", "django_otp.plugins.otp_static", "axes"]
_auth_middleware = MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1
MIDDLEWARE[_auth_middleware:_auth_middleware] = [
    "django_otp.middleware.OTPMiddleware",
    "cases.workbench.middleware.StaffTwoFactorMiddleware",
]
MIDDLEWARE.append("axes.middleware.AxesMiddleware")
# Sign-in and password reset limited per address and per account, before the view
# (cases/workbench/throttle.py); axes still locks a username + address after 5 failures.
MIDDLEWARE.append("cases.workbench.throttle.StaffAuthThrottleMiddleware")
PORTAL_RATELIMIT_LOGIN_ADDRESS = env("PORTAL_RATELIMIT_LOGIN_ADDRESS", default="20/h")
PORTAL_RATELIMIT_LOGIN_ACCOUNT = env("PORTAL_RATELIMIT_LOGIN_ACCOUNT", default="10/h")
PORTAL_RATELIMIT_RESET_ADDRESS = env("PORTAL_RATELIMIT_RESET_ADDRESS", default="5/h")
PORTAL_RATELIMIT_RESET_ACCOUNT = env("PORTAL_RATELIMIT_RESET_ACCOUNT", default="3/h")
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
PORTAL_REQUIRE_2FA = env.bool("PORTAL_REQUIRE_2FA", default=True)
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", default="生态环境督察整改平台")
AXES_FAILURE_LIMIT = 5
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=1.0)  # hours
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ADMIN = False  # django.contrib.admin is not installed
# The database handler (axes' default) keeps counts shared by every web process on
# SQLite and PostgreSQL alike; a cache handler would need Redis (docs/architecture.md, "Stack notes").
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
# Same client address as django-ratelimit; the page never says whether the user exists.
AXES_CLIENT_IP_CALLABLE = "portal.clientip.client_ip"
AXES_LOCKOUT_CALLABLE = "cases.workbench.security.lockout_response"

# --- I18N ------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
# The project catalogue first, then translations of strings Wagtail leaves untranslated.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_wagtail"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES

# --- Static and media ------------------------------------------------------------
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATIC_URL = "/static/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "media")))
MEDIA_URL = "/media/"
# Citizen originals never sit under MEDIA_ROOT: they are served only through
# permission-checked views (docs/product.md §7).
PRIVATE_MEDIA_ROOT = Path(env("PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / "private_media")))

AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME", default="")


def storages_from_env(bucket: str) -> dict:
    # Hashed names (app.3f2a9c.js) so nginx and WhiteNoise send far-future cache headers;
    # a changed file gets a new name. Needs `collectstatic` before the first request.
    static = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}
    if bucket:
        options = {
            "bucket_name": bucket,
            "endpoint_url": env("AWS_S3_ENDPOINT_URL", default=None),
            "region_name": env("AWS_S3_REGION_NAME", default=None),
            "access_key": env("AWS_ACCESS_KEY_ID", default=None),
            "secret_key": env("AWS_SECRET_ACCESS_KEY", default=None),
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
            # "path" for most S3-compatible stores (MinIO, Ceph); empty = boto3 decides.
            "addressing_style": env("AWS_S3_ADDRESSING_STYLE", default=None),
        }
        return {
            "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {**options, "location": "public"}},
            # Signed URLs of private files are handed to nginx (X-Accel-Redirect) at once.
            "private": {"BACKEND": "storages.backends.s3.S3Storage",
                        "OPTIONS": {**options, "location": "private", "querystring_expire": 60}},
            "staticfiles": static,
        }
    return {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT), "base_url": None},
        },
        "staticfiles": static,
    }


STORAGES = storages_from_env(AWS_STORAGE_BUCKET_NAME)
if AWS_STORAGE_BUCKET_NAME:
    # MinIO/OBS/Ceph reject boto3>=1.36's default checksums (docs/architecture.md, "Stack notes").
    os.environ.setdefault("AWS_REQUEST_CHECKSUM_CALCULATION", "when_required")
    os.environ.setdefault("AWS_RESPONSE_CHECKSUM_VALIDATION", "when_required")

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024  # the form fields, files not counted
DATA_UPLOAD_MAX_NUMBER_FILES = 20
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# portal.guards refuses a body by its Content-Length before anything reads it: the
# citizens' forms and Open311 may carry all photos of a report plus this slack; every
# other URL (staff uploads of documents and spreadsheets) this many bytes. The reverse
# proxy's own limit (nginx client_max_body_size) must not be lower (docs/security.md).
PORTAL_BODY_SLACK_BYTES = env.int("PORTAL_BODY_SLACK_BYTES", default=1024 * 1024)
PORTAL_MAX_REQUEST_BYTES = env.int("PORTAL_MAX_REQUEST_BYTES", default=100 * 1024 * 1024)

# --- Wagtail ---------------------------------------------------------------------
WAGTAIL_SITE_NAME = "生态环境督察整改平台"
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL", default="http://localhost:8000")
# The public site's address, for links in messages sent from tasks (no request there).
PORTAL_PUBLIC_BASE_URL = env("PORTAL_PUBLIC_BASE_URL", default=WAGTAILADMIN_BASE_URL)
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_USER_LOGIN_FORM = "cases.workbench.login.StaffLoginForm"
WAGTAIL_USER_TIME_ZONES = ["Asia/Shanghai"]  # one city: no list of 600 English zone names
WAGTAIL_ENABLE_UPDATE_CHECK = False  # no request leaves the deployment (docs/product.md §7)
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "txt", "xlsx", "zip"]
WAGTAILEMBEDS_FINDERS = []  # oEmbed would call third-party hosts

# --- E-mail and SMS --------------------------------------------------------------
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="noreply@rectification.example.org")
SMS_BACKEND = env("SMS_BACKEND", default="cases.sms.LogSmsBackend")

# --- Portal ----------------------------------------------------------------------
# Key for contact data encrypted at rest; derived from SECRET_KEY when not set.
FIELD_ENCRYPTION_KEY = env("FIELD_ENCRYPTION_KEY", default="")
# `manage.py backup` runs only when this equals the current key's fingerprint, i.e. the
# operator has put the key in escrow (`manage.py backup --key-fingerprint`).
PORTAL_KEY_ESCROW_FINGERPRINT = env("PORTAL_KEY_ESCROW_FINGERPRINT", default="")
PORTAL_REFERENCE_PREFIX = env("PORTAL_REFERENCE_PREFIX", default="HB")
PORTAL_CONTACT_RETENTION_DAYS = env.int("PORTAL_CONTACT_RETENTION_DAYS", default=365)
# Geocoder for the address search: "nominatim" (PORTAL_GEOCODER_DOMAIN, e.g. the city's own
# server) or "tianditu" (PORTAL_GEOCODER_KEY; the domain defaults to api.tianditu.gov.cn).
# No default: citizens' addresses go only to a service the city chose (the development
# profile uses the public OSM server). Empty with a domain set means Nominatim.
PORTAL_GEOCODER = env("PORTAL_GEOCODER", default="")
PORTAL_GEOCODER_KEY = env("PORTAL_GEOCODER_KEY", default="")
PORTAL_GEOCODER_DOMAIN = env("PORTAL_GEOCODER_DOMAIN", default="")
PORTAL_GEOCODER_SCHEME = env("PORTAL_GEOCODER_SCHEME", default="https")
PORTAL_MAP_TILE_URL = env("PORTAL_MAP_TILE_URL", default="")
PORTAL_MAP_TILE_KEY = env("PORTAL_MAP_TILE_KEY", default="")
PORTAL_MAP_ATTRIBUTION = env("PORTAL_MAP_ATTRIBUTION", default="© 天地图 Tianditu")
PORTAL_CITY_NAME = env("PORTAL_CITY_NAME", default="清河市")
PORTAL_TASK_HEARTBEAT_MAX_AGE = env.int("PORTAL_TASK_HEARTBEAT_MAX_AGE", default=300)
# Password `seed_demo` gives every demo_* account; `demo_logins` prints it.
PORTAL_DEMO_PASSWORD = env("PORTAL_DEMO_PASSWORD", default="Demo-2026-portal")
# Delivery attempts before an outbox row is marked failed (backoff 1, 2, 4 … 60 minutes).
PORTAL_NOTIFICATION_MAX_ATTEMPTS = env.int("PORTAL_NOTIFICATION_MAX_ATTEMPTS", default=8)
# Photos (docs/product.md §4.1, cases/photos.py): count and size per submission, output edges,
# and the decoded-pixel ceiling (also Pillow's process-wide MAX_IMAGE_PIXELS).
PORTAL_PHOTO_MAX_COUNT = env.int("PORTAL_PHOTO_MAX_COUNT", default=6)
PORTAL_PHOTO_MAX_BYTES = env.int("PORTAL_PHOTO_MAX_BYTES", default=10 * 1024 * 1024)
PORTAL_PHOTO_MAX_EDGE = env.int("PORTAL_PHOTO_MAX_EDGE", default=2048)
PORTAL_PHOTO_THUMB_EDGE = env.int("PORTAL_PHOTO_THUMB_EDGE", default=320)
PORTAL_PHOTO_MAX_PIXELS = env.int("PORTAL_PHOTO_MAX_PIXELS", default=50_000_000)
# Estimated peak memory of decoding one upload (cases.photos.decode_cost), checked from
# the header before decoding: bounds CPU and memory per upload (bench/hostile_photos.py).
PORTAL_PHOTO_MAX_DECODE_MB = env.int("PORTAL_PHOTO_MAX_DECODE_MB", default=150)
# Citizen intake (docs/citizen-intake.md): map, geocoder, duplicates, CAPTCHA, rate limits.
PORTAL_MAP_TILE_SUBDOMAINS = env("PORTAL_MAP_TILE_SUBDOMAINS", default="abc")
PORTAL_MAP_CRS = env("PORTAL_MAP_CRS", default="wgs84")  # of the tiles: wgs84 (Tianditu, OSM), gcj02, bd09
PORTAL_GEOCODER_USER_AGENT = env("PORTAL_GEOCODER_USER_AGENT", default="rectification-portal/1.0")
PORTAL_GEOCODER_TIMEOUT = env.float("PORTAL_GEOCODER_TIMEOUT", default=5.0)
PORTAL_GEOCODER_COUNTRY_CODES = env("PORTAL_GEOCODER_COUNTRY_CODES", default="cn")
PORTAL_SERVICE_AREA_MARGIN_KM = env.float("PORTAL_SERVICE_AREA_MARGIN_KM", default=5.0)
PORTAL_DUPLICATE_RADIUS_M = env.int("PORTAL_DUPLICATE_RADIUS_M", default=500)
PORTAL_DUPLICATE_DAYS = env.int("PORTAL_DUPLICATE_DAYS", default=30)
PORTAL_CAPTCHA_REQUIRED = env.bool("PORTAL_CAPTCHA_REQUIRED", default=True)
PORTAL_ALTCHA_HMAC_KEY = env("PORTAL_ALTCHA_HMAC_KEY", default="")  # derived from SECRET_KEY when empty
PORTAL_ALTCHA_ALGORITHM = env("PORTAL_ALTCHA_ALGORITHM", default="PBKDF2/SHA-256")
PORTAL_ALTCHA_COST = env.int("PORTAL_ALTCHA_COST", default=2000)  # ~4 s on a 2-core machine
PORTAL_ALTCHA_MAX_COUNTER = env.int("PORTAL_ALTCHA_MAX_COUNTER", default=10000)
PORTAL_ALTCHA_EXPIRES_SECONDS = env.int("PORTAL_ALTCHA_EXPIRES_SECONDS", default=1800)
PORTAL_RATELIMIT_SUBMIT = env("PORTAL_RATELIMIT_SUBMIT", default="10/h")
# Reports sent without JavaScript (a question instead of the proof of work, held for the
# intake desk): per client address, and for all clients together (cases/reportform/simplecheck.py).
PORTAL_RATELIMIT_SUBMIT_SIMPLE = env("PORTAL_RATELIMIT_SUBMIT_SIMPLE", default="3/h")
PORTAL_RATELIMIT_SUBMIT_SIMPLE_ALL = env("PORTAL_RATELIMIT_SUBMIT_SIMPLE_ALL", default="60/h")
# Photos kept on the server after a report form error, offered again (cases/reportform/kept.py).
PORTAL_KEPT_PHOTO_SECONDS = env.int("PORTAL_KEPT_PHOTO_SECONDS", default=3600)
PORTAL_RATELIMIT_TRACK = env("PORTAL_RATELIMIT_TRACK", default="20/10m")
PORTAL_RATELIMIT_GEOCODE = env("PORTAL_RATELIMIT_GEOCODE", default="30/m")
PORTAL_RATELIMIT_LOOKUP = env("PORTAL_RATELIMIT_LOOKUP", default="60/m")
# Open311 requests without an api_key, per client address (clients with a key have their own rate).
OPEN311_ANONYMOUS_RATE = env("OPEN311_ANONYMOUS_RATE", default="300/m")
# bench/run.py: serve bench/reference_urls.py (the same-run references) under /__bench__/.
PORTAL_BENCH_REFERENCE_VIEWS = env.bool("PORTAL_BENCH_REFERENCE_VIEWS", default=False)
# Private files (photo originals, evidence) are sent by nginx after the permission check
# (X-Accel-Redirect, portal/privatefiles.py); needs the internal locations of deploy/nginx.
PORTAL_X_ACCEL_REDIRECT = env.bool("PORTAL_X_ACCEL_REDIRECT", default=False)
# Behind a reverse proxy set this to the META key holding the client address
# (e.g. HTTP_X_REAL_IP, set by the proxy itself; never a header clients can forge).
RATELIMIT_IP_META_KEY = env("RATELIMIT_IP_META_KEY", default=None)

# Logs (portal/logs.py, deploy/README.md "Logs"): JSON lines with the request id to stderr;
# LOG_FORMAT=plain for people reading a terminal (the development profile's default).
LOG_FORMAT = env("LOG_FORMAT", default="json")
LOG_LEVEL = env("LOG_LEVEL", default="INFO")
LOGGING = logging_config(LOG_FORMAT, LOG_LEVEL)
MIDDLEWARE.insert(0, "portal.logs.RequestIdMiddleware")

# --- Security headers (public pages; docs/product.md §7) -----------------------------------
MIDDLEWARE.insert(MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1, "csp.middleware.CSPMiddleware")
INSTALLED_APPS.append("csp")
# The back office gets its own policy with a per-request nonce (portal/admincsp.py).
MIDDLEWARE.insert(MIDDLEWARE.index("csp.middleware.CSPMiddleware") + 1, "portal.admincsp.AdminCSPMiddleware")
PORTAL_ADMIN_CSP_PREFIX = "/admin/"


CONTENT_SECURITY_POLICY = {
    # The back office has its own policy (portal/admincsp.py); the public site has no inline script.
    "EXCLUDE_URL_PREFIXES": ["/admin/", "/django-admin/"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:", *tile_sources(PORTAL_MAP_TILE_URL)],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'self'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "SAMEORIGIN"
PERMISSIONS_POLICY = "camera=(self), geolocation=(self), microphone=(), payment=(), usb=()"
MIDDLEWARE.append("portal.middleware.PermissionsPolicyMiddleware")
