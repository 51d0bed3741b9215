"""Citizens' sessions in a signed cookie, everyone else's in the database (portal/sessions.py)."""

import secrets

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core import signing
from django.test import Client

from cases.models import Case
from portal import sessions
from tests.public.conftest import report_data
from tests.workbench.otp import PASSWORD

pytestmark = pytest.mark.django_db


def cookie(client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def test_a_report_leaves_no_session_row_and_no_identity_in_the_cookie(client, city):
    data = report_data(city, name="王小明", phone="13912345678", email="wxm@example.org")
    assert client.post("/en/report/", data).status_code == 302
    case = Case.objects.get()
    assert not Session.objects.exists()  # no row, no write transaction of its own
    value = cookie(client)
    content = signing.loads(value, salt=sessions.SALT)
    assert set(content) <= {"portal_report_done", "portal_tracked_cases", "_session_expiry"}
    assert content["portal_tracked_cases"] == [case.pk]
    page = client.get("/en/report/done/").content.decode()
    code = page.split('id="access-code">')[1].split("<")[0]
    for secret in ("王小明", "13912345678", "wxm@example.org", code):  # the code only encrypted
        assert secret not in str(content) and secret not in value
    assert client.get(f"/en/track/{case.reference}/").status_code == 200


def test_a_tampered_or_foreign_cookie_is_an_empty_session(client, city):
    assert client.post("/en/report/", report_data(city)).status_code == 302
    case = Case.objects.get()
    value = cookie(client)
    stranger = Client()
    stranger.cookies[settings.SESSION_COOKIE_NAME] = value[:-3] + ("AAA" if not value.endswith("AAA") else "BBB")
    assert stranger.get(f"/en/track/{case.reference}/").status_code == 302
    # Signed with another salt (e.g. Django's own signed_cookies backend): refused too.
    forged = signing.dumps({"portal_tracked_cases": [case.pk]}, compress=True,
                           salt="django.contrib.sessions.backends.signed_cookies")
    stranger.cookies[settings.SESSION_COOKIE_NAME] = forged
    assert stranger.get(f"/en/track/{case.reference}/").status_code == 302


def test_a_cookie_carrying_any_other_key_is_refused(client, city, settings):
    """Even correctly signed, a cookie never carries a signed-in user: such keys live only
    in the database."""
    user = city.env_handler
    forged = signing.dumps({"_auth_user_id": str(user.pk), "_auth_user_backend":
                            "django.contrib.auth.backends.ModelBackend"}, compress=True, salt=sessions.SALT)
    store = sessions.SessionStore(forged)
    assert dict(store.items()) == {} and store.session_key is None
    client.cookies[settings.SESSION_COOKIE_NAME] = forged
    assert client.get("/en/report/").wsgi_request.user.is_anonymous


def test_staff_who_sign_in_on_a_citizens_browser_get_a_server_side_session(client, city):
    assert client.post("/en/report/", report_data(city)).status_code == 302
    citizen = cookie(client)
    assert ":" in citizen and not Session.objects.exists()
    response = client.post("/admin/login/", {"username": city.env_handler.username, "password": PASSWORD})
    assert response.status_code == 302
    key = cookie(client)
    assert ":" not in key and len(key) == 32
    stored = Session.objects.get(session_key=key).get_decoded()
    assert stored["_auth_user_id"] == str(city.env_handler.pk)
    # Signing out ends it in the database.
    client.post("/admin/logout/")
    assert not Session.objects.filter(session_key=key).exists()


def test_a_session_moves_to_the_database_and_back_with_what_it_holds():
    store = sessions.SessionStore()
    store["portal_tracked_cases"] = [7]
    store.save()
    cookie_value = store.session_key
    assert ":" in cookie_value and not Session.objects.exists()
    store = sessions.SessionStore(cookie_value)
    store["portal_report_resume"] = "enc1:…"  # the form kept for a retry: not for a cookie
    store.save()
    key = store.session_key
    assert ":" not in key and Session.objects.get(session_key=key).get_decoded() == {
        "portal_tracked_cases": [7], "portal_report_resume": "enc1:…"}
    store = sessions.SessionStore(key)
    del store["portal_report_resume"]
    store.save()
    assert ":" in store.session_key and not Session.objects.exists()  # nothing of it left server-side
    assert sessions.SessionStore(store.session_key)["portal_tracked_cases"] == [7]


def test_a_session_too_large_for_a_cookie_is_kept_in_the_database():
    store = sessions.SessionStore()
    store["portal_followed"] = {"reference": secrets.token_urlsafe(sessions.MAX_COOKIE_CHARS), "contact": True}
    store.save()
    assert ":" not in store.session_key and Session.objects.filter(session_key=store.session_key).exists()
