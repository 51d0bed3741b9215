"""The rating link of the closing message (docs/product.md §6): whoever received the
message can rate the reply once without the access code. The link is signed and
bound to the reply it was sent for (a reopened and re-closed case needs a new one);
it is dead once a rating for that reply is given (cases/tracking.py checks both).
It opens only the rating form, never the tracking page with the reporter's photos
and contact details."""

from datetime import datetime

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import translation

SALT = "portal.tracking.rate"


def rating_url(case_pk: int, replied_at: datetime) -> str:
    token = signing.dumps([case_pk, int(replied_at.timestamp())], salt=SALT, compress=True)
    with translation.override(settings.LANGUAGE_CODE):  # the message is in the site's language
        path = reverse("track_rate", args=[token])
    return settings.PORTAL_PUBLIC_BASE_URL.rstrip("/") + path


def read_rating_token(token: str) -> tuple[int, int] | None:
    """(case id, reply time as a Unix timestamp) of a genuine link, else None."""
    try:
        value = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    if not (isinstance(value, list) and len(value) == 2 and all(isinstance(v, int) for v in value)):
        return None
    return value[0], value[1]
