"""Sessions: a citizen's in a signed cookie, everything else in the database.

What a citizen's browser session holds after a report or a look-up is small and holds
no identity (docs/security.md §12): the form token with the access code encrypted with
the contact key (`portal_report_done`), the ids of the cases this browser may open
(`portal_tracked_cases`) and the reference of a followed public case
(`portal_followed`). A session holding only those keys (`PORTAL_COOKIE_SESSION_KEYS`)
is kept in the cookie itself, signed with SECRET_KEY as Django's signed_cookies backend
does, so a report costs no session row (it was an existence check and an INSERT in a
write transaction of its own, ~10 % of the request's Python and a second write
transaction on SQLite).

Any other key — a signed-in user (`_auth_user_id`), the second factor's recovery codes,
the report form kept for a retry (contact details, encrypted), flash messages — moves the
session to the database at once, so staff sessions stay server-side and can be ended
by the operator screens (cases/operations/accounts.py). A cookie whose signature, age or
keys do not pass is an empty session. The two kinds are told apart by the cookie's value:
a database key is 32 letters and digits, a signed value always contains ":".

A signed cookie cannot be revoked on the server: "forget this case on this device"
replaces the browser's cookie, and a copy taken before still opens the case until it
expires (SESSION_COOKIE_AGE) — as the copied database session id did until then.
"""

from __future__ import annotations

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.core import signing
from django.utils.crypto import get_random_string

SALT = "portal.sessions.citizen"
MAX_COOKIE_CHARS = 3000  # well under the 4,096 bytes a browser keeps per cookie


def _signed(key: str | None) -> bool:
    return bool(key) and ":" in key


class SessionStore(db.SessionStore):
    @classmethod
    def cookie_keys(cls) -> frozenset[str]:
        return frozenset(settings.PORTAL_COOKIE_SESSION_KEYS) | {"_session_expiry"}

    def _in_cookie(self, data: dict) -> bool:
        return set(data) <= self.cookie_keys()

    def _get_new_session_key(self) -> str:
        # No existence check (a SELECT per new session): the INSERT with must_create is
        # the check, and create() draws again on the rare collision.
        return get_random_string(32, VALID_KEY_CHARS)

    def exists(self, session_key):
        return False if _signed(session_key) else super().exists(session_key)

    def load(self):
        key = self.session_key
        if not _signed(key):
            return super().load()
        try:
            data = signing.loads(key, serializer=self.serializer, max_age=self.get_session_cookie_age(), salt=SALT)
        except Exception:  # BadSignature, expired, undecodable: an empty session, as Django does
            data = None
        if not isinstance(data, dict) or not self._in_cookie(data):
            self._session_key = None
            return {}
        return data

    def save(self, must_create=False):
        data = self._get_session(no_load=must_create)
        if self._in_cookie(data):
            value = signing.dumps(data, compress=True, salt=SALT, serializer=self.serializer)
            if len(value) <= MAX_COOKIE_CHARS:
                old = self.session_key
                if old and not _signed(old) and not must_create:
                    super().delete(old)  # it was in the database: nothing of it stays there
                self._session_key = value
                self.modified = True
                return
        if _signed(self.session_key):
            self._session_key = None  # to the database under a new random key (create())
        return super().save(must_create=must_create)

    def delete(self, session_key=None):
        key = self.session_key if session_key is None else session_key
        if _signed(key):
            if session_key is None:
                self._session_key = None
            return  # nothing stored server-side; the middleware replaces or deletes the cookie
        return super().delete(session_key)

    # The async API (unused under WSGI) goes through the same rules.
    async def aload(self):
        return await sync_to_async(self.load)()

    async def asave(self, must_create=False):
        return await sync_to_async(self.save)(must_create=must_create)

    async def aexists(self, session_key):
        return await sync_to_async(self.exists)(session_key)

    async def adelete(self, session_key=None):
        return await sync_to_async(self.delete)(session_key)

    async def acreate(self):
        return await sync_to_async(self.create)()
