"""Development profile: the default when DJANGO_SETTINGS_MODULE is not set."""

from portal.logs import logging_config

from .base import *  # noqa: F403
from .base import LOG_LEVEL, STORAGES, env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="dev-only-insecure-key-change-me-0123456789abcdefghijklmnop")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
# The demo accounts sign in with a password only on a developer's machine; the
# production profile (and the test suite) require the second factor.
PORTAL_REQUIRE_2FA = env.bool("PORTAL_REQUIRE_2FA", default=False)
# On a developer's machine only: the public OpenStreetMap geocoder for the address search.
PORTAL_GEOCODER = env("PORTAL_GEOCODER", default="nominatim")
PORTAL_GEOCODER_DOMAIN = env("PORTAL_GEOCODER_DOMAIN", default="nominatim.openstreetmap.org")
# runserver serves static files from the source folders by their plain names; the hashed
# names of the manifest storage (production) would need collectstatic after every edit.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"}}
LOGGING = logging_config(env("LOG_FORMAT", default="plain"), LOG_LEVEL)
