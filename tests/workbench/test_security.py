"""Staff sign-in: a second factor on every admin URL (pages, AJAX, exports) and a
lockout after 5 failures per username + address that does not reveal whether the
account exists (PRODUCT §4.3, §7)."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests import factories as f
from tests.workbench.otp import PASSWORD, current_token, device_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(city, admin_access):
    """Password only: no second factor yet."""
    client = Client()
    client.force_login(city.env_handler)
    return client


def test_every_admin_url_needs_the_second_factor(city, new_case, signed_in):
    case = new_case()
    for url in [reverse("wagtailadmin_home"), reverse("workbench:list"), reverse("workbench:export"),
                reverse("workbench:detail", args=[case.pk]), reverse("departments:index")]:
        response = signed_in.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("workbench_otp:setup")), url
    post = signed_in.post(reverse("workbench:act", kwargs={"pk": case.pk, "name": "accept"}),
                          {"accept-version": case.version})
    assert post.status_code == 302 and case.state == "assigned"
    ajax = signed_in.get(reverse("workbench:import_progress", kwargs={"job_id": 1}),
                         headers={"x-requested-with": "XMLHttpRequest"})
    assert ajax.status_code == 403 and ajax.json()["error"] == "two_factor_required"
    as_json = signed_in.get(reverse("workbench:merge_candidates", args=[case.pk]),
                            headers={"accept": "application/json"})
    assert as_json.status_code == 403
    device_for(city.env_handler)
    assert signed_in.get(reverse("workbench:list"))["Location"].startswith(reverse("workbench_otp:verify"))


def test_anonymous_users_go_to_the_login_not_the_second_factor(city):
    response = Client().get(reverse("workbench:list"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_setup_shows_a_qr_code_and_recovery_codes_once(city, signed_in):
    page = signed_in.get(reverse("workbench_otp:setup")).content.decode()
    assert 'src="data:image/svg+xml;base64,' in page
    device = TOTPDevice.objects.get(user=city.env_handler, confirmed=False)
    assert signed_in.post(reverse("workbench_otp:setup"), {"token": "000000"}).status_code == 200
    response = signed_in.post(reverse("workbench_otp:setup"), {"token": current_token(device)})
    assert response["Location"] == reverse("workbench_otp:codes")
    codes_page = signed_in.get(reverse("workbench_otp:codes")).content.decode()
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", codes_page)
    assert len(codes) == 10 and set(codes) == set(StaticToken.objects.values_list("token", flat=True))
    assert not re.findall(r"<li><code>", signed_in.get(reverse("workbench_otp:codes")).content.decode())
    assert signed_in.get(reverse("workbench:list")).status_code == 200


def test_a_password_alone_cannot_enrol_a_new_device(city, signed_in):
    device_for(city.env_handler)
    response = signed_in.get(reverse("workbench_otp:setup"))
    assert response["Location"] == reverse("workbench_otp:verify")


def test_recovery_code_works_once(city, admin_access):
    from cases.workbench.twofactor import new_recovery_codes

    device_for(city.intake)
    code = new_recovery_codes(city.intake)[0]
    first, second = Client(), Client()
    for client in (first, second):
        client.force_login(city.intake)
    assert first.post(reverse("workbench_otp:verify"), {"token": code, "next": "/admin/cases/"})[
        "Location"] == "/admin/cases/"
    assert first.get(reverse("workbench:list")).status_code == 200
    assert second.post(reverse("workbench_otp:verify"), {"token": code}).status_code == 200  # refused
    assert second.get(reverse("workbench:list")).status_code == 302


def test_verify_refuses_an_external_next(city, admin_access):
    client = Client()
    client.force_login(city.intake)
    response = client.post(reverse("workbench_otp:verify"),
                           {"token": current_token(device_for(city.intake)), "next": "https://evil.example/"})
    assert response["Location"] == reverse("wagtailadmin_home")


def test_the_setting_turns_the_requirement_off(settings, city, signed_in):
    settings.PORTAL_REQUIRE_2FA = False
    assert signed_in.get(reverse("workbench:list")).status_code == 200


def test_editors_cannot_open_case_views(city, new_case, login):
    case = new_case()
    editor = login(city.editor)
    assert editor.get(reverse("workbench:list")).status_code == 403
    assert editor.get(reverse("workbench:detail", args=[case.pk])).status_code == 404
    assert "workbench-counts" not in editor.get(reverse("wagtailadmin_home")).content.decode()


def fail_login(client, username, address="10.0.0.1"):
    return client.post(reverse("wagtailadmin_login"), {"username": username, "password": "wrong"},
                       REMOTE_ADDR=address)


def test_lockout_after_five_failures_does_not_reveal_whether_the_user_exists(city):
    f.user("real_user", password=PASSWORD)
    client = Client()
    answers = {}
    for username in ("real_user", "nobody_here"):
        statuses = [fail_login(client, username).status_code for _ in range(5)]
        assert statuses == [200, 200, 200, 200, 429], statuses  # the fifth failure locks
        locked = fail_login(client, username)
        assert locked.status_code == 429
        answers[username] = re.sub(r'"CSRF_TOKEN": "[^"]*"', "", locked.content.decode())
    assert answers["real_user"] == answers["nobody_here"]
    assert "real_user" not in answers["real_user"]
    # The right password does not help while locked; another address is not locked.
    right = client.post(reverse("wagtailadmin_login"), {"username": "real_user", "password": PASSWORD},
                        REMOTE_ADDR="10.0.0.1")
    assert right.status_code == 429
    other = client.post(reverse("wagtailadmin_login"), {"username": "real_user", "password": PASSWORD},
                        REMOTE_ADDR="10.0.0.2")
    assert other.status_code == 302


def test_account_page_links_to_two_factor_settings(city, login):
    page = login(city.intake).get(reverse("wagtailadmin_account")).content.decode()
    assert reverse("workbench_otp:setup") in page and reverse("workbench_otp:codes") in page


def test_a_wrong_code_says_so_next_to_the_field(city, admin_access):
    device_for(city.intake)
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(city.intake)
    response = client.post(reverse("workbench_otp:verify"), {"token": "000000"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "验证码无效" in html, html[html.find("<main"):][:3000]
    assert 'aria-invalid="true"' in html or "w-field--error" in html


# --- Limits per address and per account (cases/workbench/throttle.py) ----------------------

@pytest.fixture(autouse=True)
def fresh_limits():
    from django.core.cache import caches

    caches["ratelimit"].clear()
    yield
    caches["ratelimit"].clear()


def reset(client, email, address="10.0.0.1"):
    return client.post(reverse("wagtailadmin_password_reset"), {"email": email}, REMOTE_ADDR=address)


def test_password_reset_is_limited_per_account_and_per_address(city, settings, mailoutbox, fresh_limits):
    settings.PORTAL_RATELIMIT_RESET_ACCOUNT, settings.PORTAL_RATELIMIT_RESET_ADDRESS = "3/h", "5/h"
    f.user("mailer", password=PASSWORD, email="mailer@example.org", is_staff=True)
    client = Client()
    statuses = [reset(client, "mailer@example.org", f"10.0.1.{n}").status_code for n in range(18)]
    assert statuses[:3] == [302, 302, 302] and set(statuses[3:]) == {429}  # many addresses, one account
    assert len(mailoutbox) <= 3
    spray = [reset(client, f"someone{n}@example.org", "10.0.2.1").status_code for n in range(7)]
    assert spray == [302] * 5 + [429] * 2  # one address, many accounts


def test_password_spraying_across_accounts_is_slowed_per_address(city, settings, fresh_limits):
    settings.PORTAL_RATELIMIT_LOGIN_ADDRESS = "20/h"
    client = Client()
    statuses = [fail_login(client, f"user{n}", "10.0.3.1").status_code for n in range(25)]
    assert statuses[:20] == [200] * 20 and set(statuses[20:]) == {429}
    assert fail_login(client, "user99", "10.0.3.2").status_code == 200  # another address is not slowed


def test_one_account_from_many_addresses_is_slowed_per_account(city, settings, fresh_limits):
    settings.PORTAL_RATELIMIT_LOGIN_ACCOUNT = "10/h"
    f.user("target", password=PASSWORD)
    client = Client()
    statuses = [fail_login(client, "Target", f"10.0.4.{n}").status_code for n in range(12)]
    assert statuses[:10] == [200] * 10 and statuses[10:] == [429, 429]
    right = client.post(reverse("wagtailadmin_login"), {"username": "target", "password": PASSWORD},
                        REMOTE_ADDR="10.0.4.200")
    assert right.status_code == 429
