"""Sentences for the internal texts of system events (routing needed, calendar missing, photo failed).

The event keeps its reason code in ``data``; the text is a sentence stored in the site
language when the event is written and shown in the reader's language by
``internal_text_of`` (so events written before these sentences existed, whose text
was the bare code "no_township", read right too).
"""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext, gettext_noop

ROUTING_REASONS = {
    "no_township": gettext_noop("The location is outside every township, so no department could be chosen "
                                "automatically. Dispatch the case by hand."),
    "no_rule": gettext_noop("No routing rule covers this category and township. Dispatch the case by hand."),
    "error": gettext_noop("Automatic routing failed. Dispatch the case by hand."),
    "simple_check": gettext_noop("Sent without JavaScript (a simple question instead of the anti-robot check), "
                                 "so it was not routed automatically. Check that it is a genuine report, then "
                                 "dispatch it by hand."),
}
PHOTO_FAILED = gettext_noop("A photo sent with the report could not be processed (%(reason)s). Its original "
                             "file is kept as evidence; no copy of it can be shown.")
PHOTO_REASONS = {
    "corrupt": gettext_noop("the file is damaged or incomplete"),
    "unsupported": gettext_noop("not a supported image"),
    "too_many_pixels": gettext_noop("too many pixels"),
    "too_costly": gettext_noop("too costly to decode"),
    "too_large": gettext_noop("the file is too large"),
}
CALENDAR_MISSING = gettext_noop("The work calendar does not cover %(year)s, so the deadlines could not be "
                                "computed. An administrator must enter that year's holidays.")


def _sentence(kind: str, data: dict) -> str | None:
    if kind == "routing_needed":
        msgid = ROUTING_REASONS.get(data.get("reason") or "")
        return gettext(msgid) if msgid else None
    if kind == "photo_failed":
        reason = PHOTO_REASONS.get(data.get("reason") or "", PHOTO_REASONS["corrupt"])
        return gettext(PHOTO_FAILED) % {"reason": gettext(reason)}
    if kind == "calendar_missing" and data.get("year"):
        return gettext(CALENDAR_MISSING) % {"year": data["year"]}
    return None


def stored_text(kind: str, data: dict) -> str:
    """The sentence to store with a new event, in the site language."""
    with translation.override(settings.LANGUAGE_CODE):
        return _sentence(kind, data) or ""


def internal_text_of(event) -> str:
    """The event's internal text in the active language."""
    return _sentence(event.kind, event.data or {}) or event.internal_text
