"""The report path for browsers without JavaScript (issue: "no JavaScript, no report").

The proof of work (cases/captcha.py) runs only in JavaScript. Without it the form asks
a small arithmetic question rendered by the server. The question alone would not hold
back a robot, so abuse control does not rest on it:

- a stricter rate limit per client address (PORTAL_RATELIMIT_SUBMIT_SIMPLE) and one for
  all clients together (PORTAL_RATELIMIT_SUBMIT_SIMPLE_ALL), counted on every attempt,
  right or wrong, on top of the form's own limit;
- the case is not routed to a department: it waits for the intake desk, which checks
  that it is a genuine report and dispatches it by hand (`hold_for_review`).

A challenge is signed (it cannot be made up), expires, and is accepted once (or again
for the same form token: a double click files one case, as with the proof of work).
"""

import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.utils.translation import gettext as _
from django_ratelimit.core import is_ratelimited

from cases.event_texts import stored_text
from cases.models import Case
from cases.workflow import record_event
from portal.clientip import ratelimit_key

log = logging.getLogger("portal.ratelimit")

SALT = "portal.reportform.simplecheck"
MAX_AGE_SECONDS = 3600
_USED_PREFIX = "portal:simplecheck-used:"
REVIEW_REASON = "simple_check"


@dataclass(frozen=True)
class Question:
    text: str
    token: str


def _digest(nonce: str, answer: int) -> str:
    key = f"{settings.SECRET_KEY}:{SALT}".encode()
    return hmac.new(key, f"{nonce}:{answer}".encode(), hashlib.sha256).hexdigest()


def new_question() -> Question:
    """A sum of two small numbers; the token carries a keyed digest of the answer, not the answer."""
    a, b = 2 + secrets.randbelow(8), 2 + secrets.randbelow(8)
    nonce = secrets.token_urlsafe(12)
    token = signing.dumps({"n": nonce, "d": _digest(nonce, a + b)}, salt=SALT, compress=True)
    return Question(_("How much is %(a)s plus %(b)s? Write the number in digits.") % {"a": a, "b": b}, token)


def verify(token: str, answer: str, form_token: str) -> str:
    """"" when right; otherwise the message shown next to the question."""
    try:
        data = signing.loads(token[:500], salt=SALT, max_age=MAX_AGE_SECONDS)
    except signing.SignatureExpired:
        return _("The question has expired. Please answer the new question.")
    except signing.BadSignature:
        return _("Please answer the question below.")
    answer = (answer or "").strip()
    if not answer.isdigit() or len(answer) > 3:
        return _("Please answer the question with a number in digits, for example 7.")
    if not hmac.compare_digest(_digest(data["n"], int(answer)), data["d"]):
        return _("That answer is not right. Please answer the new question.")
    key = _USED_PREFIX + hashlib.sha256(data["n"].encode()).hexdigest()
    if not cache.add(key, form_token or "-", MAX_AGE_SECONDS + 60) and not (form_token and
                                                                          cache.get(key) == form_token):
        return _("This question was already used. Please answer the new question.")
    return ""


def is_simple_path(post) -> bool:
    """A report sent without the proof of work but with the question's token."""
    return not post.get("altcha") and bool(post.get("check_token"))


def _everyone(_group: str, _request) -> str:
    return "all"


def over_limit(request) -> bool:
    """Counts this attempt against the per-address and the all-clients limits of the path."""
    try:
        per_client = is_ratelimited(request, group="portal:submit-simple", key=ratelimit_key,
                                    rate=settings.PORTAL_RATELIMIT_SUBMIT_SIMPLE, increment=True)
        everyone = is_ratelimited(request, group="portal:submit-simple-all", key=_everyone,
                                  rate=settings.PORTAL_RATELIMIT_SUBMIT_SIMPLE_ALL, increment=True)
    except Exception:  # the counter store (Redis) is down: the review hold still applies
        log.exception("rate limiter unavailable; simple-check report allowed")
        return False
    return per_client or everyone


def is_held(case: Case) -> bool:
    """Sent by this path and still waiting for the intake desk's check (not dispatched yet)."""
    return case.lead_department_id is None and case.events.filter(kind="routing_needed",
                                                                  data__reason=REVIEW_REASON).exists()


def hold_for_review(case: Case, now: datetime) -> None:
    """The case stays with the intake desk (not routed); the event says why."""
    data = {"reason": REVIEW_REASON}
    record_event(case, "routing_needed", None, now, internal_text=stored_text("routing_needed", data), data=data)
