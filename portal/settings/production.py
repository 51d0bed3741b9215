"""Production profile. Refuses to start without a secret key and allowed hosts."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])

if not SECRET_KEY or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set to at least 50 random characters in production.")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must be set in production (comma-separated host names).")

# Contacts are encrypted with their own key: rotating DJANGO_SECRET_KEY must not make
# them unreadable. Several keys, comma-separated, newest first (cases/fields.py).
FIELD_ENCRYPTION_KEY = env("FIELD_ENCRYPTION_KEY", default="")
if not FIELD_ENCRYPTION_KEY or any(len(k.strip()) < 32 for k in FIELD_ENCRYPTION_KEY.split(",")):
    raise ImproperlyConfigured("FIELD_ENCRYPTION_KEY must be set in production: one key of at least 32 random "
                               "characters, or several separated by commas, newest first (docs/security.md).")

# Messages must be delivered, not printed: the console backend wrote reporters' addresses,
# access codes and staff password-reset links into the worker's output and marked them sent.
NON_DELIVERING_EMAIL = {"django.core.mail.backends.console.EmailBackend",
                        "django.core.mail.backends.locmem.EmailBackend",
                        "django.core.mail.backends.dummy.EmailBackend",
                        "django.core.mail.backends.filebased.EmailBackend"}
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
if EMAIL_BACKEND in NON_DELIVERING_EMAIL:
    raise ImproperlyConfigured(f"EMAIL_BACKEND {EMAIL_BACKEND} delivers nothing; production needs a real "
                               "mail backend (SMTP: set EMAIL_HOST and friends).")
if EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend" and not env("EMAIL_HOST", default=""):
    raise ImproperlyConfigured("EMAIL_HOST must be set in production (the SMTP server that delivers mail).")
SMS_BACKEND = env("SMS_BACKEND", default="")
if not SMS_BACKEND or SMS_BACKEND in ("cases.sms.LogSmsBackend", "cases.sms.LocmemSmsBackend"):
    raise ImproperlyConfigured("SMS_BACKEND must name the SMS gateway's backend class in production, or be "
                               "'off' (text messages are then recorded as not sent).")

# TLS is terminated by the front proxy; it must set X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^(livez|readyz|healthz)$"]  # probes speak plain HTTP to the node
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("DJANGO_HSTS_PRELOAD", default=False)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SECURE = True

# Deliberate deviations from `check --deploy`, so CI can run it at --fail-level WARNING:
# - W019: the Wagtail admin previews pages in a same-origin iframe, so X_FRAME_OPTIONS
#   stays SAMEORIGIN (CSP frame-ancestors 'self' says the same for public pages).
# - W021: joining the browsers' HSTS preload list binds every subdomain for months;
#   the operator opts in with DJANGO_HSTS_PRELOAD=true.
SILENCED_SYSTEM_CHECKS = ["security.W019"]
if not SECURE_HSTS_PRELOAD:
    SILENCED_SYSTEM_CHECKS.append("security.W021")
