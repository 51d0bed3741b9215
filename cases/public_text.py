"""Public event texts in the reader's language.

A standard public event ("your report was received", "passed to 市生态环境局") keeps
its message id and parameters in ``CaseEvent.data["public_message"]`` besides the
text stored in ``public_text`` (in the language of the request that caused it). The
tracking page, the Open311 updates and the workbench show it translated into the
reader's language; free texts written by people (the reply, a reason) are shown as
written.

Parameter values are strings, or ``{"datetime": ISO 8601}`` for a moment that is
formatted in the reader's language.
"""

from datetime import datetime

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

KEY = "public_message"


def message(msgid: str, **params) -> dict:
    """`msgid` must be marked for translation where it is written (gettext_noop)."""
    return {"id": msgid, "params": params}


def moment(value: datetime) -> dict:
    return {"datetime": value.isoformat()}


def render(msg: dict) -> str:
    params = {}
    for name, value in msg["params"].items():
        if isinstance(value, dict) and "datetime" in value:
            value = date_format(timezone.localtime(datetime.fromisoformat(value["datetime"])), "DATE_FORMAT")
        params[name] = value
    return gettext(msg["id"]) % params


def text_of(event) -> str:
    """The event's public text in the active language."""
    msg = (event.data or {}).get(KEY)
    if msg:
        try:
            return render(msg)
        except (KeyError, TypeError, ValueError):  # a malformed or outdated entry: the stored text
            pass
    return event.public_text
