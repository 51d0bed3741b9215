"""Operator actions (cases/operations/accounts.py, retry.py): each one's effect and its
row in the operator log."""

import uuid

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_q.brokers import get_broker
from django_q.conf import Conf
from django_q.models import Failure, Success

from cases.models import Notification, OperatorAction
from cases.workbench import twofactor
from tests import factories as f
from tests.operations.jobs import fail_in_the_cluster
from tests.workbench.otp import PASSWORD, device_for

pytestmark = pytest.mark.django_db


def sign_in(client, username, address="10.0.0.1", password=PASSWORD):
    return client.post(reverse("wagtailadmin_login"), {"username": username, "password": password},
                       REMOTE_ADDR=address)


# --- second factor --------------------------------------------------------------------------

def test_resetting_a_second_factor_needs_a_reason_and_makes_the_user_enrol_again(city, operator, login):
    user = city.env_handler
    their_session = login(user)  # signed in past the second factor, on their own device
    twofactor.new_recovery_codes(user)
    assert TOTPDevice.objects.filter(user=user).exists() and StaticToken.objects.filter(device__user=user).count()
    admin = login(operator)
    url = reverse("operations:second_factor_reset", args=[user.pk])

    refused = admin.post(url, {"reason": "   "})
    assert refused.status_code == 400
    assert TOTPDevice.objects.filter(user=user).exists() and not OperatorAction.objects.exists()

    done = admin.post(url, {"reason": "手机丢失，本人到办公室核实身份"})
    assert done.status_code == 302
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not StaticToken.objects.filter(device__user=user).exists()  # recovery codes invalidated
    action = OperatorAction.objects.get()
    assert (action.kind, action.actor, action.subject_user, action.reason) == (
        "reset_second_factor", operator, user, "手机丢失，本人到办公室核实身份")
    assert action.at and "1" in action.outcome

    # Their old session is over; the next sign-in asks for a new authenticator, not a code.
    assert their_session.get(reverse("workbench:list")).status_code == 302
    assert reverse("wagtailadmin_login") in their_session.get(reverse("workbench:list"))["Location"]
    fresh = Client()
    assert sign_in(fresh, user.username).status_code == 302
    gate = fresh.get(reverse("workbench:list"))
    assert gate.status_code == 302 and gate["Location"].startswith(reverse("workbench_otp:setup"))

    log = admin.get(reverse("operations:log")).content.decode()
    assert "手机丢失，本人到办公室核实身份" in log and user.username in log


def test_the_second_factor_list_shows_who_is_enrolled(city, operator, login):
    device_for(city.intake)
    page = login(operator).get(reverse("operations:second_factor"), {"q": "intake"}).content.decode()
    assert "intake" in page and "env_handler" not in page
    assert "已启用" in page  # the intake officer has an authenticator


# --- lockouts ----------------------------------------------------------------------------------

def test_a_locked_account_is_listed_and_unlocked_with_a_log_row(city, operator, login, fresh_limits):
    victim = f.user("locked_user", password=PASSWORD)
    client = Client()
    statuses = [sign_in(client, "locked_user", password="wrong").status_code for _ in range(5)]
    assert statuses[-1] == 429
    assert sign_in(client, "locked_user").status_code == 429  # the right password does not help

    admin = login(operator)
    page = admin.get(reverse("operations:lockouts")).content.decode()
    assert "locked_user" in page and "10.0.0.1" in page and "已锁定" in page

    done = admin.post(reverse("operations:lockouts"), {"username": "locked_user", "address": "10.0.0.1",
                                                       "reason": "本人来电"})
    assert done.status_code == 302
    assert not AccessAttempt.objects.filter(username="locked_user").exists()
    action = OperatorAction.objects.get()
    assert (action.kind, action.actor, action.subject_user, action.reason) == ("unlock", operator, victim, "本人来电")
    assert "10.0.0.1" in action.subject and "locked_user" in action.subject
    assert sign_in(client, "locked_user").status_code == 302


def test_unlocking_an_account_resets_its_sign_in_limit(city, operator, login, settings, fresh_limits):
    settings.PORTAL_RATELIMIT_LOGIN_ACCOUNT = "3/h"
    f.user("busy_user", password=PASSWORD)
    client = Client()
    statuses = [sign_in(client, "busy_user", address=f"10.0.3.{n}", password="wrong").status_code
                for n in range(4)]
    assert statuses == [200, 200, 200, 429]  # the per-account limit, across addresses
    assert login(operator).post(reverse("operations:lockouts"), {"username": "busy_user"}).status_code == 302
    assert sign_in(client, "busy_user", address="10.0.3.9").status_code == 302
    assert "1" in OperatorAction.objects.get().outcome or "2" in OperatorAction.objects.get().outcome


def test_unlock_needs_an_account_or_an_address(city, operator, login):
    response = login(operator).post(reverse("operations:lockouts"), {"reason": "nothing named"})
    assert response.status_code == 400 and not OperatorAction.objects.exists()


# --- failed tasks and messages --------------------------------------------------------------

def test_a_failed_task_is_run_again_and_the_result_shown(city, operator, login):
    key = f"allow-{uuid.uuid4().hex}"
    fail_in_the_cluster("tests.operations.jobs.fails_until_allowed", key)
    failure = Failure.objects.get(func="tests.operations.jobs.fails_until_allowed")
    admin = login(operator)
    page = admin.get(reverse("operations:failures")).content.decode()
    assert "tests.operations.jobs.fails_until_allowed" in page and "not allowed yet" in page

    again = admin.post(reverse("operations:failures"), {"task": [failure.id]}).content.decode()
    assert "再次运行仍失败" in again  # still not allowed: failed again, shown
    assert Failure.objects.filter(func="tests.operations.jobs.fails_until_allowed").count() == 1

    cache.set(key, True)
    retry = Failure.objects.get(func="tests.operations.jobs.fails_until_allowed")
    done = admin.post(reverse("operations:failures"), {"task": [retry.id]}).content.decode()
    assert "再次运行成功" in done
    assert not Failure.objects.filter(func="tests.operations.jobs.fails_until_allowed").exists()
    assert Success.objects.filter(func="tests.operations.jobs.fails_until_allowed").count() == 1
    kinds = list(OperatorAction.objects.order_by("pk").values_list("kind", "actor__username", "outcome"))
    assert [k[:2] for k in kinds] == [("retry_task", "ops_admin")] * 2
    assert "not allowed yet" in kinds[0][2]


def test_with_a_real_cluster_the_retry_is_queued_and_its_result_shows_later(city, operator, login, monkeypatch):
    key = f"allow-{uuid.uuid4().hex}"
    fail_in_the_cluster("tests.operations.jobs.fails_until_allowed", key)
    failure = Failure.objects.get(func="tests.operations.jobs.fails_until_allowed")
    monkeypatch.setattr(Conf, "SYNC", False)  # as in production: the web process only queues
    admin = login(operator)
    broker = get_broker()  # the database table, or the Redis list when REDIS_URL is set
    waiting = broker.queue_size()
    queued = admin.post(reverse("operations:failures"), {"task": [failure.id]}).content.decode()
    action = OperatorAction.objects.get()
    assert action.task_id and f"已重新排队，任务编号 {action.task_id}" in queued
    assert broker.queue_size() == waiting + 1  # waiting in the broker for the worker
    broker.purge_queue()  # a Redis list outlives the test's transaction: no later cluster may run it
    assert "等待后台进程运行" in queued

    cache.set(key, True)
    fail_in_the_cluster("tests.operations.jobs.fails_until_allowed", key, task_id=action.task_id)  # the worker ran it
    later = admin.get(reverse("operations:failures")).content.decode()
    assert "✓ 成功" in later and "等待后台进程运行" not in later


def failed_message(case=None, recipient="li@example.org") -> Notification:
    return Notification.objects.create(
        case=case, channel="email", recipient=recipient, audience="reporter", template="case_received",
        subject="已受理", body="您的举报已受理", idempotency_key=uuid.uuid4().hex, state="failed", attempts=8,
        next_attempt_at=timezone.now(), last_error=f"SMTPRecipientsRefused: {{'{recipient}': (550, 'busy')}}")


def test_a_failed_message_is_sent_again_and_the_error_hides_the_address(city, new_case, operator, login):
    case = new_case()
    mail.outbox.clear()
    row = failed_message(case)
    admin = login(operator)
    page = admin.get(reverse("operations:failures")).content.decode()
    assert case.reference in page and "SMTPRecipientsRefused" in page
    assert "li@example.org" not in page  # a reporter's contact is for the intake desk only

    done = admin.post(reverse("operations:failures"), {"message": [row.pk]}).content.decode()
    assert "已发送" in done
    row.refresh_from_db()
    assert row.state == "sent" and row.attempts == 1
    assert [m.to for m in mail.outbox] == [["li@example.org"]]
    action = OperatorAction.objects.get()
    assert (action.kind, action.actor) == ("retry_message", operator) and str(row.pk) in action.subject


def test_retry_all_takes_every_failed_message(city, operator, login):
    rows = [failed_message(recipient=f"p{n}@example.org") for n in range(3)]
    pending = failed_message()
    Notification.objects.filter(pk=pending.pk).update(state="pending")
    mail.outbox.clear()
    login(operator).post(reverse("operations:failures"), {"scope": "all"})
    assert set(Notification.objects.filter(pk__in=[r.pk for r in rows]).values_list("state", flat=True)) == {"sent"}
    assert Notification.objects.get(pk=pending.pk).state == "pending"  # not failed: not touched
    assert OperatorAction.objects.filter(kind="retry_message").count() == 3
