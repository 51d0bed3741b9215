"""The access matrix of the supervision and report screens (PRODUCT §3, ENGINEERING
rule 11): every URL, every role, against an order and a record about department A
(市生态环境局). Departments see only their own orders and records; nothing shows
reporter identity; refused POSTs change nothing."""

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from docx import Document

from cases.models import OrderState, ProgressSnapshot, SpotCheckRound, SupervisionOrder
from cases.reports.snapshots import freeze_snapshot
from cases.supervision import orders
from cases.supervision.accountability import record_accountability
from cases.supervision.spotchecks import draw_round
from tests import factories as f
from tests.workbench.helpers import REPORTER_MARKS, body_text

pytestmark = pytest.mark.django_db

ROLES = ["intake", "env_handler", "water_handler", "env_head", "supervisor", "office", "editor", "anonymous"]
PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def world(city, new_case, login):
    from cases import actions, results

    case = new_case(description="化工厂夜间偷排废气")
    closed = new_case()
    actions.accept(closed, city.env_handler)
    results.submit_result(closed, city.env_handler, findings="属实", reply="已整改")
    results.close(closed, city.intake)
    city.office = f.user("office", "rectification_office", city.desk)
    order = orders.issue_order(city.supervisor, case=case, level=2, required_action="限期整改",
                               departments=[city.env])
    order = orders.reply_to_order(order, city.env_handler, "已整改", [SimpleUploadedFile("r.pdf", PDF)])
    record = record_accountability(city.supervisor, unit_name="市生态环境局", department=city.env,
                                   form="interview", reason="办理不力", decided_on=date(2026, 3, 1),
                                   authority="市纪委监委", cases=[case])
    rnd = draw_round(city.supervisor, name="第一轮", sample_size=1)
    snapshot = freeze_snapshot(city.office, closed.received_at.date())
    clients = {name: login(getattr(city, name)) for name in ROLES if name != "anonymous"}
    clients["anonymous"] = Client()
    return {"case": case, "order": order, "record": record, "round": rnd, "snapshot": snapshot,
            "clients": clients}


def urls(w) -> dict:
    order, snap = w["order"], w["snapshot"]
    return {
        "orders": reverse("workbench:orders") + "?show=all",
        "order": reverse("workbench:order", args=[order.pk]),
        "evidence": reverse("workbench:order_evidence", args=[order.pk, order.evidence.get().pk]),
        "order_new": reverse("workbench:order_new") + f"?case={w['case'].pk}",
        "accountability": reverse("workbench:accountability"),
        "accountability_new": reverse("workbench:accountability_new"),
        "spot_checks": reverse("workbench:spot_checks"),
        "round": reverse("workbench:spot_check_round", args=[w["round"].pk]),
        "snapshots": reverse("workbench:snapshots"),
        "snapshot": reverse("workbench:snapshot", args=[snap.pk]),
        "docx": reverse("workbench:snapshot_download", args=[snap.pk, "docx"]),
        "export_log": reverse("workbench:export_log"),
    }


DEPT_A = {"env_handler", "env_head"}
OVERSIGHT = {"supervisor", "office"}
WORKBENCH = {"intake", "env_handler", "water_handler", "env_head", "supervisor", "office"}
EXPECTED = {
    "orders": (WORKBENCH, 403), "order": (DEPT_A | OVERSIGHT | {"intake"}, 404),
    "evidence": (DEPT_A | OVERSIGHT | {"intake"}, 404), "order_new": (OVERSIGHT, 403),
    "accountability": (WORKBENCH, 403), "accountability_new": (OVERSIGHT, 403),
    "spot_checks": (WORKBENCH, 403), "round": (OVERSIGHT | {"intake"}, 404),
    "snapshots": (OVERSIGHT, 403), "snapshot": (OVERSIGHT, 404), "docx": (OVERSIGHT, 404),
    "export_log": ({"intake", "supervisor", "office"}, 403),
}


def readable(name: str, response) -> str:
    if name == "docx":
        return "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    return "" if name == "evidence" else body_text(response)


def test_every_supervision_url_for_every_role(world):
    for role in ROLES:
        client = world["clients"][role]
        for name, url in urls(world).items():
            response = client.get(url)
            if role == "anonymous":
                assert response.status_code == 302 and "/admin/login/" in response["Location"]
                continue
            allowed, refusal = EXPECTED[name]
            assert response.status_code == (200 if role in allowed else refusal), (role, name, response.status_code)
            text = readable(name, response) if response.status_code == 200 else ""
            assert not any(mark in text for mark in REPORTER_MARKS), (role, name)
    water = body_text(world["clients"]["water_handler"].get(urls(world)["orders"]))
    assert world["order"].number not in water
    assert "办理不力" not in body_text(world["clients"]["water_handler"].get(urls(world)["accountability"]))
    assert "办理不力" in body_text(world["clients"]["env_head"].get(urls(world)["accountability"]))


def test_refused_posts_change_nothing(world, city):
    order_url = urls(world)["order"]
    for role in ("water_handler", "editor", "intake", "env_handler"):
        client = world["clients"][role]
        client.post(order_url, {"action": "accept", "accept-version": world["order"].version})
        client.post(reverse("workbench:snapshots"), {"as_of": "2026-03-05"})
        client.post(reverse("workbench:spot_checks"), {"name": "越权", "population": "cases", "sample_size": 1})
        client.post(reverse("workbench:accountability_new"), {"unit_name": "x", "form": "interview", "reason": "r",
                                                              "decided_on": "2026-03-01", "authority": "a",
                                                              "cases": world["case"].reference})
    order = SupervisionOrder.objects.get()
    assert order.state == OrderState.REPLIED and order.version == world["order"].version
    assert ProgressSnapshot.objects.count() == 1 and SpotCheckRound.objects.count() == 1
    assert world["record"].__class__.objects.count() == 1
