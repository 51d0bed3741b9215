"""The notification outbox: idempotent enqueueing, no reporter identity for departments,
claim-guarded sending with retries, and an SMTP outage that loses and doubles nothing."""

import email
import itertools
import logging
from contextlib import contextmanager
from datetime import timedelta
from email.header import decode_header, make_header

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.db import transaction
from django.utils import timezone

from cases import sms
from cases.models import Case, Category, Notification, ReporterIdentity, Township
from cases.notifications import (
    backoff,
    claim,
    enqueue,
    notify_department,
    notify_reporter,
    schedule_send_on_commit,
    send_due,
    send_one,
)
from cases.tasks import send_due_notifications, send_notifications
from tests import factories as f
from tests.net import closed_port
from tests.race import race

pytestmark = pytest.mark.django_db

State = Notification.State
IDENTITY = {"name": "张三丰", "phone": "13812348000", "email": "zhang.sanfeng@example.org"}
DEPARTMENT_TEMPLATES = ["case_assigned", "deadline_warning", "deadline_overdue", "case_escalated"]
_refs = itertools.count(1)


@pytest.fixture(autouse=True)
def _sms_locmem(settings):
    settings.SMS_BACKEND = "cases.sms.LocmemSmsBackend"
    sms.outbox.clear()
    yield
    sms.outbox.clear()


def make_case(**kw) -> Case:
    kw.setdefault("category", Category.objects.filter(name="大气污染").first() or f.category("大气污染"))
    kw.setdefault("township", Township.objects.filter(name="东城街道").first() or f.township("东城街道"))
    fields = {"reference": f"HB2026-{next(_refs):06d}", "description": "夜间偷排废气", "received_at": timezone.now()}
    return Case.objects.create(**{**fields, **kw})


def add_reporter(case, **kw) -> ReporterIdentity:
    return ReporterIdentity.objects.create(case=case, **{**IDENTITY, **kw})


def email_row(case, key="k1", now=None, recipient="dept@example.org") -> Notification:
    return enqueue(case=case, audience="department:1", channel="email", recipient=recipient,
                   template="case_assigned", context={"reference": case.reference, "category": "大气"},
                   idempotency_key=key, now=now)


class RecordingHandler:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 Message accepted for delivery"


@contextmanager
def smtp_server():
    handler = RecordingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=closed_port())
    controller.start()
    try:
        yield controller.port, handler
    finally:
        controller.stop()


# --- enqueue -----------------------------------------------------------------------

def test_same_idempotency_key_twice_makes_one_row():
    case = make_case()
    first = email_row(case, key="case_assigned:x")
    second = email_row(case, key="case_assigned:x")
    assert first.pk == second.pk
    assert Notification.objects.filter(idempotency_key="case_assigned:x").count() == 1


def test_duplicate_inside_an_outer_transaction_leaves_it_usable():
    case = make_case()
    with transaction.atomic():
        email_row(case, key="dup")
        again = email_row(case, key="dup")
        case.reply_text = "written after the duplicate"
        case.save(update_fields=["reply_text"])
    case.refresh_from_db()
    assert again.idempotency_key == "dup"
    assert case.reply_text == "written after the duplicate"
    assert Notification.objects.count() == 1


def test_no_recipient_no_row():
    case = make_case()
    assert email_row(case, recipient="  ") is None
    assert notify_department(case, f.department(email=""), "case_assigned", {}, "a") is None
    assert Notification.objects.count() == 0


def test_long_keys_are_shortened_but_stay_distinct():
    case = make_case()
    a = email_row(case, key="x" * 300 + "a")
    b = email_row(case, key="x" * 300 + "b")
    assert a.pk != b.pk and len(a.idempotency_key) <= 160


def test_rendering_in_english_and_plain_text():
    case = make_case()
    row = enqueue(case=case, audience="reporter", channel="email", recipient="r@example.org",
                  template="case_closed", context={"reference": case.reference, "reply_text": "A & B <ok>"},
                  idempotency_key="en", language="en")
    assert row.subject == f"Your report {case.reference} has been closed"
    assert "A & B <ok>" in row.body  # not HTML-escaped
    assert row.language == "en"


# --- reporter identity never reaches a department -------------------------------------

@pytest.mark.parametrize("template", DEPARTMENT_TEMPLATES)
def test_department_notification_has_no_reporter_identity(template):
    case = make_case()
    add_reporter(case)
    dept = f.department(email="dept@example.org")
    context = {"due_at": timezone.now(), "clock": "handling", "note": "请加快"}
    row = notify_department(case, dept, template, context, key_suffix="1")
    assert row.audience == f"department:{dept.pk}" and row.recipient == "dept@example.org"
    assert case.reference in row.body
    send_due()
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    for text in (row.subject, row.body, sent.subject, sent.body):
        for value in IDENTITY.values():
            assert value not in text


def test_case_assigned_gives_category_township_and_due_time():
    case = make_case()
    dept = f.department(email="dept@example.org")
    due = timezone.now() + timedelta(days=2)
    row = notify_department(case, dept, "case_assigned", {"due_at": due}, key_suffix="1")
    local_due = timezone.localtime(due).strftime("%Y-%m-%d %H:%M")
    for expected in (case.reference, "大气污染", "东城街道", local_due, dept.name):
        assert expected in row.body


@pytest.mark.parametrize("context", [
    {"reporter_name": "张三丰"}, {"phone": "138"}, {"email": "a@b"}, {"name": "x"}, {"contact_info": "x"},
])
def test_department_context_with_identity_keys_is_refused(context):
    case = make_case()
    with pytest.raises(ValueError):
        notify_department(case, f.department(email="d@example.org"), "case_assigned", context, "1")
    assert Notification.objects.count() == 0


def test_department_context_with_identity_objects_is_refused():
    case = make_case()
    reporter = add_reporter(case)
    with pytest.raises(ValueError):
        notify_department(case, f.department(email="d@example.org"), "case_assigned", {"who": reporter}, "1")


def test_identity_quoted_in_free_text_is_scrubbed():
    case = make_case()
    add_reporter(case)
    note = f"举报人{IDENTITY['name']}电话{IDENTITY['phone']}"
    row = notify_department(case, f.department(email="d@example.org"), "case_escalated", {"note": note}, "1")
    assert IDENTITY["name"] not in row.body and IDENTITY["phone"] not in row.body
    assert "***" in row.body


# --- reporter notifications ------------------------------------------------------------

def test_reporter_gets_email_and_sms_skipping_purged_and_contactless():
    case = make_case()
    add_reporter(case)
    add_reporter(case, name="", phone="", email="", is_anonymous=True)
    add_reporter(case, email="old@example.org", phone="13900000000", contact_purged_at=timezone.now())
    rows = notify_reporter(case, "case_received", {"access_code": "AB12CD"}, key_suffix="r")
    assert sorted((r.channel, r.recipient) for r in rows) == [
        ("email", IDENTITY["email"]), ("sms", IDENTITY["phone"]),
    ]
    assert all(r.audience == "reporter" and "AB12CD" in r.body for r in rows)
    assert notify_reporter(case, "case_received", {}, key_suffix="r") == rows  # idempotent


def test_access_code_only_when_given():
    case = make_case()
    add_reporter(case, phone="")
    [row] = notify_reporter(case, "case_received", {}, key_suffix="no-code", language="en")
    assert case.reference in row.body and "access code" not in row.body


def test_reporter_of_merged_case_follows_the_surviving_one():
    survivor = make_case()
    merged = make_case(merged_into=survivor, state="merged")
    add_reporter(merged, phone="")
    rows = notify_reporter(survivor, "case_closed", {"reply_text": "已整改"}, key_suffix="c")
    assert [r.recipient for r in rows] == [IDENTITY["email"]]


def test_extension_approved_tells_new_date_and_reason():
    case = make_case()
    add_reporter(case, email="")
    new_due = timezone.now() + timedelta(days=20)
    [row] = notify_reporter(case, "extension_approved", {"new_due": new_due, "reason": "需第三方检测"}, "e1")
    assert row.channel == "sms" and "需第三方检测" in row.body
    day = timezone.localtime(new_due)
    assert f"{day.year}年{day.month}月{day.day}日" in row.body  # the citizen's date form


# --- SMTP outage: the case change stands; sent exactly once after recovery ----------------

def _smtp(settings, port):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""


def test_smtp_down_then_recovered_sends_exactly_once(settings, django_capture_on_commit_callbacks):
    _smtp(settings, closed_port())
    case = make_case()
    dept = f.department(email="dept@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            case.reply_text = "已责令停产整改"
            case.save(update_fields=["reply_text"])
            row = notify_department(case, dept, "case_assigned", {}, key_suffix="a1")
            schedule_send_on_commit([row])  # runs inline (sync q) after commit and fails
    case.refresh_from_db()
    row.refresh_from_db()
    assert case.reply_text == "已责令停产整改"
    assert (row.state, row.attempts) == (State.PENDING, 1)
    assert "Connection" in row.last_error or "refused" in row.last_error.lower()
    first_retry = row.next_attempt_at

    assert send_due(now=first_retry - timedelta(seconds=1))["sent"] == 0  # backing off
    assert send_due(now=first_retry)["retry"] == 1  # still down: second attempt
    row.refresh_from_db()
    assert (row.state, row.attempts) == (State.PENDING, 2)
    assert row.next_attempt_at == first_retry + backoff(2)

    with smtp_server() as (port, server):
        settings.EMAIL_PORT = port
        later = row.next_attempt_at + timedelta(seconds=1)
        assert send_due(now=later)["sent"] == 1
        assert send_due(now=later + timedelta(hours=3)) == {"sent": 0, "retry": 0, "failed": 0, "skipped": 0}
        assert send_one(row.pk) == "already_sent"
        assert len(server.messages) == 1
    received = email.message_from_bytes(server.messages[0].content)
    assert server.messages[0].rcpt_tos == ["dept@example.org"]
    assert case.reference in str(make_header(decode_header(received["Subject"])))
    row.refresh_from_db()
    assert (row.state, row.attempts, row.sent_at) == (State.SENT, 3, later)
    case.refresh_from_db()
    assert case.reply_text == "已责令停产整改"


def test_sent_on_commit_through_the_task(django_capture_on_commit_callbacks):
    case = make_case()
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            rows = [email_row(case)]
            schedule_send_on_commit(rows + [None])
    assert Notification.objects.get().state == State.SENT
    assert len(mail.outbox) == 1
    assert send_notifications([rows[-1].pk]) == ["already_sent"]
    assert len(mail.outbox) == 1


def test_broker_down_is_logged_not_raised(monkeypatch, caplog, django_capture_on_commit_callbacks):
    def broker_down(*args, **kwargs):
        raise ConnectionError("redis unreachable")

    monkeypatch.setattr("django_q.tasks.async_task", broker_down)
    case = make_case()
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            row = email_row(case)
            schedule_send_on_commit([row.pk])
    assert "outbox sweep will send them" in caplog.text
    assert Notification.objects.get().state == State.PENDING
    assert send_due_notifications()["sent"] == 1  # the periodic schedule's entry point
    assert len(mail.outbox) == 1


def test_gives_up_after_max_attempts(settings):
    settings.PORTAL_NOTIFICATION_MAX_ATTEMPTS = 2
    settings.SMS_BACKEND = "tests.cases.test_notifications.BrokenSmsBackend"
    case = make_case()
    add_reporter(case, email="")
    [row] = notify_reporter(case, "case_received", {}, "r")
    now = timezone.now()
    assert send_due(now=now)["retry"] == 1
    assert send_due(now=now + timedelta(minutes=1))["failed"] == 1
    row.refresh_from_db()
    assert (row.state, row.attempts) == (State.FAILED, 2)
    assert "gateway down" in row.last_error
    assert send_due(now=now + timedelta(days=1))["failed"] == 0


class BrokenSmsBackend(sms.BaseSmsBackend):
    def send(self, phone, text, *, reference=None):
        raise OSError("gateway down")


def test_backoff_doubles_and_caps_at_an_hour():
    assert [backoff(n).total_seconds() / 60 for n in range(1, 9)] == [1, 2, 4, 8, 16, 32, 60, 60]


# --- the claim -------------------------------------------------------------------------

@pytest.mark.django_db(transaction=True)
def test_two_concurrent_claims_only_one_wins(monkeypatch):
    """Two workers, two connections, released together: the compare-and-set lets one through."""
    # Outside a test transaction the row's send task would run at once (sync broker): keep it
    # in the outbox, as when the task is lost, so that two workers find it due.
    monkeypatch.setattr("django_q.tasks.async_task", lambda *args, **kwargs: None)
    now = timezone.now()
    row = email_row(make_case(), now=now)
    assert Notification.objects.get(pk=row.pk).state == State.PENDING
    outcomes = race(2, lambda i: claim(row.pk, now))
    won = [o for o in outcomes if isinstance(o, Notification)]
    assert len(won) == 1 and outcomes.count(None) == 1, outcomes
    first = won[0]
    assert (first.state, first.attempts) == (State.SENDING, 1)
    row.refresh_from_db()
    assert row.attempts == 1  # the loser counted no attempt
    assert send_one(row.pk, now) == "not_claimed"
    assert send_due(now=now)["sent"] == 0
    assert mail.outbox == []


def test_row_stuck_in_sending_is_reclaimed_after_the_claim_expires():
    now = timezone.now()
    row = email_row(make_case(), now=now)
    stuck = claim(row.pk, now)  # the worker dies here
    assert send_due(now=stuck.claimed_until - timedelta(seconds=1))["sent"] == 0
    assert send_due(now=stuck.claimed_until + timedelta(seconds=1))["sent"] == 1
    row.refresh_from_db()
    assert (row.state, row.attempts) == (State.SENT, 2)
    assert len(mail.outbox) == 1


def test_stuck_row_with_no_attempts_left_is_failed(settings):
    settings.PORTAL_NOTIFICATION_MAX_ATTEMPTS = 1
    now = timezone.now()
    row = email_row(make_case(), now=now)
    stuck = claim(row.pk, now)
    assert send_due(now=stuck.claimed_until + timedelta(seconds=1))["failed"] == 1
    row.refresh_from_db()
    assert row.state == State.FAILED and mail.outbox == []


def test_not_due_rows_wait():
    now = timezone.now()
    row = email_row(make_case(), now=now + timedelta(minutes=5))
    assert send_one(row.pk, now) == "not_claimed"
    assert send_one(999_999) == "missing"


# --- SMS -------------------------------------------------------------------------------

def test_sms_through_the_locmem_backend():
    case = make_case()
    add_reporter(case, email="")
    [row] = notify_reporter(case, "case_received", {"access_code": "AB12CD"}, "r")
    assert send_due()["sent"] == 1
    assert [(m.phone, m.reference) for m in sms.outbox] == [(IDENTITY["phone"], row.idempotency_key)]
    assert "AB12CD" in sms.outbox[0].text and case.reference in sms.outbox[0].text


@pytest.mark.parametrize("debug", [False, True])
def test_log_backend_never_logs_the_full_number_nor_the_code_in_production(settings, caplog, debug):
    settings.SMS_BACKEND = "cases.sms.LogSmsBackend"
    settings.DEBUG = debug
    case = make_case()
    add_reporter(case, email="")
    notify_reporter(case, "case_received", {"access_code": "AB12CD34EF"}, "r")
    with caplog.at_level(logging.INFO):
        assert send_due()["sent"] == 1
    assert "138****8000" in caplog.text
    assert IDENTITY["phone"] not in caplog.text
    assert f"case-{case.pk}:" in caplog.text  # which message it was, for operators
    assert ("AB12CD34EF" in caplog.text) is debug  # the text only in development


@pytest.mark.parametrize("phone, masked", [
    ("13812348000", "138****8000"), ("+86 138-1234-8000", "+86*******8000"), ("12345", "***45"),
])
def test_mask_phone(phone, masked):
    assert sms.mask_phone(phone) == masked


def test_a_report_and_its_routing_reach_the_worker_as_one_task(monkeypatch, django_capture_on_commit_callbacks,
                                                                city):
    """One broker write per report (was one per message: three on SQLite's single writer)."""
    from cases.intake import ReporterInput, ReportInput, submit_case

    enqueued = []
    monkeypatch.setattr("django_q.tasks.async_task", lambda func, *args, **kw: enqueued.append((func, args)))
    with django_capture_on_commit_callbacks(execute=True):
        result = submit_case(ReportInput(category=city.air, description="夜间有刺鼻气味", latitude=36.55,
                                         longitude=117.05, location_source="pin"),
                             ReporterInput(name="张三", phone="13800138000", email="zs@example.org"))
    assert result.case.state == "assigned"  # routed in the same transaction
    rows = sorted(Notification.objects.values_list("pk", flat=True))
    assert len(rows) >= 3  # the reporter's SMS and e-mail, the department's notice
    assert enqueued == [("cases.tasks.send_notifications", (rows,))]


def test_rows_of_a_rolled_back_transaction_never_ride_along(monkeypatch, django_capture_on_commit_callbacks):
    enqueued = []
    monkeypatch.setattr("django_q.tasks.async_task", lambda func, *args, **kw: enqueued.append(args[0]))
    case = make_case()

    class Abort(Exception):
        pass

    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(Abort), transaction.atomic():
            schedule_send_on_commit([email_row(case).pk])
            raise Abort
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            row = email_row(case, key="second")
            schedule_send_on_commit([row.pk])
    assert enqueued == [[row.pk]]


# --- SMS switched off: recorded as not sent, never "sent" ----------------------------------

def test_sms_off_marks_text_messages_not_sent(settings):
    settings.SMS_BACKEND = "off"
    case = make_case()
    add_reporter(case, email="")
    [row] = notify_reporter(case, "case_received", {"access_code": "AB12CD"}, key_suffix="off")
    assert send_due()["failed"] == 1
    row.refresh_from_db()
    assert row.state == State.FAILED and row.sent_at is None and "switched off" in row.last_error
    assert sms.outbox == []


def test_the_log_backend_never_logs_the_text_or_the_number(settings, caplog):
    settings.SMS_BACKEND, settings.DEBUG = "cases.sms.LogSmsBackend", False
    case = make_case()
    add_reporter(case, email="")
    notify_reporter(case, "case_received", {"access_code": "QWERTY2345"}, key_suffix="log")
    with caplog.at_level(logging.DEBUG):
        send_due()
    assert "QWERTY2345" not in caplog.text and IDENTITY["phone"] not in caplog.text
