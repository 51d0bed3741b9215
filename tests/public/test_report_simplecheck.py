"""Reports from browsers without JavaScript (cases/reportform/simplecheck.py): a question
rendered by the server instead of the proof of work, a stricter rate limit, and the case
held for the intake desk instead of routed. The proof-of-work path is unchanged."""

import re

import pytest

from cases.models import Case, CaseEvent
from tests.public.conftest import report_data
from tests.public.test_captcha import captcha_on, solved  # noqa: F401 - captcha_on: autouse fixture

pytestmark = pytest.mark.django_db


def question(client) -> tuple[str, str]:
    """What a browser without JavaScript sees inside <noscript>: (token, right answer)."""
    page = client.get("/en/report/").content.decode()
    block = page.split("<noscript>")[2].split("</noscript>")[0]  # the first is the notice at the top
    a, b = re.search(r"How much is (\d+) plus (\d+)\?", block).groups()
    token = re.search(r'name="check_token" value="([^"]+)"', block).group(1)
    return token, str(int(a) + int(b))


def post_simple(client, city, answer=None, token=None, key="6f1c2f7e-8d1a-4c4e-9a57-2f6b0f1e9a01", **extra):
    if token is None:
        token, right = question(client)
        answer = right if answer is None else answer
    data = report_data(city, check_token=token, check_answer=answer, idempotency_key=key)
    return client.post("/en/report/", data, **extra)


def test_the_form_asks_the_question_inside_noscript_only(client, city):
    page = client.get("/en/report/").content.decode()
    noscript = "".join(part.split("</noscript>")[0] for part in page.split("<noscript>")[1:])
    assert 'name="check_token"' in noscript and 'name="check_answer"' in noscript
    outside = re.sub(r"<noscript>.*?</noscript>", "", page, flags=re.S)
    assert "check_token" not in outside and "check_answer" not in outside  # the JS form is as before
    assert "checked by the intake desk" in noscript
    assert "calling the 12345 hotline" not in page  # no more "no JavaScript, no report"


def test_a_right_answer_files_the_report_and_holds_it_for_the_intake_desk(client, city):
    response = post_simple(client, city)
    assert response.status_code == 302 and response["Location"] == "/en/report/done/"
    case = Case.objects.get()
    assert case.state == "submitted" and not case.assignments.exists()  # not routed
    page = client.get("/en/report/done/").content.decode()
    assert 'id="held-for-review"' in page and "the intake desk first checks your report" in page
    event = CaseEvent.objects.get(case=case, kind="routing_needed")
    assert event.data == {"reason": "simple_check"} and "JavaScript" in event.internal_text  # stored in the site language


def test_a_wrong_or_missing_answer_is_refused_next_to_the_question(client, city):
    token, right = question(client)
    response = post_simple(client, city, answer=str(int(right) + 1), token=token)
    assert response.status_code == 200 and not Case.objects.exists()
    assert "not right" in " ".join(response.context["form"].errors["check_answer"])
    response = post_simple(client, city, answer="", token=token)
    assert "number in digits" in " ".join(response.context["form"].errors["check_answer"])


def test_a_forged_or_reused_question_is_refused(client, city):
    response = post_simple(client, city, answer="7", token="made-up")
    assert response.context["form"].errors["check_answer"] and not Case.objects.exists()
    token, right = question(client)
    assert post_simple(client, city, answer=right, token=token).status_code == 302
    again = post_simple(client, city, answer=right, token=token, key="0b7f8a1c-2a55-4e0c-9d4e-7a0b8e2f1c33")
    assert "already used" in " ".join(again.context["form"].errors["check_answer"])
    assert Case.objects.count() == 1


def test_without_the_proof_of_work_and_without_the_question_nothing_is_filed(client, city):
    response = client.post("/en/report/", report_data(city))
    assert "anti-robot check" in " ".join(response.context["form"].errors["altcha"])
    assert not Case.objects.exists()


def test_the_stricter_limit_counts_every_attempt_per_address(client, city, settings):
    settings.PORTAL_RATELIMIT_SUBMIT_SIMPLE = "2/h"
    assert post_simple(client, city, answer="0").status_code == 200  # wrong answers count too
    assert post_simple(client, city).status_code == 302
    refused = post_simple(client, city, key="0b7f8a1c-2a55-4e0c-9d4e-7a0b8e2f1c33")
    assert refused.status_code == 429 and Case.objects.count() == 1
    # The proof-of-work path keeps its own, wider limit.
    data = report_data(city, altcha=solved(), idempotency_key="1c2d3e4f-2a55-4e0c-9d4e-7a0b8e2f1c33")
    assert client.post("/en/report/", data).status_code == 302


def test_the_limit_for_all_clients_together_bounds_the_review_queue(client, city, settings):
    settings.PORTAL_RATELIMIT_SUBMIT_SIMPLE_ALL = "2/h"
    keys = [f"0b7f8a1c-2a55-4e0c-9d4e-7a0b8e2f1c3{i}" for i in range(3)]
    statuses = [post_simple(client, city, key=key, REMOTE_ADDR=f"198.51.100.{i}").status_code
                for i, key in enumerate(keys)]
    assert statuses == [302, 302, 429] and Case.objects.count() == 2


def test_the_proof_of_work_path_is_unchanged_and_routes_at_once(client, city, django_capture_on_commit_callbacks):
    data = report_data(city, altcha=solved())
    with django_capture_on_commit_callbacks(execute=True):  # routed by the worker's task after the commit
        assert client.post("/en/report/", data).status_code == 302
    case = Case.objects.get()
    assert case.state == "assigned" and not CaseEvent.objects.filter(kind="routing_needed").exists()
    assert 'id="held-for-review"' not in client.get("/en/report/done/").content.decode()
