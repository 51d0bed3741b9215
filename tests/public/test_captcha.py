"""Proof-of-work CAPTCHA (cases/captcha.py) on the report form."""

import base64
import json
import time

import altcha
import pytest

from cases import captcha
from cases.models import Case
from tests import factories as f
from tests.public.conftest import report_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def captcha_on(settings):
    settings.PORTAL_CAPTCHA_REQUIRED = True
    settings.PORTAL_ALTCHA_COST = 2
    settings.PORTAL_ALTCHA_MAX_COUNTER = 6


def solved(challenge: dict | None = None) -> str:
    """What the browser widget posts: the challenge and the counter it found."""
    challenge = altcha.Challenge.from_dict(challenge or captcha.new_challenge())
    solution = altcha.solve_challenge(challenge, timeout=10)
    assert solution is not None
    return altcha.Payload(challenge, solution).to_base64()


def post(client, city, payload, token="6f1c2f7e-8d1a-4c4e-9a57-2f6b0f1e9a01"):
    return client.post("/en/report/", report_data(city, altcha=payload, idempotency_key=token))


def test_challenge_endpoint_gives_a_signed_uncached_challenge(client, db):
    response = client.get("/report/captcha")
    body = json.loads(response.content)
    assert body["signature"] and body["parameters"]["algorithm"] == "PBKDF2/SHA-256"
    assert body["parameters"]["expiresAt"] > time.time()
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_missing_proof_of_work_is_refused_with_a_clear_message(client, city):
    response = post(client, city, "")
    assert "anti-robot check" in " ".join(response.context["form"].errors["altcha"])
    assert 'href="#captcha"' in response.content.decode() and "<altcha-widget" in response.content.decode()
    assert Case.objects.count() == 0


def test_a_solved_challenge_is_accepted(client, city):
    response = post(client, city, solved())
    assert response.status_code == 302 and Case.objects.count() == 1


def test_a_tampered_payload_is_refused(client, city):
    payload = json.loads(base64.b64decode(solved()))
    payload["challenge"]["parameters"]["cost"] = 1  # an easier challenge than the one signed
    forged = base64.b64encode(json.dumps(payload).encode()).decode()
    response = post(client, city, forged)
    assert "failed" in " ".join(response.context["form"].errors["altcha"])
    assert Case.objects.count() == 0


def test_a_wrong_solution_is_refused(client, city):
    payload = json.loads(base64.b64decode(solved()))
    payload["solution"]["derivedKey"] = "00" * 32
    forged = base64.b64encode(json.dumps(payload).encode()).decode()
    assert "failed" in " ".join(post(client, city, forged).context["form"].errors["altcha"])


def test_garbage_is_refused_without_an_error_page(client, city):
    response = post(client, city, "not base64 at all {")
    assert response.status_code == 200 and Case.objects.count() == 0


def test_a_replayed_payload_is_refused_for_another_form(client, city):
    payload = solved()
    assert post(client, city, payload).status_code == 302
    response = post(client, city, payload, token="0b0c6f7e-1111-4c4e-9a57-2f6b0f1e9a02")
    assert "already used" in " ".join(response.context["form"].errors["altcha"])
    assert Case.objects.count() == 1


def test_the_same_form_posted_twice_at_once_is_not_a_replay(db):
    """A double click: the second POST may arrive before the first has filed its case."""
    payload = solved()
    assert captcha.verify(payload, "token-a").ok
    assert captcha.verify(payload, "token-a").ok
    assert not captcha.verify(payload, "token-b").ok


def test_an_expired_challenge_is_refused(client, city, settings):
    settings.PORTAL_ALTCHA_EXPIRES_SECONDS = -10
    response = post(client, city, solved())
    assert "expired" in " ".join(response.context["form"].errors["altcha"])


def test_staff_signed_in_do_not_solve_it(client, city):
    client.force_login(f.user("desk_clerk"))
    assert post(client, city, "").status_code == 302


def test_the_key_is_derived_from_the_secret_key_unless_set(settings):
    settings.PORTAL_ALTCHA_HMAC_KEY = ""
    derived = captcha._secret("challenge")
    settings.PORTAL_ALTCHA_HMAC_KEY = "a-dedicated-key"
    assert captcha._secret("challenge") != derived
    assert settings.SECRET_KEY not in derived
