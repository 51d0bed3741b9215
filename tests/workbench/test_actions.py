"""Case page actions through the web: each form calls one engine service with the
version the user saw; conflicts and refusals are messages, never errors."""

from datetime import date

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from cases import actions
from cases.models import Assignment, Case, CaseEvent, ExtensionRequest, Photo, RectificationTask
from cases.workbench.services import conflict_message
from tests.workbench.helpers import body_text, jpeg_bytes

pytestmark = pytest.mark.django_db


def act(client, case, name, **fields):
    data = {f"{name}-{k}": v for k, v in fields.items()}
    data.setdefault(f"{name}-version", Case.objects.get(pk=case.pk).version)
    return client.post(reverse("workbench:act", kwargs={"pk": case.pk, "name": name}), data)


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def fresh(case) -> Case:
    return Case.objects.get(pk=case.pk)


def test_page_offers_only_what_the_user_may_do_now(city, new_case, login):
    case = new_case()
    handler = body_text(login(city.env_handler).get(reverse("workbench:detail", args=[case.pk])))
    assert 'id="action-accept"' in handler and 'id="action-return"' in handler
    assert 'id="action-dispatch"' not in handler and 'id="action-close"' not in handler
    assert reverse("workbench:reporter", args=[case.pk]) not in handler
    supervisor = body_text(login(city.supervisor).get(reverse("workbench:detail", args=[case.pk])))
    assert 'id="action-note"' in supervisor and 'id="action-accept"' not in supervisor
    waiting = new_case(route=False)
    intake = body_text(login(city.intake).get(reverse("workbench:detail", args=[waiting.pk])))
    assert 'id="action-dispatch"' in intake and 'id="action-reject"' in intake and 'id="action-accept"' not in intake


def test_dispatch_shows_the_routing_suggestion_and_extra_fields_change_nothing(city, new_case, login):
    case = new_case(route=False)
    intake = login(city.intake)
    page = body_text(intake.get(reverse("workbench:detail", args=[case.pk])))
    assert city.env.name in page  # the rule's suggestion (air → 市生态环境局)
    response = act(intake, case, "dispatch", department=city.env.pk, note="请处理",
                   state="closed", lead_department=city.water.pk, next_due_at="2030-01-01T00:00")
    assert response.status_code == 302
    case = fresh(case)
    assert (case.state, case.lead_department) == ("assigned", city.env)
    assert case.next_due_at < case.received_at.replace(year=2027)


def test_accept_with_extra_fields_changes_only_what_accept_changes(city, new_case, login):
    case = new_case()
    handler = login(city.env_handler)
    response = handler.post(reverse("workbench:act", kwargs={"pk": case.pk, "name": "accept"}), {
        "accept-version": case.version, "accept-state": "closed", "state": "closed",
        "accept-lead_department": city.water.pk, "lead_department": city.water.pk,
        "accept-next_due_at": "2030-01-01", "next_due_at": "2030-01-01", "accepted_at": "2020-01-01"})
    assert response.status_code == 302
    case = fresh(case)
    assert (case.state, case.lead_department) == ("in_progress", city.env)
    assert case.accepted_at.year == 2026 and case.next_due_at.year == 2026


def test_stale_version_is_a_clear_conflict_message(city, new_case, login):
    case = new_case()
    handler = login(city.env_handler)
    stale = case.version
    actions.accept(case, city.env_head, expected_version=stale)  # the head was quicker
    response = act(handler, case, "accept", version=stale)
    assert response.status_code == 302
    with translation.override(settings.LANGUAGE_CODE):  # the admin's language for users without a preference
        assert conflict_message() in messages_of(response)
    response = act(handler, case, "return", version=stale, reason="不归我们管")
    assert response.status_code == 302 and fresh(case).state == "in_progress"


def test_missing_reason_rerenders_the_form_with_the_error(city, new_case, login):
    case = new_case()
    response = act(login(city.env_handler), case, "return", reason="")
    assert response.status_code == 200
    assert 'id="action-return" open' in body_text(response)
    assert fresh(case).state == "assigned"


def test_handler_accepts_adds_evidence_submits_and_intake_closes(city, new_case, login):
    case = new_case()
    handler, intake = login(city.env_handler), login(city.intake)
    assert act(handler, case, "accept").status_code == 302
    upload = SimpleUploadedFile("after.jpg", jpeg_bytes(), content_type="image/jpeg")
    response = handler.post(reverse("workbench:act", kwargs={"pk": case.pk, "name": "evidence"}), {
        "evidence-version": fresh(case).version, "evidence-kind": "after", "evidence-caption": "整改后",
        "evidence-photos": [upload]})
    assert response.status_code == 302, body_text(response)[:500]
    photo = Photo.objects.get(case=case, kind="after")
    assert photo.uploaded_by == city.env_handler and len(photo.original_sha256) == 64
    assert CaseEvent.objects.filter(case=case, kind="evidence_added").exists()
    assert act(handler, case, "submit_result", findings="已查实", reply="已责令整改完毕",
               public_summary="企业已整改").status_code == 302
    assert fresh(case).state == "pending_review"
    assert act(intake, case, "close").status_code == 302
    case = fresh(case)
    assert case.state == "closed"
    assert case.events.filter(kind="closed", is_public=True, public_text="已责令整改完毕").exists()


def test_a_bad_photo_is_a_form_error_not_a_server_error(city, new_case, login):
    case = new_case()
    handler = login(city.env_handler)
    act(handler, case, "accept")
    response = handler.post(reverse("workbench:act", kwargs={"pk": case.pk, "name": "evidence"}), {
        "evidence-version": fresh(case).version, "evidence-kind": "before",
        "evidence-photos": [SimpleUploadedFile("x.jpg", b"not an image")]})
    assert response.status_code == 200 and not Photo.objects.filter(case=case).exists()


def test_extension_request_and_approval(city, new_case, login):
    case = new_case()
    handler, intake = login(city.env_handler), login(city.intake)
    act(handler, case, "accept")
    clock = Assignment.objects.get(case=case, role="lead").clocks.get(kind="handling", stopped_at__isnull=True)
    new_due = date.fromordinal(clock.due_at.date().toordinal() + 10)
    assert act(handler, case, "request_extension", new_due=new_due.isoformat(), reason="需要监测",
               public_reason="需要第三方监测").status_code == 302
    ext = ExtensionRequest.objects.get(case=case)
    page = body_text(intake.get(reverse("workbench:detail", args=[case.pk])))
    assert 'id="action-approve_extension"' in page and "需要监测" in page
    assert act(intake, case, "approve_extension", note="同意").status_code == 302
    ext.refresh_from_db()
    clock.refresh_from_db()
    assert ext.state == "approved" and clock.due_at.date() == new_due


def test_co_department_accepts_and_submits_its_part(city, new_case, login):
    case = new_case(route=False)
    intake = login(city.intake)
    act(intake, case, "dispatch", department=city.env.pk, co_departments=[city.water.pk])
    water = login(city.water_handler)
    page = body_text(water.get(reverse("workbench:detail", args=[case.pk])))
    assert 'id="action-accept_part"' in page and 'id="action-accept"' not in page
    assert act(water, case, "accept_part").status_code == 302
    assert act(water, case, "submit_part", contribution="已排查排水口").status_code == 302
    assert Assignment.objects.get(case=case, department=city.water).state == "done"


def test_note_public_only_for_intake(city, new_case, login):
    case = new_case()
    act(login(city.env_handler), case, "note", text="现场已核实", public="on")
    act(login(city.intake), case, "note", text="已转交处理", public="on")
    notes = {e.actor.username: e for e in CaseEvent.objects.filter(case=case, kind="note")}
    assert not notes["env_handler"].is_public and notes["env_handler"].internal_text == "现场已核实"
    assert notes["intake"].is_public and notes["intake"].public_text == "已转交处理"


def test_publicity_is_for_intake_and_needs_a_summary(city, new_case, login):
    case = new_case()
    intake = login(city.intake)
    response = act(intake, case, "publicity", is_public="on", public_summary="")
    assert response.status_code == 200 and not fresh(case).is_public
    act(intake, case, "publicity", is_public="on", public_summary="某企业废气问题已交办")
    assert fresh(case).is_public and fresh(case).public_summary == "某企业废气问题已交办"
    assert act(login(city.env_handler), case, "publicity", is_public="").status_code == 403


def test_merge_searches_the_target_and_merges(city, new_case, login):
    keep, dup = new_case(description="同一家工厂的废气"), new_case(route=False)
    intake = login(city.intake)
    found = intake.get(reverse("workbench:merge_candidates", args=[dup.pk]) + "?q=同一家")
    assert [r["reference"] for r in found.json()["results"]] == [keep.reference]
    assert act(intake, dup, "merge", target="NO-SUCH").status_code == 200
    assert act(intake, dup, "merge", target=keep.reference, note="重复").status_code == 302
    dup = fresh(dup)
    assert (dup.state, dup.merged_into) == ("merged", keep)


def test_reject_return_transfer_send_back_reopen_stage_close(city, new_case, login):
    intake, handler = login(city.intake), login(city.env_handler)
    rejected = new_case(route=False)
    act(intake, rejected, "reject", reason="不属于生态环境问题", redirect_authority="12345")
    assert fresh(rejected).state == "rejected"
    returned = new_case()
    act(handler, returned, "return", reason="应由水利局办理")
    assert fresh(returned).state == "submitted"
    case = new_case()
    act(handler, case, "accept")
    act(intake, case, "transfer", department=city.water.pk, reason="属水利局职责")
    assert (fresh(case).state, fresh(case).lead_department) == ("assigned", city.water)
    water = login(city.water_handler)
    act(water, case, "accept")
    act(water, case, "submit_result", findings="f", reply="r")
    act(intake, case, "send_back", reason="答复不完整")
    assert fresh(case).state == "in_progress"
    act(water, case, "submit_result", findings="f2", reply="r2")
    task = RectificationTask.objects.create(number=1, title="t", problem="p", responsible_leader="l",
                                            lead_department=city.water, target="t", measures="m",
                                            start_date=date(2026, 1, 1), deadline=date(2026, 12, 31))
    act(intake, case, "stage_close", task=task.pk)
    assert fresh(case).state == "stage_closed" and list(fresh(case).tasks.all()) == [task]
    act(intake, case, "close")
    act(intake, case, "reopen", kind="unsatisfied", reason="群众反映仍有异味")
    assert (fresh(case).state, fresh(case).reopen_count) == ("in_progress", 1)


def test_unknown_action_is_404(city, new_case, login):
    case = new_case()
    client = login(city.intake)
    assert client.post(reverse("workbench:act", kwargs={"pk": case.pk, "name": "delete"})).status_code == 404
    assert client.post(reverse("workbench:act", kwargs={"pk": 999999, "name": "accept"})).status_code == 404


def test_a_deadline_beyond_the_work_calendar_is_a_message_not_an_error(city, new_case, login):
    from cases.models import WorkCalendarYear
    from cases.refcache import invalidate

    case = new_case(route=False)
    WorkCalendarYear.objects.filter(year=2026).delete()  # the dispatch's clocks cannot be computed now
    invalidate("calendar")
    response = act(login(city.intake), case, "dispatch", department=city.env.pk)
    assert response.status_code == 200 and fresh(case).state == "submitted"
    assert "2026" in " ".join(messages_of(response))


def test_head_review_on_the_case_page_and_the_dashboard(city, new_case, login):
    city.env.head_approval_required = True
    city.env.save()
    case = actions.accept(new_case(), city.env_handler)
    handler = login(city.env_handler)
    page = body_text(handler.get(reverse("workbench:detail", args=[case.pk])))
    assert 'id="action-propose_result"' in page and 'id="action-submit_result"' not in page
    assert act(handler, case, "propose_result", findings="核查属实", reply="已整改").status_code == 302
    head = login(city.env_head)
    home = body_text(head.get(reverse("wagtailadmin_home")))
    assert "待我审核" in home and "head_review=on" in home
    listed = body_text(head.get(reverse("workbench:list") + "?state=open&head_review=on"))
    assert f'href="/admin/cases/{case.pk}/"' in listed
    page = body_text(head.get(reverse("workbench:detail", args=[case.pk])))
    assert 'id="action-approve_result"' in page and "核查属实" in page
    assert act(head, case, "approve_result", findings="核查属实", reply="已整改，经复查合格").status_code == 302
    assert fresh(case).state == "pending_review" and fresh(case).reply_text == "已整改，经复查合格"


def test_the_public_badge_matches_what_the_tracking_page_shows(city, new_case, login, client):
    """An internal note on a public event ("同意延期。") is labelled internal; an event the
    tracking page does not show is never labelled public."""
    import re

    from django.utils import timezone

    from cases.tracking import build_view
    from cases.workflow import record_event

    case = new_case()
    handler, intake = login(city.env_handler), login(city.intake)
    act(handler, case, "accept")
    clock = Assignment.objects.get(case=case, role="lead").clocks.get(kind="handling", stopped_at__isnull=True)
    new_due = date.fromordinal(clock.due_at.date().toordinal() + 10)
    act(handler, case, "request_extension", new_due=new_due.isoformat(), reason="需要监测", public_reason="需要第三方监测")
    act(intake, case, "approve_extension", note="同意延期。")
    record_event(case, "merged_followers", None, timezone.now(), is_public=True, internal_text="仅内部可见的说明")
    html = intake.get(reverse("workbench:detail", args=[case.pk])).content.decode()
    items = re.findall(r"<li class=\"wb-(public|internal)\">(.*?)</li>", html, re.S)
    public_texts = [re.sub(r"<p class=\"wb-text wb-internal-text\">.*?</p>", "", body, flags=re.S)
                    for kind, body in items if kind == "public"]
    assert not any("同意延期" in text or "仅内部可见" in text for text in public_texts)
    assert any("仅内部可见" in body for kind, body in items if kind == "internal")
    note = re.search(r"<p class=\"wb-text wb-internal-text\">(.*?)同意延期。", html, re.S).group(1)
    assert "wb-tag--internal" in note  # the note inside the public extension event says "internal"
    timeline = " ".join(entry.text for entry in build_view(case).timeline)
    assert "同意延期" not in timeline and "仅内部可见" not in timeline
