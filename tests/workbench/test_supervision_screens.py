"""Supervision screens: issuing an order from a case, the department's reply with
evidence, accepting it, the dashboard panels, accountability records and the
scorecard columns (PRODUCT §4.7)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.models import AccountabilityRecord, OrderState, SupervisionOrder
from tests.workbench.helpers import REPORTER_MARKS, body_text

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n%%EOF\n"


def issue(client, case, **data):
    payload = {"case": case.pk, "level": "2", "required_action": "五个工作日内查明原因并整改",
               "departments": [case.lead_department_id], "reply_days": "5", **data}
    return client.post(reverse("workbench:order_new"), payload)


def test_order_journey_issue_reply_accept(city, new_case, login):
    case = new_case()
    supervisor = login(city.supervisor)
    page = body_text(supervisor.get(reverse("workbench:detail", args=[case.pk])))
    assert f"{reverse('workbench:order_new')}?case={case.pk}" in page
    assert supervisor.get(reverse("workbench:order_new"), {"case": case.pk}).status_code == 200
    response = issue(supervisor, case)
    order = SupervisionOrder.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("workbench:order", args=[order.pk])

    handler = login(city.env_handler)
    home = body_text(handler.get(reverse("wagtailadmin_home")))
    assert "workbench-orders-waiting" in home and order.number in home
    upload = SimpleUploadedFile("报告.pdf", PDF, content_type="application/pdf")
    response = handler.post(reverse("workbench:order", args=[order.pk]), {
        "action": "reply", "reply-version": order.version, "reply-text": "已整改完毕", "reply-files": [upload]})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.state == OrderState.REPLIED and order.evidence.count() == 1
    evidence_url = reverse("workbench:order_evidence", args=[order.pk, order.evidence.get().pk])
    assert b"".join(handler.get(evidence_url).streaming_content) == PDF

    page = body_text(supervisor.get(reverse("workbench:order", args=[order.pk])))
    assert "已整改完毕" in page and not any(mark in page for mark in REPORTER_MARKS)
    assert supervisor.post(reverse("workbench:order", args=[order.pk]), {
        "action": "accept", "accept-version": order.version, "accept-note": ""}).status_code == 302
    order.refresh_from_db()
    assert order.state == OrderState.ACCEPTED
    timeline = body_text(supervisor.get(reverse("workbench:detail", args=[case.pk])))
    assert order.number in timeline


def test_order_form_errors_are_shown_and_nothing_is_saved(city, new_case, login):
    case = new_case()
    response = issue(login(city.supervisor), case, required_action="", departments=[])
    assert response.status_code == 400
    assert SupervisionOrder.objects.count() == 0
    assert 'id="id_required_action"' in body_text(response) and "error" in body_text(response)


def test_stale_version_is_refused_with_a_message(city, new_case, login):
    case = new_case()
    supervisor = login(city.supervisor)
    issue(supervisor, case)
    order = SupervisionOrder.objects.get()
    response = login(city.env_handler).post(reverse("workbench:order", args=[order.pk]), {
        "action": "reply", "reply-version": order.version + 7, "reply-text": "答复"})
    assert response.status_code == 400
    order.refresh_from_db()
    assert order.state == OrderState.ISSUED


def test_other_departments_and_editors_do_not_reach_an_order(city, new_case, login):
    case = new_case()
    issue(login(city.supervisor), case)
    order = SupervisionOrder.objects.get()
    assert login(city.water_handler).get(reverse("workbench:order", args=[order.pk])).status_code == 404
    assert login(city.editor).get(reverse("workbench:order", args=[order.pk])).status_code == 404
    assert login(city.env_handler).get(reverse("workbench:order_new"), {"case": case.pk}).status_code == 403
    listing = body_text(login(city.water_handler).get(reverse("workbench:orders"), {"show": "all"}))
    assert order.number not in listing


def test_overdue_order_shows_on_the_issuers_panel(city, new_case, login):
    from cases.supervision.orders import escalate_overdue

    case = new_case()
    issue(login(city.supervisor), case)
    order = SupervisionOrder.objects.get()
    escalate_overdue(order.reply_due_at)
    home = body_text(login(city.supervisor).get(reverse("wagtailadmin_home")))
    assert "workbench-my-orders" in home and order.number in home


def test_accountability_form_needs_a_reason_and_a_link(city, new_case, login):
    case = new_case()
    client = login(city.supervisor)
    data = {"unit_name": "东湖街道办事处", "form": "interview", "reason": "", "decided_on": "2026-03-01",
            "authority": "市纪委监委", "cases": ""}
    response = client.post(reverse("workbench:accountability_new"), data)
    assert response.status_code == 400 and AccountabilityRecord.objects.count() == 0
    response = client.post(reverse("workbench:accountability_new"), {**data, "reason": "办理不力", "cases": "HB-NONE"})
    assert response.status_code == 400 and "HB-NONE" in body_text(response)
    response = client.post(reverse("workbench:accountability_new"), {**data, "reason": "办理不力",
                                                                       "cases": case.reference})
    assert response.status_code == 302
    assert list(AccountabilityRecord.objects.get().cases.all()) == [case]
    assert "东湖街道办事处" in body_text(client.get(reverse("workbench:accountability")))
    assert login(city.env_handler).get(reverse("workbench:accountability_new")).status_code == 403


def test_scorecard_counts_orders_received_and_replied_on_time(city, new_case, login):
    from cases.supervision import orders

    case = new_case()
    order = orders.issue_order(city.supervisor, case=case, level=1, required_action="x", departments=[city.env])
    orders.reply_to_order(order, city.env_handler, "y")
    from cases.workbench.scorecard import Period, scorecard

    row = next(r for r in scorecard(Period.from_dates(None, None)) if r.department == city.env)
    assert row["orders_received"] == 1 and row["orders_replied_on_time"] == 1
    page = body_text(login(city.supervisor).get(reverse("workbench:scorecard")))
    assert f"metric=orders_received&amp;department={city.env.pk}" in page
