"""Supervision orders: issue, reply with evidence, accept / send back / withdraw,
escalation of overdue replies, scoping (PRODUCT §4.7)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from cases.lifecycle import ConflictError, ForbiddenTransition, MissingReason, NotPermitted
from cases.models import CaseEvent, Notification, OrderLevel, OrderState, SupervisionEvent, SupervisionOrder
from cases.supervision import orders
from tests import factories as f
from tests.cases.conftest import T0

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def order(city, new_case):
    case = new_case()
    return orders.issue_order(city.supervisor, case=case, level=OrderLevel.SUPERVISION,
                              required_action="三日内查明异味来源并报送整改方案", departments=[city.env], now=T0)


def test_issue_writes_the_order_its_event_the_case_timeline_and_tells_the_department(city, order):
    assert order.number == "DB2026-0001" and order.state == OrderState.ISSUED
    assert order.reply_due_at > T0 + timedelta(days=5)  # 5 working days from a Monday ends the next Monday
    assert list(order.departments.all()) == [city.env]
    assert SupervisionEvent.objects.filter(order=order, kind="issued").count() == 1
    timeline = CaseEvent.objects.get(case=order.case, kind="supervision_issued")
    assert not timeline.is_public and "DB2026-0001" in timeline.internal_text
    mail = Notification.objects.get(template="supervision_order", audience=f"department:{city.env.pk}")
    assert "DB2026-0001" in mail.subject and "三日内查明" in mail.body


def test_only_supervisors_and_the_office_issue(city, new_case):
    case = new_case()
    for user in (city.env_handler, city.intake, city.editor):
        with pytest.raises(NotPermitted):
            orders.issue_order(user, case=case, level=1, required_action="x", departments=[city.env], now=T0)
    office = f.user("office", "rectification_office")
    made = orders.issue_order(office, case=case, level=1, required_action="x", departments=[city.env], now=T0)
    assert made.level == OrderLevel.REMINDER


@pytest.mark.parametrize("kwargs, field", [
    ({"required_action": "  "}, "督办事项"),
    ({"departments": []}, "被督办单位"),
    ({"reply_days": 0}, "1至60"),
])
def test_bad_input_is_refused_and_nothing_is_saved(city, new_case, kwargs, field):
    args = {"level": 2, "required_action": "整改", "departments": [city.env], "reply_days": 5, **kwargs}
    with pytest.raises((ValidationError, MissingReason)) as exc:
        orders.issue_order(city.supervisor, case=new_case(), now=T0, **args)
    assert field in str(exc.value)
    assert SupervisionOrder.objects.count() == 0


def test_department_replies_with_evidence_and_the_supervisor_accepts(city, order):
    with pytest.raises(NotPermitted):
        orders.reply_to_order(order, city.water_handler, "不是我们的", now=T0)
    pdf = SimpleUploadedFile("整改报告.pdf", PDF, content_type="application/pdf")
    replied = orders.reply_to_order(order, city.env_handler, "已查明为某化工厂，已停产整治", [pdf],
                                    expected_version=order.version, now=T0 + timedelta(days=1))
    assert replied.state == OrderState.REPLIED and replied.replied_on_time is True
    evidence = replied.evidence.get()
    assert evidence.extension == ".pdf" and len(evidence.sha256) == 64 and evidence.file.read() == PDF
    with pytest.raises(NotPermitted):
        orders.accept_reply(replied, city.env_head, now=T0)
    accepted = orders.accept_reply(replied, city.supervisor, "同意", now=T0 + timedelta(days=2))
    assert accepted.state == OrderState.ACCEPTED and accepted.decided_by == city.supervisor
    kinds = list(SupervisionEvent.objects.filter(order=order).values_list("kind", flat=True))
    assert kinds == ["issued", "reply", "accept"]
    assert CaseEvent.objects.filter(case=order.case, kind__startswith="supervision_").count() == 3


def test_a_file_that_is_not_evidence_is_refused_and_the_reply_not_saved(city, order):
    exe = SimpleUploadedFile("report.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError, match="report.pdf"):
        orders.reply_to_order(order, city.env_handler, "见附件", [exe], now=T0)
    order.refresh_from_db()
    assert order.state == OrderState.ISSUED and order.evidence.count() == 0


def test_two_supervisors_accepting_one_reply_at_once_one_wins(city, order):
    replied = orders.reply_to_order(order, city.env_handler, "已整改", now=T0)
    other = f.user("supervisor2", "supervisor")
    orders.accept_reply(replied, city.supervisor, expected_version=replied.version, now=T0)
    with pytest.raises(ConflictError):
        orders.accept_reply(replied, other, expected_version=replied.version, now=T0)
    with pytest.raises(ForbiddenTransition):
        orders.accept_reply(replied, other, now=T0)
    assert SupervisionEvent.objects.filter(order=order, kind="accept").count() == 1


def test_send_back_restarts_the_reply_clock_and_a_withdrawn_order_takes_no_reply(city, order):
    replied = orders.reply_to_order(order, city.env_handler, "已整改", now=T0)
    with pytest.raises(MissingReason):
        orders.send_back_reply(replied, city.supervisor, " ", now=T0)
    later = T0 + timedelta(days=3)
    back = orders.send_back_reply(replied, city.supervisor, "未附现场照片", now=later)
    assert back.state == OrderState.ISSUED and back.reply_due_at > later
    withdrawn = orders.withdraw_order(back, city.supervisor, "问题已移交市纪委", now=later)
    assert withdrawn.state == OrderState.WITHDRAWN
    with pytest.raises(ForbiddenTransition, match="已撤回"):
        orders.reply_to_order(withdrawn, city.env_handler, "补充材料", now=later)


def test_overdue_reply_escalates_one_level_and_tells_issuer_and_head(city, order):
    city.supervisor.email = "sup@example.org"
    city.supervisor.save()
    city.env_head.email = "head@example.org"
    city.env_head.save()
    late = order.reply_due_at + timedelta(minutes=1)
    assert orders.escalate_overdue(late) == 1
    assert orders.escalate_overdue(late) == 0  # idempotent
    order.refresh_from_db()
    assert order.level == OrderLevel.LISTED and order.is_overdue and order.reply_due_at > late
    audiences = set(Notification.objects.filter(template="supervision_order", subject__contains="escalated")
                    .values_list("audience", flat=True)) | set(
        Notification.objects.filter(template="supervision_order").exclude(audience__startswith="department")
        .values_list("audience", flat=True))
    assert {f"staff:{city.supervisor.pk}", f"staff:{city.env_head.pk}"} <= audiences
    # a listed order does not go higher: it stays overdue until the department replies
    assert orders.escalate_overdue(order.reply_due_at + timedelta(days=30)) == 0
    order.refresh_from_db()
    assert order.level == OrderLevel.LISTED and order.escalation_count == 1
    replied = orders.reply_to_order(order, city.env_handler, "迟到的答复", now=late)
    assert replied.replied_on_time is False


def test_departments_see_only_orders_addressed_to_them(city, order):
    assert list(SupervisionOrder.objects.visible_to(city.env_handler)) == [order]
    assert not SupervisionOrder.objects.visible_to(city.water_handler).exists()
    assert not SupervisionOrder.objects.visible_to(city.editor).exists()
    assert SupervisionOrder.objects.visible_to(city.supervisor).count() == 1
